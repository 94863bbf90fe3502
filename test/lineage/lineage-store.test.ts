import fc from "fast-check";
import roaring from "roaring";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LineageStore } from "../../src/lineage/lineage-store.js";
import type { LineageDialect } from "../../src/lineage/lineage-tables.js";
import { hasPostgres } from "../support/services.js";
import { manifestFor, openTestDb, steppingClock, type TestDb } from "./lineage-fixtures.js";

const pgOk = await hasPostgres();

function suite(dialect: LineageDialect): void {
  let t: TestDb;
  let store: LineageStore;
  beforeAll(async () => {
    t = await openTestDb(dialect);
    store = await LineageStore.open(t.db, dialect, steppingClock());
  });
  afterAll(async () => t.close());

  it("registers a run and reads it back with its counts and bitmaps", async () => {
    const run = await store.registerRun({
      manifest: manifestFor("run-a", ["i1", "i2", "i3"], { input: 5 }),
      itemIds: ["i3", "i1", "i2"],
      memberIds: ["m1", "m2", "m1"],
      memberConsent: { allow: 1, none: 1 },
    });
    expect(run).toMatchObject({
      runId: "run-a",
      purpose: "genai_training",
      asOf: Date.parse("2025-01-01T00:00:00Z") * 1000,
      members: 2,
      items: 3,
      memberConsent: { allow: 1, none: 1 },
      counts: { input: 5, included: 3 },
    });
    expect(await store.runsContainingMember("m1")).toEqual([
      { runId: "run-a", purpose: "genai_training", asOf: run.asOf },
    ]);
    expect(await store.runsContainingMember("m9")).toEqual([]);
    expect(await store.runItemIds("run-a")).toEqual(["i1", "i2", "i3"]);
  });

  it("stores bitmaps in the portable Roaring format", async () => {
    const row = await store.db
      .selectFrom("lineage_runs")
      .select("member_bitmap")
      .where("run_id", "=", "run-a")
      .executeTakeFirstOrThrow();
    const bytes = Buffer.from(row.member_bitmap);
    // Portable format cookies (RoaringFormatSpec): 12346 without runs, 12347 with runs.
    expect([12346, 12347]).toContain(bytes.readUInt16LE(0));
    expect(roaring.RoaringBitmap32.deserialize(bytes, true).size).toBe(2);
  });

  it("is idempotent for the same manifest and refuses another one under the same id", async () => {
    const again = await store.registerRun({
      manifest: manifestFor("run-a", ["i1", "i2", "i3"], { input: 5 }),
      itemIds: ["i1", "i2", "i3"],
      memberIds: ["m1", "m2"],
      memberConsent: { allow: 1, none: 1 },
    });
    expect(again.runId).toBe("run-a");
    await expect(
      store.registerRun({
        manifest: manifestFor("run-a", ["i1"]),
        itemIds: ["i1"],
        memberIds: ["m1"],
        memberConsent: { allow: 0, none: 1 },
      }),
    ).rejects.toMatchObject({ code: "TG_E_CONFLICT" });
  });

  it("rejects ids that do not match the manifest's count or merkle root", async () => {
    await expect(
      store.registerRun({
        manifest: manifestFor("run-x", ["i1", "i2"]),
        itemIds: ["i1", "i9"],
        memberIds: ["m1"],
        memberConsent: { allow: 0, none: 1 },
      }),
    ).rejects.toThrow(/merkle_root/);
    await expect(
      store.registerRun({
        manifest: manifestFor("run-x", ["i1", "i2"]),
        itemIds: ["i1"],
        memberIds: ["m1"],
        memberConsent: { allow: 0, none: 1 },
      }),
    ).rejects.toThrow(/counts.included is 2/);
    await expect(
      store.registerRun({
        manifest: { run_id: "run-x" },
        itemIds: [],
        memberIds: [],
        memberConsent: { allow: 0, none: 0 },
      }),
    ).rejects.toMatchObject({ code: "TG_E_BAD_INPUT" });
  });

  it("registers models on runs, numbering versions, refusing unknown runs", async () => {
    const m1 = await store.registerModel({ name: "llm", runIds: ["run-a"] });
    const m2 = await store.registerModel({ name: "llm", runIds: ["run-a"] });
    expect([m1.modelId, m2.modelId]).toEqual(["llm@1", "llm@2"]);
    expect(await store.registerModel({ name: "llm", version: "1", runIds: ["run-a"] })).toEqual(m1);
    await expect(
      store.registerModel({ name: "llm", version: "1", runIds: ["run-zz"] }),
    ).rejects.toMatchObject({ code: "TG_E_NOT_FOUND" });
    expect((await store.listModels(["run-a"])).map((m) => m.modelId)).toEqual(["llm@1", "llm@2"]);
    expect(await store.listModels(["other"])).toEqual([]);
  });

  it("answers 'which runs contain member X' exactly like a plain recomputation", async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.subarray(Array.from({ length: 40 }, (_, i) => `p${i}`)), {
          minLength: 1,
          maxLength: 6,
        }),
        async (runs) => {
          // A new process view over the same database each time: the cache must not matter.
          const fresh =
            n % 2 === 0 ? store : await LineageStore.open(t.db, dialect, steppingClock());
          const registered: { runId: string; members: string[] }[] = [];
          for (const members of runs) {
            const runId = `prop-${n++}`;
            const items = members.map((m) => `${runId}/${m}`);
            await fresh.registerRun({
              manifest: manifestFor(runId, items),
              itemIds: items,
              memberIds: members,
              memberConsent: { allow: 0, none: members.length },
            });
            registered.push({ runId, members });
          }
          const ours = new Set(registered.map((r) => r.runId));
          for (let i = 0; i < 42; i++) {
            const member = `p${i}`;
            const expected = registered
              .filter((r) => r.members.includes(member))
              .map((r) => r.runId);
            const got = (await fresh.runsContainingMember(member))
              .map((r) => r.runId)
              .filter((id) => ours.has(id));
            expect(got).toEqual(expected);
          }
        },
      ),
      { numRuns: 15 },
    );
  });
}

describe("lineage store on SQLite", () => suite("sqlite"));
describe.skipIf(!pgOk)("lineage store on PostgreSQL", () => suite("postgres"));
