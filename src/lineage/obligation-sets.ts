/**
 * Obligations stored as sets. An opt-out wave of 100,000 members over 100 runs opens about
 * 6 million obligations; one row each made storing them the wave's whole cost. A set is one
 * run and a portable Roaring bitmap of the triggers (`lineage_triggers.seq`) it owes an
 * obligation to, written once per feed batch and run. Its obligations get a block of ids,
 * `first_id + rank` in trigger-seq order, so an id resolves to (run, trigger) with one index
 * seek and a bitmap `select`, and ids never change. Closing an obligation adds a row to
 * `lineage_obligation_resolutions`; an obligation without one is open.
 */
import { type Kysely, type Selectable, sql, type Transaction } from "kysely";
import roaring from "roaring";
import type {
  LineageTables,
  ObligationResolutionsTable,
  ObligationSetsTable,
} from "./lineage-tables.js";
import type { ObligationStatus } from "./obligation-status.js";
import { readBitmap } from "./run-index.js";

const { RoaringBitmap32 } = roaring;
type Bitmap = InstanceType<typeof RoaringBitmap32>;
type Db = Kysely<LineageTables> | Transaction<LineageTables>;

/** New obligations of one run: the seqs of the triggers it owes them to (any order). */
export interface NewObligations {
  readonly runSeq: number;
  readonly triggerSeqs: Uint32Array;
}

/** One obligation as stored: its id, run, trigger, dates and status. */
export interface ObligationRef {
  readonly id: number;
  readonly runSeq: number;
  readonly triggerSeq: number;
  readonly createdAt: number;
  readonly status: ObligationStatus;
  readonly reason: string | null;
  readonly resolvedAt: number | null;
}

/** Which obligations to list (all given conditions hold). */
export interface ObligationSelection {
  readonly status?: ObligationStatus | undefined;
  /** Only obligations of these triggers (a member's). */
  readonly triggerSeqs?: readonly number[] | undefined;
  readonly runSeq?: number | undefined;
  readonly purpose?: string | undefined;
  readonly afterId?: number | undefined;
  readonly limit?: number | undefined;
}

// Rows per multi-row insert or `in` list: well under SQLite's 32,766 bound parameters.
const CHUNK = 1000;

/** The id the next obligation gets: one past the last set's block (ids start at 1). */
async function nextObligationId(trx: Transaction<LineageTables>): Promise<number> {
  const last = await trx
    .selectFrom("lineage_obligation_sets")
    .select(["first_id", "size"])
    .orderBy("first_id", "desc")
    .limit(1)
    .executeTakeFirst();
  return last === undefined ? 1 : Number(last.first_id) + Number(last.size);
}

/**
 * Stores new obligations (status open), one set per run, skipping (run, trigger) pairs that
 * are already stored, so a repeated batch, a backfill and a recomputation never duplicate
 * one. The caller holds the obligation lock (`LineageStore.lockObligations`): ids are handed
 * out as max + 1. Returns how many obligations were new.
 */
export async function insertObligationSets(
  trx: Transaction<LineageTables>,
  news: readonly NewObligations[],
  createdAt: number,
): Promise<number> {
  const byRun = new Map<number, Bitmap>();
  for (const n of news) {
    if (n.triggerSeqs.length === 0) continue;
    const b = byRun.get(n.runSeq);
    if (b === undefined) byRun.set(n.runSeq, new RoaringBitmap32(n.triggerSeqs));
    else b.addMany(n.triggerSeqs);
  }
  if (byRun.size === 0) return 0;
  let lo = Number.POSITIVE_INFINITY;
  for (const b of byRun.values()) lo = Math.min(lo, b.minimum());
  // Stored sets of these runs that could hold any of the new pairs. On the feed's path the
  // triggers are newer than every stored set, so the index seek finds nothing.
  const runSeqs = [...byRun.keys()];
  for (let i = 0; i < runSeqs.length; i += CHUNK) {
    const stored = await trx
      .selectFrom("lineage_obligation_sets")
      .select(["run_seq", "trigger_seqs"])
      .where("run_seq", "in", runSeqs.slice(i, i + CHUNK))
      .where("max_trigger_seq", ">=", lo)
      .execute();
    for (const s of stored) byRun.get(Number(s.run_seq))?.andNotInPlace(readBitmap(s.trigger_seqs));
  }
  let next = await nextObligationId(trx);
  let added = 0;
  const rows: ObligationSetsTable[] = [];
  for (const [runSeq, b] of [...byRun].sort((x, y) => x[0] - y[0])) {
    if (b.isEmpty) continue;
    b.runOptimize();
    b.shrinkToFit();
    rows.push({
      first_id: next,
      run_seq: runSeq,
      size: b.size,
      min_trigger_seq: b.minimum(),
      max_trigger_seq: b.maximum(),
      created_at: createdAt,
      trigger_seqs: b.serialize(true),
    });
    next += b.size;
    added += b.size;
  }
  for (let i = 0; i < rows.length; i += CHUNK)
    await trx
      .insertInto("lineage_obligation_sets")
      .values(rows.slice(i, i + CHUNK))
      .execute();
  return added;
}

/** The set holding obligation `id` and its trigger, or null when no obligation has that id. */
export async function locateObligation(
  db: Db,
  id: number,
): Promise<{ set: Selectable<ObligationSetsTable>; triggerSeq: number } | null> {
  if (!Number.isSafeInteger(id) || id < 1) return null;
  const set = await db
    .selectFrom("lineage_obligation_sets")
    .selectAll()
    .where("first_id", "<=", id)
    .orderBy("first_id", "desc")
    .limit(1)
    .executeTakeFirst();
  if (set === undefined || id >= Number(set.first_id) + Number(set.size)) return null;
  const triggerSeq = readBitmap(set.trigger_seqs).select(id - Number(set.first_id));
  return triggerSeq === undefined ? null : { set, triggerSeq };
}

const fromResolution = (r: Selectable<ObligationResolutionsTable>): ObligationRef => ({
  id: Number(r.id),
  runSeq: Number(r.run_seq),
  triggerSeq: Number(r.trigger_seq),
  createdAt: Number(r.created_at),
  status: r.status as ObligationStatus,
  reason: r.reason,
  resolvedAt: Number(r.resolved_at),
});

/**
 * Obligations matching `sel`, by id, at most `sel.limit`. A closing status reads the
 * resolution rows alone; otherwise the sets are walked in id order and each obligation takes
 * its resolution, if any, from the rows of that set's id block.
 */
export async function selectObligations(
  db: Db,
  sel: ObligationSelection,
): Promise<ObligationRef[]> {
  const limit = sel.limit ?? Number.POSITIVE_INFINITY;
  const afterId = sel.afterId ?? 0;
  const out: ObligationRef[] = [];
  if (limit <= 0 || (sel.triggerSeqs !== undefined && sel.triggerSeqs.length === 0)) return out;
  if (sel.status !== undefined && sel.status !== "open") {
    let after = afterId;
    for (;;) {
      let q = db
        .selectFrom("lineage_obligation_resolutions as o")
        .innerJoin("lineage_runs as r", "r.seq", "o.run_seq")
        .selectAll("o")
        .where("o.status", "=", sel.status)
        .where("o.id", ">", after)
        .orderBy("o.id")
        .limit(Math.min(limit - out.length, 10_000));
      if (sel.runSeq !== undefined) q = q.where("o.run_seq", "=", sel.runSeq);
      if (sel.purpose !== undefined) q = q.where("r.purpose", "=", sel.purpose);
      if (sel.triggerSeqs !== undefined) q = q.where("o.trigger_seq", "in", [...sel.triggerSeqs]);
      const rows = await q.execute();
      out.push(...rows.map(fromResolution));
      if (rows.length === 0 || out.length >= limit) return out;
      after = Number(rows[rows.length - 1]!.id);
    }
  }
  const wanted =
    sel.triggerSeqs === undefined ? null : [...new Set(sel.triggerSeqs)].sort((a, b) => a - b);
  let afterFirst = -1;
  for (;;) {
    let q = db
      .selectFrom("lineage_obligation_sets as s")
      .innerJoin("lineage_runs as r", "r.seq", "s.run_seq")
      .selectAll("s")
      .where("s.first_id", ">", afterFirst)
      .where(sql<boolean>`s.first_id + s.size > ${afterId}`)
      .orderBy("s.first_id")
      .limit(100);
    if (sel.runSeq !== undefined) q = q.where("s.run_seq", "=", sel.runSeq);
    if (sel.purpose !== undefined) q = q.where("r.purpose", "=", sel.purpose);
    if (wanted !== null)
      q = q.where((eb) =>
        eb.or(
          wanted.map((t) =>
            eb.and([eb("s.min_trigger_seq", "<=", t), eb("s.max_trigger_seq", ">=", t)]),
          ),
        ),
      );
    const sets = await q.execute();
    if (sets.length === 0) return out;
    for (const s of sets) {
      const first = Number(s.first_id);
      const size = Number(s.size);
      const bitmap = readBitmap(s.trigger_seqs);
      // Ranks in this set's block: the member's triggers it holds, or every one after afterId.
      let ranks: number[];
      let seqs: Uint32Array | null = null;
      if (wanted !== null) {
        ranks = wanted.filter((t) => bitmap.has(t)).map((t) => bitmap.rank(t) - 1);
      } else {
        const start = Math.max(0, afterId + 1 - first);
        ranks = [];
        for (let k = start; k < size; k++) ranks.push(k);
        seqs = bitmap.toUint32Array();
      }
      ranks = ranks.filter((k) => first + k > afterId);
      if (ranks.length === 0) continue;
      const lo = first + ranks[0]!;
      const hi = first + ranks[ranks.length - 1]!;
      const resolved = new Map(
        (
          await db
            .selectFrom("lineage_obligation_resolutions")
            .selectAll()
            .where("id", ">=", lo)
            .where("id", "<=", hi)
            .execute()
        ).map((r) => [Number(r.id), r] as const),
      );
      for (const k of ranks) {
        const id = first + k;
        const res = resolved.get(id);
        if (res !== undefined) {
          if (sel.status === "open") continue;
          out.push(fromResolution(res));
        } else {
          out.push({
            id,
            runSeq: Number(s.run_seq),
            triggerSeq: seqs === null ? bitmap.select(k)! : seqs[k]!,
            createdAt: Number(s.created_at),
            status: "open",
            reason: null,
            resolvedAt: null,
          });
        }
        if (out.length >= limit) return out;
      }
    }
    afterFirst = Number(sets[sets.length - 1]!.first_id);
  }
}

/**
 * Closes the obligations `refs` that are not closed already, 1,000 per statement (7 values a
 * row: under SQLite's bound-parameter limit). Returns how many it closed; an obligation
 * another resolution reached first keeps that one.
 */
export async function insertResolutions(
  db: Db,
  refs: readonly { id: number; runSeq: number; triggerSeq: number; createdAt: number }[],
  status: ObligationStatus,
  reason: string,
  resolvedAt: number,
): Promise<number> {
  let closed = 0;
  for (let i = 0; i < refs.length; i += CHUNK) {
    const res = await db
      .insertInto("lineage_obligation_resolutions")
      .values(
        refs.slice(i, i + CHUNK).map((ref) => ({
          id: ref.id,
          run_seq: ref.runSeq,
          trigger_seq: ref.triggerSeq,
          created_at: ref.createdAt,
          status,
          reason,
          resolved_at: resolvedAt,
        })),
      )
      .onConflict((oc) => oc.column("id").doNothing())
      .executeTakeFirst();
    closed += Number(res.numInsertedOrUpdatedRows ?? 0n);
  }
  return closed;
}
