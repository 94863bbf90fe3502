/**
 * A small, hand-readable platform export for the web UI's end-to-end test, written to disk
 * and seeded through the real code: consent events through the ledger store, and a build run
 * whose included items are decided by the real batch evaluator, registered in the real
 * lineage registry with a model trained on it.
 */

import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadPreset } from "../../src/config/load-policy.js";
import { loadExport } from "../../src/export/load-export.js";
import type { LedgerStore } from "../../src/ledger/ledger-store.js";
import { merkleRoot } from "../../src/lineage/merkle.js";
import { lineageOnLedger } from "../../src/lineage/open-lineage.js";
import { REASONS } from "../../src/policy/domain.js";
import {
  consentColumns,
  evaluateBatch,
  reasonOfCode,
  toColumns,
} from "../../src/policy/evaluate/batch.js";
import { parseTimestamp } from "../../src/policy/time.js";

/** The member who opts out in the test (US, adult, public posts used by the run). */
export const ALICE = "m-alice";
/** Another member, who must never see Alice's data. */
export const BOB = "m-bob";
/** A member who allowed training, then visits with a browser that sends GPC. */
export const GPC_MEMBER = "m-gus";
/** The run registered from the fixture. */
export const RUN_ID = "run-2025-01-genai";
/** The run's instant. */
export const RUN_AS_OF = "2025-01-01T00:00:00Z";

const members = [
  { id: ALICE, country: "US", birth_date: "1980-04-02", display_name: "Alice Archer" },
  { id: BOB, country: "US", birth_date: "1991-07-15", display_name: "Bob Brook" },
  { id: "m-chen", country: "GB", birth_date: "1985-01-20", display_name: "Chen Cole" },
  { id: "m-dora", country: "DE", birth_date: "1975-09-09", display_name: "Dora Diaz" },
  { id: "m-eli", country: "US", birth_date: null, display_name: "Eli East" },
  { id: "m-fay", country: "FR", birth_date: "2010-03-03", display_name: "Fay Fox" },
  { id: "m-gus", country: "BR", birth_date: "1999-12-31", display_name: "Gus Gray" },
  { id: "m-hana", country: "UK", birth_date: "2001-06-06", display_name: "Hana Hill" },
].map((m) => ({ ...m, created_at: "2019-01-01T00:00:00Z", deleted_at: null }));

const KINDS = ["post", "comment", "article", "message", "profile"] as const;
const VIS = ["public", "public", "connections", "private"] as const;

function items() {
  const out: Record<string, unknown>[] = [];
  let n = 0;
  for (const m of members) {
    for (let i = 0; i < 6; i++) {
      n++;
      const month = String(1 + ((n * 5) % 12)).padStart(2, "0");
      const year = 2023 + (n % 3);
      out.push({
        id: `i${String(n).padStart(3, "0")}`,
        author_id: m.id,
        kind: KINDS[(n + i) % KINDS.length],
        visibility: VIS[n % VIS.length],
        created_at: `${year}-${month}-1${i}T10:00:00Z`,
        deleted_at: null,
        text: `Post ${n} by ${m.display_name} about work and travel.`,
        lang: "en",
      });
    }
  }
  // Alice's recent public posts: the run at RUN_AS_OF uses them under recommended (opt-out
  // region, adult, after the notice date), so her opt-out must open an obligation.
  for (const [id, created] of [
    ["i900", "2024-10-15T08:00:00Z"],
    ["i901", "2024-11-20T08:00:00Z"],
  ] as const) {
    out.push({
      id,
      author_id: ALICE,
      kind: "post",
      visibility: "public",
      created_at: created,
      deleted_at: null,
      text: "Alice Archer on the road again.",
      lang: "en",
    });
  }
  return out;
}

/** Consent already in the ledger before the test starts. */
const consent = [
  {
    member_id: BOB,
    purpose: "genai_training",
    choice: "deny",
    at: "2024-10-01T09:00:00Z",
    source: "settings",
  },
  {
    member_id: "m-chen",
    purpose: "genai_training",
    choice: "allow",
    at: "2024-10-02T09:00:00Z",
    source: "settings",
  },
  {
    member_id: "m-dora",
    purpose: "genai_training",
    choice: "deny",
    at: "2024-11-01T09:00:00Z",
    source: "gpc",
  },
  {
    member_id: "m-gus",
    purpose: "genai_training",
    choice: "allow",
    at: "2024-08-01T09:00:00Z",
    source: "api",
  },
  {
    member_id: "m-hana",
    purpose: "genai_training",
    choice: "allow",
    at: "2024-09-30T09:00:00Z",
    source: "settings",
  },
];

const jsonl = (rows: readonly unknown[]) => `${rows.map((r) => JSON.stringify(r)).join("\n")}\n`;

/** Writes the export (members, items, consent_events as JSON Lines) into `dir`. */
export function writeExport(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "members.jsonl"), jsonl(members));
  writeFileSync(join(dir, "items.jsonl"), jsonl(items()));
  writeFileSync(join(dir, "consent_events.jsonl"), jsonl(consent));
}

const sha = (s: string) => createHash("sha256").update(s).digest("hex");

/**
 * Seeds the ledger with the export's consent events and registers one run (recommended
 * policy, genai_training, RUN_AS_OF) and a model trained on it. Returns the run's included
 * item ids.
 */
export async function seedLedger(store: LedgerStore, dir: string): Promise<string[]> {
  const data = await loadExport({
    members: join(dir, "members.jsonl"),
    items: join(dir, "items.jsonl"),
    consent: join(dir, "consent_events.jsonl"),
  });
  await store.appendEvents(
    data.events.map((e) => ({
      memberId: e.memberId,
      purpose: e.purpose,
      choice: e.choice,
      at: e.at,
      source: e.source,
    })),
    { actor: "test:seed", requestId: null },
  );
  // The policy version members were shown before the run (the notice date of recommended).
  await store.publishDocument(
    {
      kind: "privacy_policy",
      version: "2024-09",
      title: "Privacy Policy",
      body: "From 18 September 2024 we may use public posts to train generative AI unless you object.",
      publishedAt: parseTimestamp("2024-09-01T00:00:00Z")!,
      effectiveAt: parseTimestamp("2024-09-18T00:00:00Z")!,
    },
    { actor: "test:seed", requestId: null },
  );
  const policy = loadPreset("recommended");
  const asOf = parseTimestamp(RUN_AS_OF)!;
  const pop = toColumns(data.items, data.members);
  const codes = evaluateBatch(
    policy,
    "genai_training",
    asOf,
    pop.items,
    pop.members,
    consentColumns(data.events, "genai_training", pop.memberIndex),
  );
  const excluded = Object.fromEntries(REASONS.map((r) => [r, 0])) as Record<string, number>;
  const included: string[] = [];
  const authors: string[] = [];
  data.items.forEach((item, i) => {
    const reason = reasonOfCode(codes[i]!);
    if (reason === null) {
      included.push(item.id!);
      authors.push(item.authorId!);
    } else excluded[reason] = (excluded[reason] ?? 0) + 1;
  });
  if (!authors.includes(ALICE)) throw new Error("the fixture's run must include Alice's posts");
  const lineage = await lineageOnLedger(store);
  await lineage.registerRun({
    manifest: {
      run_id: RUN_ID,
      purpose: "genai_training",
      as_of: RUN_AS_OF,
      policy: { name: policy.name, sha256: sha(policy.name) },
      inputs: [],
      counts: { input: data.items.length, included: included.length, excluded },
      output: { path: "dataset.jsonl", sha256: sha(included.join("\n")) },
      merkle_root: merkleRoot(included),
    },
    itemIds: included,
    memberIds: authors,
    memberConsent: { allow: 0, none: new Set(authors).size },
  });
  await lineage.registerModel({ name: "assistant", runIds: [RUN_ID] });
  return included;
}
