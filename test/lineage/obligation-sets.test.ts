/**
 * Obligations stored as sets (one run, a bitmap of triggers, a block of ids) with resolutions
 * as rows: on random histories with resolutions between feed batches, every query answers
 * what the full list filtered by hand answers, ids stay put, the incremental result equals a
 * full recomputation; and a database that 0001 left with one row per obligation migrates
 * keeping ids, statuses and reasons.
 */
import fc from "fast-check";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { ledgerFeed } from "../../src/lineage/ledger-feed.js";
import { LineageStore, type Obligation } from "../../src/lineage/lineage-store.js";
import { migrateLineage } from "../../src/lineage/migrate-lineage.js";
import { processObligations, recomputeObligations } from "../../src/lineage/obligation-feed.js";
import { CLOSING_STATUSES, OBLIGATION_STATUSES } from "../../src/lineage/obligation-status.js";
import { writeBitmap } from "../../src/lineage/run-index.js";
import { hasPostgres } from "../support/services.js";
import {
  appendEventSpecs,
  historyDay,
  manifestFor,
  openLineageEnv,
  openTestDb,
  registerRunSpec,
  steppingClock,
} from "./lineage-fixtures.js";

const pgOk = await hasPostgres();
const backends: ("sqlite" | "postgres")[] = pgOk ? ["sqlite", "postgres"] : ["sqlite"];
const day = historyDay;
const members = ["a", "b", "c", "d", "e", "f", "g"];
const purposes = ["genai_training", "safety_training"] as const;

const event = fc.record({
  member: fc.constantFrom(...members),
  choice: fc.constantFrom("allow", "deny"),
  day: fc.integer({ min: 0, max: 60 }),
  source: fc.constantFrom("settings", "api", "gpc", "import"),
  purpose: fc.constantFrom(...purposes),
});
const run = fc.record({
  members: fc.subarray(members, { minLength: 1 }),
  day: fc.integer({ min: 0, max: 60 }),
  purpose: fc.constantFrom(...purposes),
});

const identity = (o: Obligation) => `${o.memberId}/${o.runId}/${o.purpose}/${o.triggerKey}`;

/** Every query the API, CLI and member view make, against the full list filtered by hand. */
async function checkQueries(lineage: LineageStore, all: readonly Obligation[]) {
  expect(all.map((o) => o.id)).toEqual([...all.map((o) => o.id)].sort((x, y) => x - y));
  expect(new Set(all.map(identity)).size).toBe(all.length);
  const runs = [...new Set(all.map((o) => o.runId))];
  const filters = [
    ...OBLIGATION_STATUSES.map((status) => ({ status })),
    ...members.map((memberId) => ({ memberId })),
    ...members.map((memberId) => ({ memberId, status: "open" as const })),
    ...members.map((memberId) => ({ memberId, status: "retrained" as const })),
    ...runs.map((runId) => ({ runId })),
    ...runs.map((runId) => ({ runId, status: "open" as const })),
    ...purposes.map((purpose) => ({ purpose })),
    ...purposes.map((purpose) => ({ purpose, status: "not_required" as const })),
    { runId: "no-such-run" },
  ];
  for (const f of filters) {
    const expected = all.filter(
      (o) =>
        (!("status" in f) || o.status === f.status) &&
        (!("memberId" in f) || o.memberId === f.memberId) &&
        (!("runId" in f) || o.runId === f.runId) &&
        (!("purpose" in f) || o.purpose === f.purpose),
    );
    expect(await lineage.listObligations(f), JSON.stringify(f)).toEqual(expected);
    // Paged by id, two at a time, the pages join up to the same list.
    const paged: Obligation[] = [];
    for (let after = 0; ; ) {
      const page = await lineage.listObligations({ ...f, afterId: after, limit: 2 });
      if (page.length === 0) break;
      expect(page.length).toBeLessThanOrEqual(2);
      paged.push(...page);
      after = page[page.length - 1]!.id;
    }
    expect(paged, `paged ${JSON.stringify(f)}`).toEqual(expected);
  }
  for (const purpose of [undefined, ...purposes]) {
    const mine = all.filter((o) => purpose === undefined || o.purpose === purpose);
    const mid = mine.length > 0 ? mine[Math.floor(mine.length / 2)]!.createdAt : 0;
    const counts = await lineage.obligationCounts({
      ...(purpose === undefined ? {} : { purpose }),
      from: mid,
    });
    expect(counts.byStatus).toEqual(
      Object.fromEntries(
        OBLIGATION_STATUSES.map((s) => [s, mine.filter((o) => o.status === s).length]),
      ),
    );
    expect(counts.open).toBe(mine.filter((o) => o.status === "open").length);
    expect(counts.opened).toBe(mine.filter((o) => o.createdAt >= mid).length);
    expect(counts.closed).toBe(
      mine.filter((o) => o.resolvedAt !== null && o.resolvedAt >= mid).length,
    );
  }
  for (const o of all.slice(0, 5)) expect(await lineage.getObligation(o.id)).toEqual(o);
}

describe("obligations stored as sets, with resolutions, on random histories", () => {
  for (const backend of backends) {
    it(`on ${backend}: queries, ids and resolutions hold; incremental equals a recomputation`, async () => {
      let round = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(event, { minLength: 1, maxLength: 25 }),
          fc.array(event, { maxLength: 15 }),
          fc.array(fc.tuple(run, fc.boolean()), { minLength: 1, maxLength: 5 }),
          fc.integer({ min: 1, max: 6 }),
          fc.array(fc.tuple(fc.nat(), fc.constantFrom(...CLOSING_STATUSES)), { maxLength: 6 }),
          async (first, second, rs, batch, closes) => {
            const env = await openLineageEnv(backend);
            try {
              const regs = rs.map(([r, late], i) => ({ ...r, late, runId: `run-${round}-${i}` }));
              for (const r of regs.filter((x) => !x.late)) await registerRunSpec(env.lineage, r);
              await appendEventSpecs(env.ledger, first);
              await processObligations(env.lineage, ledgerFeed(env.ledger), { batchSize: batch });
              // Close some obligations, then more changes and the late runs (backfills).
              const before = await env.lineage.listObligations();
              const closed = new Map<number, string>();
              for (const [pick, status] of closes) {
                const o = before[pick % Math.max(1, before.length)];
                if (o === undefined || closed.has(o.id)) continue;
                await env.lineage.resolveObligation(o.id, status, `reason ${o.id}`);
                closed.set(o.id, status);
              }
              await appendEventSpecs(env.ledger, second);
              const lineage = await env.reopen();
              await processObligations(lineage, ledgerFeed(env.ledger), {
                batchSize: batch,
                maxBatches: 1,
              });
              for (const r of regs.filter((x) => x.late)) await registerRunSpec(lineage, r);
              await processObligations(lineage, ledgerFeed(env.ledger), { batchSize: batch });

              const all = await lineage.listObligations();
              // Ids stay put: every obligation listed before is listed again under its id.
              const byId = new Map(all.map((o) => [o.id, o]));
              for (const o of before) expect(identity(byId.get(o.id)!)).toBe(identity(o));
              for (const [id, status] of closed) {
                expect(byId.get(id)).toMatchObject({ status, reason: `reason ${id}` });
                await expect(
                  lineage.resolveObligation(id, "unlearned", "again"),
                ).rejects.toMatchObject({ code: "TG_E_CONFLICT" });
              }
              const re = await recomputeObligations(lineage, ledgerFeed(env.ledger));
              expect(re.missing).toEqual([]);
              expect(re.extra).toEqual([]);
              expect(re.expected).toHaveLength(all.length);
              await checkQueries(lineage, all);
              const top = all.length === 0 ? 0 : all[all.length - 1]!.id;
              await expect(
                lineage.resolveObligation(top + 1, "retrained", "x"),
              ).rejects.toMatchObject({ code: "TG_E_NOT_FOUND" });
            } finally {
              round++;
              await env.close();
            }
          },
        ),
        { numRuns: backend === "sqlite" ? 30 : 10 },
      );
    });
  }
});

describe("migration 0002: one row per obligation becomes sets, keeping ids", () => {
  for (const backend of backends) {
    it(`on ${backend}: ids, statuses, reasons and counts survive; new ids follow the old`, async () => {
      const t = await openTestDb(backend);
      try {
        await migrateLineage(t.db, backend, "0001_lineage");
        const now = steppingClock(day(400));
        const bitmap = writeBitmap([0, 1, 2]);
        // Inserted in order, so the runs get seq 1, 2 and the triggers 1, 2, 3.
        for (const [runId, asOf] of [
          ["r1", day(1)],
          ["r2", day(2)],
        ] as const) {
          await sql`insert into lineage_runs (run_id, purpose, as_of, registered_at, policy_name,
              policy_sha256, merkle_root, output_path, output_sha256, counts_input, counts_included,
              members_count, items_count, members_allow, members_none, manifest, regions,
              member_bitmap, item_bitmap)
            values (${runId}, 'genai_training', ${asOf}, ${now()}, 'p', ${"a".repeat(64)},
              ${"b".repeat(64)}, 'out', ${"c".repeat(64)}, 3, 3, 3, 3, 0, 3,
              ${JSON.stringify(manifestFor(runId, ["x", "y", "z"], { asOf: new Date(asOf / 1000).toISOString() }))},
              null, ${bitmap}, ${bitmap})`.execute(t.db);
        }
        for (const [seq, member] of [
          [1, "m0"],
          [2, "m1"],
          [3, "m2"],
        ] as const) {
          await sql`insert into lineage_member_ids (id, dense) values (${member}, ${seq - 1})`.execute(
            t.db,
          );
          await sql`insert into lineage_triggers (trigger_key, member_id, purpose, at, prev_at, source)
            values (${`ev-${member}`}, ${member}, 'genai_training', ${day(10)}, null, 'settings')`.execute(
            t.db,
          );
        }
        // As 0001's processor wrote them: ids by (trigger, run), one resolved, a gap at 4.
        const created = day(11);
        const old = [
          [1, 1, 1, "open", null, null],
          [2, 1, 2, "retrained", "llm@2 without them", day(12)],
          [3, 2, 1, "open", null, null],
          [5, 2, 2, "open", null, null],
          [6, 3, 1, "not_required", "never used", day(13)],
          [7, 3, 2, "open", null, null],
        ] as const;
        for (const [id, trig, runSeq, status, reason, resolvedAt] of old)
          await sql`insert into lineage_obligations (id, trigger_seq, run_seq, created_at, status, reason, resolved_at)
            values (${id}, ${trig}, ${runSeq}, ${created}, ${status}, ${reason}, ${resolvedAt})`.execute(
            t.db,
          );
        const lineage = await LineageStore.open(t.db, backend, now);
        const all = await lineage.listObligations();
        expect(
          all.map((o) => [
            o.id,
            o.memberId,
            o.runId,
            o.status,
            o.reason,
            o.resolvedAt,
            o.createdAt,
          ]),
        ).toEqual(
          old.map(([id, trig, runSeq, status, reason, resolvedAt]) => [
            id,
            `m${trig - 1}`,
            `r${runSeq}`,
            status,
            reason,
            resolvedAt,
            created,
          ]),
        );
        expect(await lineage.obligationCounts()).toMatchObject({
          open: 4,
          byStatus: { open: 4, retrained: 1, not_required: 1, unlearned: 0, model_retired: 0 },
        });
        await expect(lineage.resolveObligation(4, "retrained", "x")).rejects.toMatchObject({
          code: "TG_E_NOT_FOUND",
        });
        await expect(lineage.resolveObligation(2, "unlearned", "x")).rejects.toMatchObject({
          code: "TG_E_CONFLICT",
        });
        expect(await lineage.resolveObligation(5, "unlearned", "removed")).toMatchObject({
          id: 5,
          memberId: "m1",
          runId: "r2",
          status: "unlearned",
        });
        // A run registered now owes m0..m2 (their triggers are after it): ids after 7.
        await lineage.registerRun({
          manifest: manifestFor("r3", ["q"], { asOf: new Date(day(3) / 1000).toISOString() }),
          itemIds: ["q"],
          memberIds: ["m0", "m1", "m2"],
          memberConsent: { allow: 0, none: 3 },
        });
        expect(
          (await lineage.listObligations({ runId: "r3" })).map((o) => [o.id, o.memberId]),
        ).toEqual([
          [8, "m0"],
          [9, "m1"],
          [10, "m2"],
        ]);
        // Migrating again is a no-op, also when 0002 ran but was not recorded (a crash
        // between SQLite's commit and Kysely's bookkeeping); the old table is gone.
        await migrateLineage(t.db, backend);
        await sql`delete from lineage_migration where name = '0002_obligation_sets'`.execute(t.db);
        await migrateLineage(t.db, backend);
        expect((await lineage.listObligations()).map((o) => o.id)).toEqual([
          1, 2, 3, 5, 6, 7, 8, 9, 10,
        ]);
        await expect(sql`select count(*) from lineage_obligations`.execute(t.db)).rejects.toThrow();
      } finally {
        await t.close();
      }
    });
  }
});
