import { describe, expect, it } from "vitest";
import type {
  AppendRequest,
  LedgerStore,
  NewConsentEvent,
  StoredConsentEvent,
} from "../ledger/ledger-store.js";
import { GroupCommitter } from "./group-commit.js";

/**
 * A store whose writes wait until the test releases them, recording each call, how many were
 * in flight at once, and refusing member "bad" (as an erased member is refused).
 */
function fakeStore(backend: "sqlite" | "postgres") {
  const calls: string[][] = [];
  const gates: Array<() => void> = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const stored = (r: AppendRequest): StoredConsentEvent[] =>
    r.events.map((e, i) => ({
      ...e,
      id: `${e.memberId}-${i}`,
      position: 0,
      recordedAt: 0,
      requestId: null,
      actor: r.ctx.actor,
      tombstone: false,
    }));
  const write = async <T>(members: string[], result: () => T): Promise<T> => {
    calls.push(members);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise<void>((resolve) => gates.push(resolve));
    inFlight--;
    if (members.includes("bad")) throw new Error("member bad was erased");
    return result();
  };
  const store = {
    backend,
    appendBatch: (requests: readonly AppendRequest[]) =>
      write(
        requests.flatMap((r) => r.events.map((e) => e.memberId)),
        () => requests.map(stored),
      ),
    appendEvents: (events: readonly NewConsentEvent[], ctx: AppendRequest["ctx"]) =>
      write(
        events.map((e) => e.memberId),
        () => stored({ events, ctx }),
      ),
  } as unknown as LedgerStore;
  /** Lets every write started so far finish, then lets the committer start the next ones. */
  const release = async (): Promise<void> => {
    for (const g of gates.splice(0)) g();
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
  };
  return { store, calls, release, maxInFlight: () => maxInFlight };
}

const request = (memberId: string): AppendRequest => ({
  events: [{ memberId, purpose: "genai_training", choice: "deny", at: 1, source: "api" }],
  ctx: { actor: `member:${memberId}`, requestId: null },
});

async function settle(release: () => Promise<void>, all: Promise<unknown>): Promise<void> {
  let done = false;
  void all.finally(() => {
    done = true;
  });
  for (let i = 0; i < 20 && !done; i++) await release();
}

describe("GroupCommitter", () => {
  it("batches requests that wait for a commit, with two batches in flight on PostgreSQL", async () => {
    const { store, calls, release, maxInFlight } = fakeStore("postgres");
    const committer = new GroupCommitter(store);
    const first = committer.append(request("a"));
    await new Promise((r) => setImmediate(r));
    const rest = ["b", "c", "d", "e"].map((m) => committer.append(request(m)));
    await new Promise((r) => setImmediate(r));
    const later = ["f", "g"].map((m) => committer.append(request(m)));
    const all = Promise.all([first, ...rest, ...later]);
    await settle(release, all);
    const results = await all;
    expect(results.map((r) => r[0]!.memberId)).toEqual(["a", "b", "c", "d", "e", "f", "g"]);
    expect(calls).toEqual([["a"], ["b", "c", "d", "e"], ["f", "g"]]);
    expect(maxInFlight()).toBe(2);
  });

  it("runs one batch at a time on SQLite", async () => {
    const { store, calls, release, maxInFlight } = fakeStore("sqlite");
    const committer = new GroupCommitter(store);
    const first = committer.append(request("a"));
    await new Promise((r) => setImmediate(r));
    const rest = ["b", "c"].map((m) => committer.append(request(m)));
    const all = Promise.all([first, ...rest]);
    await settle(release, all);
    await all;
    expect(calls).toEqual([["a"], ["b", "c"]]);
    expect(maxInFlight()).toBe(1);
  });

  it("retries a failed batch request by request, so only the refused one fails", async () => {
    const { store, calls, release } = fakeStore("postgres");
    const committer = new GroupCommitter(store);
    const outcomes = Promise.allSettled(["x", "bad", "y"].map((m) => committer.append(request(m))));
    await settle(release, outcomes);
    expect((await outcomes).map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(calls).toEqual([["x", "bad", "y"], ["x"], ["bad"], ["y"]]);
  });
});
