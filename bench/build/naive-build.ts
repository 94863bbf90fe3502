/**
 * The naive peer of the build benchmark: a straightforward streaming build in JavaScript.
 * Members and consent are loaded into maps, items are read row by row with hyparquet,
 * decided one at a time with `decideItem`, and written as JSONL with an HMAC author. No
 * sort and no redaction (so it does less than the real build). Run as a child process:
 *   node --import tsx bench/build/naive-build.ts MEMBERS ITEMS CONSENT OUT LIMIT
 * Prints one JSON line of timings and peak RSS on stdout.
 */
import { createHmac } from "node:crypto";
import { createWriteStream } from "node:fs";
import { loadPreset } from "../../src/config/load-policy.js";
import { loadConsent, loadMembers } from "../../src/export/load-export.js";
import { parseItemRow } from "../../src/export/parse-rows.js";
import { readRows } from "../../src/export/read-rows.js";
import type { ConsentEvent } from "../../src/policy/domain.js";
import { decideItem } from "../../src/policy/evaluate/decide-item.js";
import { formatInstant, parseTimestamp } from "../../src/policy/time.js";

const [members, items, consent, out, limitText] = process.argv.slice(2);
if (!members || !items || !consent || !out)
  throw new Error("usage: MEMBERS ITEMS CONSENT OUT [LIMIT]");
const limit = Number(limitText ?? Number.POSITIVE_INFINITY);
const policy = loadPreset("recommended");
const asOf = parseTimestamp("2025-06-01T00:00:00Z")!;
const key = Buffer.alloc(32, 1);

const t0 = performance.now();
const byId = new Map((await loadMembers(members)).map((m) => [m.id, m]));
const events = new Map<string, ConsentEvent[]>();
for (const e of await loadConsent(consent)) {
  const list = events.get(e.memberId);
  if (list === undefined) events.set(e.memberId, [e]);
  else list.push(e);
}
const t1 = performance.now();
const sink = createWriteStream(out);
let n = 0;
let included = 0;
for await (const row of readRows(items)) {
  if (n >= limit) break;
  n++;
  if (row.values === undefined) continue;
  const item = parseItemRow(row.values);
  const member = item.authorId === null ? undefined : byId.get(item.authorId);
  const d = decideItem({
    item,
    member,
    events: (item.authorId === null ? undefined : events.get(item.authorId)) ?? [],
    policy,
    purpose: "genai_training",
    asOf,
  });
  if (!d.included) continue;
  included++;
  const line = JSON.stringify({
    id: item.id,
    author: createHmac("sha256", key).update(item.authorId!).digest("hex"),
    kind: item.kind,
    created_at: formatInstant(item.createdAt!),
    lang: item.lang,
    text: item.text,
  });
  if (!sink.write(`${line}\n`)) await new Promise<void>((r) => sink.once("drain", () => r()));
}
await new Promise<void>((r) => sink.end(r));
const t2 = performance.now();
process.stdout.write(
  `${JSON.stringify({ loadMs: t1 - t0, itemsMs: t2 - t1, items: n, included, maxRssKb: process.resourceUsage().maxRSS })}\n`,
);
