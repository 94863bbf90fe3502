/**
 * Obligations from the ledger's change feed. A member's choice for a purpose "turns to deny"
 * when, replaying the feed in commit order, their state (latest `at`, deny winning ties, as
 * the contract defines it) goes from allow or none to deny. Each such trigger at instant t
 * opens one obligation per run of that purpose that contains the member and whose as-of is
 * before t but not before the member's previous trigger (earlier runs were covered by it).
 *
 * `processObligations` applies the feed incrementally: each batch (state, triggers,
 * obligations, cursor) commits in one transaction, so a crash repeats a batch at worst and
 * the unique key (member, run, purpose, trigger) keeps it idempotent. Runs registered later
 * open their own obligations against stored triggers (`LineageStore.registerRun`), so
 * `recomputeObligations`, which replays everything from scratch, gives the same set.
 */
import type { Transaction } from "kysely";
import roaring from "roaring";
import { TrainGateError } from "../errors.js";
import type { ConsentChange, ConsentChangeFeed } from "./consent-change.js";
import { lookupDense } from "./dense-ids.js";
import type { LineageStore, ObligationKey } from "./lineage-store.js";
import type { LineageTables } from "./lineage-tables.js";
import type { IndexedRun } from "./run-index.js";

const { RoaringBitmap32 } = roaring;

/** A member's replayed state for one purpose. */
interface LastState {
  at: number;
  choice: "allow" | "deny";
  lastTriggerAt: number | null;
}

/** A turn to deny. */
export interface Trigger {
  readonly key: string;
  readonly memberId: string;
  readonly purpose: string;
  readonly at: number;
  /** The member's previous trigger for this purpose, or null. */
  readonly prevAt: number | null;
  readonly source: string;
}

const stateKey = (memberId: string, purpose: string): string => `${purpose}\u0000${memberId}`;

/**
 * Applies one change to the replayed states; returns the trigger it makes, if any.
 * Mutates `states`.
 */
function applyChange(states: Map<string, LastState>, c: ConsentChange): Trigger | null {
  const k = stateKey(c.memberId, c.purpose);
  const before = states.get(k);
  const choice = c.source === "gpc" ? "deny" : c.choice;
  // An erasure's tombstone decides the state whatever came before it (the ledger's rule).
  const newer =
    c.source === "erasure" ||
    before === undefined ||
    c.at > before.at ||
    (c.at === before.at && choice === "deny" && before.choice !== "deny");
  if (!newer) return null;
  const turns = choice === "deny" && before?.choice !== "deny";
  const prevAt = before?.lastTriggerAt ?? null;
  states.set(k, { at: c.at, choice, lastTriggerAt: turns ? c.at : prevAt });
  return turns
    ? { key: c.key, memberId: c.memberId, purpose: c.purpose, at: c.at, prevAt, source: c.source }
    : null;
}

/** The triggers a run owes obligations to, as indices into the triggers given. */
interface RunMatches {
  readonly run: IndexedRun;
  readonly triggers: Uint32Array;
}

/**
 * The obligations `triggers` open against `runs`, given each member's dense id, per run.
 * Per purpose: one Roaring bitmap of the triggering members' dense ids; per run of that
 * purpose, one native intersection with the run's member bitmap; then one merge walk over
 * the (sorted) hits and the (sorted) triggering members to pick, for each hit, the triggers
 * whose window holds the run's as-of: prev_at <= as_of < at. A member's windows normally do
 * not overlap (each starts where the previous trigger was), but an erasure's tombstone can
 * move a member's instant backwards, so every trigger of a hit is checked.
 */
function obligationsFor(
  triggers: readonly Trigger[],
  dense: ReadonlyMap<string, number>,
  runs: readonly IndexedRun[],
): RunMatches[] {
  const byPurpose = new Map<string, { d: number; i: number }[]>();
  triggers.forEach((t, i) => {
    const d = dense.get(t.memberId);
    if (d === undefined) return; // never in any run
    const list = byPurpose.get(t.purpose);
    if (list === undefined) byPurpose.set(t.purpose, [{ d, i }]);
    else list.push({ d, i });
  });
  const out: RunMatches[] = [];
  for (const [purpose, list] of byPurpose) {
    list.sort((x, y) => x.d - y.d || x.i - y.i);
    // members: distinct dense ids ascending; their triggers are order[starts[j]..starts[j+1]).
    const members: number[] = [];
    const starts: number[] = [];
    const order = new Uint32Array(list.length);
    const at = new Float64Array(list.length);
    const prevAt = new Float64Array(list.length);
    let latest = Number.NEGATIVE_INFINITY;
    let most = 0;
    list.forEach(({ d, i }, k) => {
      if (members[members.length - 1] !== d) {
        members.push(d);
        starts.push(k);
      }
      const t = triggers[i]!;
      order[k] = i;
      at[k] = t.at;
      prevAt[k] = t.prevAt ?? Number.NEGATIVE_INFINITY;
      latest = Math.max(latest, t.at);
    });
    starts.push(list.length);
    for (let j = 0; j < members.length; j++) most = Math.max(most, starts[j + 1]! - starts[j]!);
    const wanted = new RoaringBitmap32(Uint32Array.from(members));
    for (const run of runs) {
      if (run.purpose !== purpose || run.asOf >= latest) continue;
      const hits = RoaringBitmap32.and(run.members, wanted).toUint32Array();
      if (hits.length === 0) continue;
      const found = new Uint32Array(hits.length * most);
      let n = 0;
      let j = 0;
      for (const h of hits) {
        while (members[j]! < h) j++;
        for (let k = starts[j]!; k < starts[j + 1]!; k++) {
          if (prevAt[k]! <= run.asOf && run.asOf < at[k]!) {
            found[n++] = order[k]!;
          }
        }
      }
      if (n > 0) out.push({ run, triggers: found.subarray(0, n) });
    }
  }
  return out;
}

/** Progress of `processObligations`. */
export interface ObligationProgress {
  readonly changes: number;
  readonly triggers: number;
  readonly opened: number;
  readonly batches: number;
  readonly cursor: string | null;
  /**
   * Milliseconds spent finding the obligations: the triggering members' dense ids and
   * trigger seqs, and the bitmap intersections.
   */
  readonly computeMs: number;
  /** Milliseconds spent storing them (`insertObligations`). */
  readonly storeMs: number;
}

/** Options of `processObligations`. */
export interface ProcessOptions {
  /** Changes per batch/transaction (1..10000, default 1000). */
  readonly batchSize?: number;
  /** Stop after this many batches (default: until the feed is drained). */
  readonly maxBatches?: number;
  /**
   * Called inside each batch's transaction after its writes, before the cursor moves: a
   * failure here rolls the whole batch back (used to test a crash mid-stream).
   */
  readonly beforeCommit?: (batch: number) => void | Promise<void>;
}

async function loadStates(
  trx: Transaction<LineageTables>,
  changes: readonly ConsentChange[],
): Promise<Map<string, LastState>> {
  const states = new Map<string, LastState>();
  const members = [...new Set(changes.map((c) => c.memberId))];
  for (let i = 0; i < members.length; i += 5000) {
    const rows = await trx
      .selectFrom("lineage_consent_last")
      .selectAll()
      .where("member_id", "in", members.slice(i, i + 5000))
      .execute();
    for (const r of rows) {
      states.set(stateKey(r.member_id, r.purpose), {
        at: Number(r.last_at),
        choice: r.last_choice === "deny" ? "deny" : "allow",
        lastTriggerAt: r.last_trigger_at === null ? null : Number(r.last_trigger_at),
      });
    }
  }
  return states;
}

/**
 * Reads the feed from the persisted cursor and applies it batch by batch, each batch in one
 * transaction with its cursor. Safe to run from several processes (a batch whose cursor moved
 * meanwhile is dropped and re-read) and to interrupt at any point.
 */
export async function processObligations(
  store: LineageStore,
  feed: ConsentChangeFeed,
  options: ProcessOptions = {},
): Promise<ObligationProgress> {
  const batchSize = options.batchSize ?? 1000;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10000)
    throw new TrainGateError("TG_E_USAGE", "batch size must be an integer from 1 to 10000");
  let changes = 0;
  let triggers = 0;
  let opened = 0;
  let batches = 0;
  let computeMs = 0;
  let storeMs = 0;
  let cursor = await readCursor(store);
  while (batches < (options.maxBatches ?? Number.POSITIVE_INFINITY)) {
    const page = await feed.changesAfter(cursor, batchSize);
    if (page.changes.length === 0) break;
    const done = await store.db.transaction().execute(async (trx) => {
      const locked = await store.lockObligations(trx);
      if (locked !== cursor) return { retry: true, cursor: locked } as const;
      const states = await loadStates(trx, page.changes);
      const touched = new Set<string>();
      const found: Trigger[] = [];
      for (const c of page.changes) {
        const t = applyChange(states, c);
        touched.add(stateKey(c.memberId, c.purpose));
        if (t !== null) found.push(t);
      }
      const rows = [...touched].map((k) => {
        const s = states.get(k)!;
        const sep = k.indexOf("\u0000");
        return {
          purpose: k.slice(0, sep),
          member_id: k.slice(sep + 1),
          last_at: s.at,
          last_choice: s.choice,
          last_trigger_at: s.lastTriggerAt,
        };
      });
      for (let i = 0; i < rows.length; i += 2000) {
        await trx
          .insertInto("lineage_consent_last")
          .values(rows.slice(i, i + 2000))
          .onConflict((oc) =>
            oc.columns(["member_id", "purpose"]).doUpdateSet((eb) => ({
              last_at: eb.ref("excluded.last_at"),
              last_choice: eb.ref("excluded.last_choice"),
              last_trigger_at: eb.ref("excluded.last_trigger_at"),
            })),
          )
          .execute();
      }
      for (let i = 0; i < found.length; i += 2000) {
        await trx
          .insertInto("lineage_triggers")
          .values(
            found.slice(i, i + 2000).map((t) => ({
              trigger_key: t.key,
              member_id: t.memberId,
              purpose: t.purpose,
              at: t.at,
              prev_at: t.prevAt,
              source: t.source,
            })),
          )
          .onConflict((oc) => oc.column("trigger_key").doNothing())
          .execute();
      }
      await store.index.refresh(trx);
      const started = performance.now();
      const dense = await lookupDense(trx, store.dialect, "lineage_member_ids", [
        ...new Set(found.map((t) => t.memberId)),
      ]);
      const seqs = await triggerSeqs(
        trx,
        found.map((t) => t.key),
      );
      const seqOf = Uint32Array.from(found, (t) => seqs.get(t.key)!);
      const news = obligationsFor(found, dense, store.index.all()).map((m) => ({
        runSeq: m.run.seq,
        triggerSeqs: m.triggers.map((i) => seqOf[i]!),
      }));
      const stored = performance.now();
      const added = await store.insertObligations(trx, news);
      const timing = { computeMs: stored - started, storeMs: performance.now() - stored };
      await options.beforeCommit?.(batches + 1);
      await trx
        .updateTable("lineage_cursors")
        .set({ cursor: page.nextCursor })
        .where("name", "=", "obligations")
        .execute();
      return { retry: false, triggers: found.length, added, ...timing } as const;
    });
    if (done.retry) {
      // Another processor committed this batch meanwhile: continue from where it got to.
      cursor = done.cursor;
      continue;
    }
    batches++;
    changes += page.changes.length;
    triggers += done.triggers;
    opened += done.added;
    computeMs += done.computeMs;
    storeMs += done.storeMs;
    cursor = page.nextCursor;
  }
  return { changes, triggers, opened, batches, cursor, computeMs, storeMs };
}

/** The `seq` of each stored trigger among `keys`. */
async function triggerSeqs(
  db: Transaction<LineageTables> | LineageStore["db"],
  keys: readonly string[],
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < keys.length; i += 5000) {
    const rows = await db
      .selectFrom("lineage_triggers")
      .select(["seq", "trigger_key"])
      .where("trigger_key", "in", keys.slice(i, i + 5000))
      .execute();
    for (const r of rows) out.set(r.trigger_key, Number(r.seq));
  }
  return out;
}

async function readCursor(store: LineageStore): Promise<string | null> {
  const row = await store.db
    .selectFrom("lineage_cursors")
    .select("cursor")
    .where("name", "=", "obligations")
    .executeTakeFirst();
  return row?.cursor ?? null;
}

/** Result of a full recomputation, compared with the stored obligations. */
export interface Recomputation {
  /** Every obligation the feed and the runs imply, sorted. */
  readonly expected: readonly ObligationKey[];
  /** Expected but not stored (inserted when `apply` was set). */
  readonly missing: readonly ObligationKey[];
  /** Stored but not expected. */
  readonly extra: readonly ObligationKey[];
}

const keyText = (k: ObligationKey): string =>
  JSON.stringify([k.memberId, k.runId, k.purpose, k.triggerKey]);

/**
 * Recomputes every obligation from scratch: replays the whole feed in memory and probes every
 * registered run. With `apply`, inserts the missing ones (status open). Stored obligations are
 * never deleted here: `extra` is reported for a person to look at.
 */
export async function recomputeObligations(
  store: LineageStore,
  feed: ConsentChangeFeed,
  options: { apply?: boolean; pageSize?: number } = {},
): Promise<Recomputation> {
  const states = new Map<string, LastState>();
  const triggers: Trigger[] = [];
  let cursor: string | null = null;
  for (;;) {
    const page = await feed.changesAfter(cursor, options.pageSize ?? 10000);
    if (page.changes.length === 0) break;
    for (const c of page.changes) {
      const t = applyChange(states, c);
      if (t !== null) triggers.push(t);
    }
    cursor = page.nextCursor;
  }
  await store.index.refresh(store.db);
  const dense = await lookupDense(store.db, store.dialect, "lineage_member_ids", [
    ...new Set(triggers.map((t) => t.memberId)),
  ]);
  const matches = obligationsFor(triggers, dense, store.index.all());
  const expected = matches
    .flatMap(({ triggers: found, run }) =>
      Array.from(found, (i) => {
        const trigger = triggers[i]!;
        return {
          memberId: trigger.memberId,
          runId: run.runId,
          purpose: run.purpose,
          triggerKey: trigger.key,
          triggerAt: trigger.at,
        };
      }),
    )
    .sort((a, b) => (keyText(a) < keyText(b) ? -1 : keyText(a) > keyText(b) ? 1 : 0));
  const runSeq = new Map(store.index.all().map((r) => [r.runId, r.seq]));
  const stored = new Map<string, ObligationKey>();
  let afterId = 0;
  for (;;) {
    const page = await store.listObligations({ afterId, limit: 10000 });
    if (page.length === 0) break;
    for (const o of page) stored.set(keyText(o), o);
    afterId = page[page.length - 1]!.id;
  }
  const expectedKeys = new Set(expected.map(keyText));
  const missing = expected.filter((k) => !stored.has(keyText(k)));
  const extra = [...stored.entries()]
    .filter(([k]) => !expectedKeys.has(k))
    .map(([, o]) => ({
      memberId: o.memberId,
      runId: o.runId,
      purpose: o.purpose,
      triggerKey: o.triggerKey,
      triggerAt: o.triggerAt,
    }));
  if (options.apply === true && missing.length > 0) {
    await store.db.transaction().execute(async (trx) => {
      await store.lockObligations(trx);
      // Only triggers the processor stored can carry obligations; run it first for the rest.
      const seqs = await triggerSeqs(trx, [...new Set(missing.map((k) => k.triggerKey))]);
      const byRun = new Map<number, number[]>();
      for (const k of missing) {
        const t = seqs.get(k.triggerKey);
        const r = runSeq.get(k.runId);
        if (t === undefined || r === undefined) continue;
        const list = byRun.get(r);
        if (list === undefined) byRun.set(r, [t]);
        else list.push(t);
      }
      await store.insertObligations(
        trx,
        [...byRun].map(([r, ts]) => ({ runSeq: r, triggerSeqs: Uint32Array.from(ts) })),
      );
    });
  }
  return { expected, missing, extra };
}
