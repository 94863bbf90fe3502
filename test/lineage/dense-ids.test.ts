/**
 * The dense-id dictionaries on both backends: new ids get max + 1, + 2, … in input order, known
 * ids keep theirs, each id's dense id comes back at its position, and odd ids survive the
 * set-based insert.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assignDense, lookupDense } from "../../src/lineage/dense-ids.js";
import type { LineageStore } from "../../src/lineage/lineage-store.js";
import { hasPostgres } from "../support/services.js";
import { type LineageEnv, openLineageEnv } from "./lineage-fixtures.js";

const BACKENDS = (await hasPostgres()) ? (["sqlite", "postgres"] as const) : (["sqlite"] as const);
const ODD = [
  'q"uote',
  "back\\slash",
  "comma,id",
  "{brace}",
  "NULL",
  "",
  " space ",
  "émoji 🚀",
  "x'y",
];

describe.each(BACKENDS)("dense ids on %s", (backend) => {
  let env: LineageEnv;
  let lineage: LineageStore;
  beforeAll(async () => {
    env = await openLineageEnv(backend);
    lineage = env.lineage;
  });
  afterAll(async () => env.close());

  it("assigns new ids after the largest, keeps known ones, and reads them back", async () => {
    const first = await lineage.db
      .transaction()
      .execute((trx) => assignDense(trx, backend, "lineage_item_ids", ["a", "b", ...ODD]));
    expect(first).toEqual(Array.from({ length: 2 + ODD.length }, (_, i) => i));
    const second = await lineage.db
      .transaction()
      .execute((trx) => assignDense(trx, backend, "lineage_item_ids", ["c", "b", ODD[0]!, "d"]));
    expect(second).toEqual([2 + ODD.length, 1, 2, 3 + ODD.length]);
    const looked = await lookupDense(lineage.db, backend, "lineage_item_ids", [...ODD, "zz"]);
    expect(looked.size).toBe(ODD.length);
    ODD.forEach((id, i) => {
      expect(looked.get(id), id).toBe(first[2 + i]);
    });
    // The member dictionary is separate.
    const members = await lineage.db
      .transaction()
      .execute((trx) => assignDense(trx, backend, "lineage_member_ids", ["a"]));
    expect(members).toEqual([0]);
  });
});
