import { describe, expect, it } from "vitest";
import type { LedgerStore, StoredMember } from "../ledger/ledger-store.js";
import { MemberBatcher } from "./member-batcher.js";

/** A store that answers `getMembers` from a map and records each call's ids. */
function fakeStore(members: Record<string, string | null>, fail = false) {
  const calls: string[][] = [];
  const store = {
    async getMembers(ids: readonly string[]) {
      calls.push([...ids]);
      if (fail) throw new Error("database down");
      const out = new Map<string, StoredMember>();
      for (const id of ids) {
        if (id in members) out.set(id, { id, country: members[id] ?? null, erasedAt: null });
      }
      return out;
    },
  } as unknown as LedgerStore;
  return { store, calls };
}

describe("MemberBatcher", () => {
  it("answers concurrent lookups with one query, each with its own member", async () => {
    const { store, calls } = fakeStore({ a: "DE", b: "US" });
    const batcher = new MemberBatcher(store);
    const got = await Promise.all(["a", "b", "a", "zz"].map((id) => batcher.get(id)));
    expect(got.map((m) => m?.country ?? "none")).toEqual(["DE", "US", "DE", "none"]);
    expect(calls).toEqual([["a", "b", "zz"]]);
  });

  it("splits lookups over queries of at most maxBatch ids and reads again on a later call", async () => {
    const { store, calls } = fakeStore({ a: "DE", b: "US", c: "FR" });
    const batcher = new MemberBatcher(store, 2);
    await Promise.all(["a", "b", "c"].map((id) => batcher.get(id)));
    expect(calls).toEqual([["a", "b"], ["c"]]);
    await batcher.get("a");
    expect(calls).toHaveLength(3);
  });

  it("fails every lookup of a failed query, and queries again for the next lookup", async () => {
    const { store } = fakeStore({}, true);
    const batcher = new MemberBatcher(store);
    const results = await Promise.allSettled([batcher.get("a"), batcher.get("b")]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    await expect(batcher.get("c")).rejects.toThrow("database down");
  });
});
