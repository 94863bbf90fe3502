/**
 * Item rows that are not valid Unicode text: a line with a byte that is not UTF-8, and a
 * string with a lone surrogate escape (`"\ud800"`). DuckDB cannot read either as text, so
 * the build counts them `malformed`; the JavaScript reader (`explain`, the reference
 * evaluator) must read them the same way, and every valid line around them must still be
 * read, CRLF line ends and a last line without a newline included. Members or consent with
 * such a row fail (contract §3: a lost opt-out must never let data through).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readKeyFile } from "../../src/build/pseudonym-key.js";
import { runBuild } from "../../src/build/run-build.js";
import { loadPreset } from "../../src/config/load-policy.js";
import { loadConsent, loadItems } from "../../src/export/load-export.js";
import { parseTimestamp } from "../../src/policy/time.js";

const dir = mkdtempSync(join(tmpdir(), "tg-unicode-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const item = (id: string, text: string) =>
  `{"id":"${id}","author_id":"m1","kind":"post","visibility":"public","created_at":"2024-10-01T00:00:00Z","deleted_at":null,"text":${text},"lang":null}`;

describe("rows that are not valid Unicode text", () => {
  const itemsPath = join(dir, "items.jsonl");
  // Line 2 holds the bytes 0xFF 0xFE, which are not UTF-8; line 1 ends in CRLF; line 5 has
  // no newline.
  const bad = Buffer.from(item("b", '"bad @@"'));
  const at = bad.indexOf("@@");
  const lines = [
    Buffer.from(`${item("a", '"plain"')}\r\n`),
    Buffer.concat([
      bad.subarray(0, at),
      Buffer.from([0xff, 0xfe]),
      bad.subarray(at + 2),
      Buffer.from("\n"),
    ]),
    Buffer.from(`${item("c", '"lone \\ud800 surrogate"')}\n`),
    Buffer.from(`${item("d", '"paired \\ud83d\\ude00, NUL \\u0000, sep \u2028, é"')}\n`),
    Buffer.from(item("e", '"last line, no newline"')),
  ];
  writeFileSync(itemsPath, Buffer.concat(lines));
  const membersPath = join(dir, "members.jsonl");
  writeFileSync(
    membersPath,
    '{"id":"m1","country":"US","birth_date":"1980-01-01","display_name":"Ana","created_at":"2020-01-01T00:00:00Z","deleted_at":null}\n',
  );
  const consentPath = join(dir, "consent.jsonl");
  writeFileSync(consentPath, "");

  it("are unreadable rows for the JavaScript reader, the lines around them are read", async () => {
    const items = await loadItems(itemsPath);
    expect(items.map((i) => i.id)).toEqual(["a", null, null, "d", "e"]);
    expect(items.find((i) => i.id === "d")?.text).toBe(
      "paired \ud83d\ude00, NUL \u0000, sep \u2028, é",
    );
    await expect(loadItems(itemsPath, true)).rejects.toThrow(/items\.jsonl:2: .*UTF-8/);
  });

  it("are malformed in the build, which includes the same rows as the reader", async () => {
    writeFileSync(join(dir, "key.bin"), Buffer.alloc(32, 3));
    const result = await runBuild({
      policy: loadPreset("linkedin-2024"),
      purpose: "genai_training",
      asOf: parseTimestamp("2025-06-01T00:00:00Z")!,
      members: membersPath,
      items: itemsPath,
      consent: consentPath,
      out: join(dir, "out"),
      format: "jsonl",
      strict: false,
      force: true,
      key: readKeyFile(join(dir, "key.bin")),
      redact: true,
    });
    expect(result.manifest.counts.input).toBe(5);
    expect(result.manifest.counts.excluded.malformed).toBe(2);
    const ids = readFileSync(join(dir, "out", "dataset.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => (JSON.parse(l) as { id: string }).id);
    expect(ids).toEqual(["a", "d", "e"]);
  });

  it("fail the consent file naming the line", async () => {
    const path = join(dir, "bad-consent.jsonl");
    writeFileSync(
      path,
      '{"member_id":"m1","purpose":"genai_training","choice":"deny","at":"2024-01-01T00:00:00Z","source":"settings"}\n{"member_id":"m\\udc00","purpose":"genai_training","choice":"deny","at":"2024-01-01T00:00:00Z","source":"settings"}\n',
    );
    await expect(loadConsent(path)).rejects.toThrow(/bad-consent\.jsonl:2/);
  });
});
