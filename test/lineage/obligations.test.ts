import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NewConsentEvent } from "../../src/ledger/ledger-store.js";
import { ledgerFeed } from "../../src/lineage/ledger-feed.js";
import type { LineageStore } from "../../src/lineage/lineage-store.js";
import { processObligations, recomputeObligations } from "../../src/lineage/obligation-feed.js";
import { hasPostgres } from "../support/services.js";
import {
  appendEventSpecs,
  historyDay,
  type LineageEnv,
  manifestFor,
  openLineageEnv as openEnv,
  registerRunSpec,
} from "./lineage-fixtures.js";

const pgOk = await hasPostgres();
const T = (iso: string) => Date.parse(iso) * 1000;
const ctx = { actor: "test", requestId: null };

async function register(
  lineage: LineageStore,
  runId: string,
  members: string[],
  asOf: string,
  purpose = "genai_training",
) {
  const items = members.map((m) => `${runId}:${m}`);
  await lineage.registerRun({
    manifest: manifestFor(runId, items, { asOf, purpose }),
    itemIds: items,
    memberIds: members,
    memberConsent: { allow: 0, none: members.length },
  });
}

const ev = (
  memberId: string,
  choice: "allow" | "deny",
  at: string,
  source: NewConsentEvent["source"] = "settings",
  purpose = "genai_training",
): NewConsentEvent => ({ memberId, purpose, choice, at: T(at), source });

function suite(backend: "sqlite" | "postgres"): void {
  let env: LineageEnv;
  beforeAll(async () => {
    env = await openEnv(backend);
  });
  afterAll(async () => env.close());

  it("opens one obligation per earlier run containing a member who turns to deny", async () => {
    const { ledger, lineage } = env;
    await register(lineage, "r1", ["m1", "m2", "m3"], "2025-01-01T00:00:00Z");
    await register(lineage, "r2", ["m1", "m3"], "2025-03-01T00:00:00Z");
    await register(lineage, "s1", ["m1", "m3"], "2025-01-01T00:00:00Z", "safety_training");
    await ledger.appendEvents(
      [
        ev("m1", "allow", "2024-12-01T00:00:00Z"),
        ev("m1", "deny", "2025-02-01T00:00:00Z"), // covers r1 only
        ev("m1", "deny", "2025-02-15T00:00:00Z"), // already deny: nothing new
        ev("m1", "allow", "2025-04-01T00:00:00Z"),
        ev("m1", "deny", "2025-05-01T00:00:00Z", "api"), // covers r2, not r1 again
        ev("m2", "deny", "2025-06-01T00:00:00Z", "gpc"), // gpc: r1
        ev("m4", "deny", "2025-06-01T00:00:00Z"), // in no run
      ],
      ctx,
    );
    await ledger.eraseMember("m3", "ticket-1", ctx); // tombstones: r1, r2 and s1
    const progress = await processObligations(lineage, ledgerFeed(ledger), { batchSize: 3 });
    expect(progress.triggers).toBeGreaterThanOrEqual(5);
    const got = (await lineage.listObligations())
      .map((o) => `${o.memberId}/${o.runId}/${o.purpose}/${o.status}`)
      .sort();
    expect(got).toEqual([
      "m1/r1/genai_training/open",
      "m1/r2/genai_training/open",
      "m2/r1/genai_training/open",
      "m3/r1/genai_training/open",
      "m3/r2/genai_training/open",
      "m3/s1/safety_training/open",
    ]);
    // Processing again adds nothing; a full recomputation agrees.
    expect((await processObligations(lineage, ledgerFeed(ledger))).opened).toBe(0);
    const re = await recomputeObligations(lineage, ledgerFeed(ledger));
    expect(re.missing).toEqual([]);
    expect(re.extra).toEqual([]);
    expect(re.expected).toHaveLength(6);
  });

  it("opens obligations for a run registered after the opt-out (a backfill)", async () => {
    const { ledger, lineage } = env;
    await register(lineage, "r0", ["m2", "m5"], "2024-06-01T00:00:00Z");
    const mine = await lineage.listObligations({ runId: "r0" });
    expect(mine.map((o) => o.memberId)).toEqual(["m2"]);
    const re = await recomputeObligations(lineage, ledgerFeed(ledger));
    expect([re.missing, re.extra]).toEqual([[], []]);
  });

  it("resolves an obligation once, with a reason", async () => {
    const { lineage } = env;
    const [first] = await lineage.listObligations({ status: "open", limit: 1 });
    const done = await lineage.resolveObligation(
      first!.id,
      "retrained",
      "model llm@2 retrained without",
    );
    expect(done).toMatchObject({ status: "retrained", reason: "model llm@2 retrained without" });
    expect(done.resolvedAt).not.toBeNull();
    await expect(lineage.resolveObligation(first!.id, "unlearned", "again")).rejects.toMatchObject({
      code: "TG_E_CONFLICT",
    });
    await expect(lineage.resolveObligation(999999, "unlearned", "x")).rejects.toMatchObject({
      code: "TG_E_NOT_FOUND",
    });
    await expect(lineage.resolveObligation(first!.id, "unlearned", " ")).rejects.toMatchObject({
      code: "TG_E_USAGE",
    });
  });
}

describe("obligations on SQLite", () => suite("sqlite"));
describe.skipIf(!pgOk)("obligations on PostgreSQL", () => suite("postgres"));

describe("obligations survive restarts and crashes mid-stream (random histories)", () => {
  const members = ["a", "b", "c", "d", "e", "f"];
  const history = fc.array(
    fc.record({
      member: fc.constantFrom(...members),
      choice: fc.constantFrom("allow", "deny"),
      day: fc.integer({ min: 0, max: 60 }),
      source: fc.constantFrom("settings", "api", "gpc", "import"),
      purpose: fc.constantFrom("genai_training", "safety_training"),
    }),
    { minLength: 1, maxLength: 30 },
  );
  const runs = fc.array(
    fc.record({
      members: fc.subarray(members, { minLength: 1 }),
      day: fc.integer({ min: 0, max: 60 }),
      purpose: fc.constantFrom("genai_training", "safety_training"),
      late: fc.boolean(),
    }),
    { minLength: 1, maxLength: 5 },
  );

  const backends: ("sqlite" | "postgres")[] = pgOk ? ["sqlite", "postgres"] : ["sqlite"];
  for (const backend of backends) {
    it(`on ${backend}: incremental with restarts and crashes equals a full recomputation`, async () => {
      let round = 0;
      await fc.assert(
        fc.asyncProperty(
          history,
          runs,
          fc.integer({ min: 1, max: 5 }),
          fc.integer({ min: 1, max: 4 }),
          async (events, rs, batch, crashAt) => {
            const env = await openEnv(backend);
            try {
              const day = historyDay;
              const regs = rs.map((r, i) => ({ ...r, runId: `run-${round}-${i}` }));
              for (const r of regs.filter((x) => !x.late)) await registerRunSpec(env.lineage, r);
              await appendEventSpecs(env.ledger, events);
              // Crash inside a batch's transaction: it rolls back entirely.
              let failed = false;
              await processObligations(env.lineage, ledgerFeed(env.ledger), {
                batchSize: batch,
                beforeCommit: (n) => {
                  if (n === crashAt) throw new Error("crash");
                },
              }).catch(() => {
                failed = true;
              });
              // Restart: a new process view; one batch, then late runs, then the rest.
              let lineage = await env.reopen();
              await processObligations(lineage, ledgerFeed(env.ledger), {
                batchSize: batch,
                maxBatches: 1,
              });
              for (const r of regs.filter((x) => x.late)) await registerRunSpec(lineage, r);
              lineage = await env.reopen();
              await processObligations(lineage, ledgerFeed(env.ledger), { batchSize: batch });
              const stored = await lineage.listObligations();
              const keys = stored.map(
                (o) => `${o.memberId}/${o.runId}/${o.purpose}/${o.triggerKey}`,
              );
              expect(new Set(keys).size).toBe(keys.length);
              const re = await recomputeObligations(lineage, ledgerFeed(env.ledger));
              expect(re.missing).toEqual([]);
              expect(re.extra).toEqual([]);
              // The plain definition, without bitmaps or the database: replay each member's
              // state; a deny after a non-deny state owes every run of the purpose containing
              // the member whose as-of is before it and not before the previous such deny.
              const state = new Map<string, { at: number; choice: string; trig: number | null }>();
              const oracle: string[] = [];
              for (const e of events) {
                const k = `${e.member}/${e.purpose}`;
                const s0 = state.get(k);
                const choice = e.source === "gpc" ? "deny" : e.choice;
                const at = day(e.day);
                if (
                  s0 &&
                  !(at > s0.at || (at === s0.at && choice === "deny" && s0.choice !== "deny"))
                )
                  continue;
                const turns = choice === "deny" && s0?.choice !== "deny";
                const prev = s0?.trig ?? null;
                if (turns)
                  for (const r of regs)
                    if (
                      r.purpose === e.purpose &&
                      r.members.includes(e.member) &&
                      day(r.day) < at &&
                      (prev === null || day(r.day) >= prev)
                    )
                      oracle.push(`${e.member}/${r.runId}/${at}`);
                state.set(k, { at, choice, trig: turns ? at : prev });
              }
              expect(stored.map((o) => `${o.memberId}/${o.runId}/${o.triggerAt}`).sort()).toEqual(
                oracle.sort(),
              );
              expect(failed).toBe(crashAt <= Math.ceil(events.length / batch));
            } finally {
              round++;
              await env.close();
            }
          },
        ),
        { numRuns: backend === "sqlite" ? 25 : 10 },
      );
    });
  }
});
