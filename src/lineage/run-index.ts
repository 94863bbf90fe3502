/**
 * The per-process cache of registered runs and their deserialised member bitmaps. Runs are
 * immutable once registered, so a cached bitmap never goes stale; `refresh` only fetches runs
 * registered since (by their increasing `seq`), which also picks up runs other processes added.
 */
import type { Kysely, Transaction } from "kysely";
import roaring from "roaring";
import type { LineageTables } from "./lineage-tables.js";

const { RoaringBitmap32 } = roaring;
type Bitmap = InstanceType<typeof RoaringBitmap32>;

/** One run as the probes need it. */
export interface IndexedRun {
  readonly seq: number;
  readonly runId: string;
  readonly purpose: string;
  readonly asOf: number;
  readonly members: Bitmap;
}

/** Deserialises a portable Roaring bitmap (the format Java, Go and C readers share). */
export function readBitmap(bytes: Uint8Array): Bitmap {
  return RoaringBitmap32.deserialize(
    Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length),
    true,
  );
}

/** Serialises dense ids as a portable Roaring bitmap. */
export function writeBitmap(ids: Iterable<number>): Uint8Array {
  const b = new RoaringBitmap32(ids);
  b.runOptimize();
  b.shrinkToFit();
  return b.serialize(true);
}

/** Cached runs of one database, refreshed incrementally. */
export class RunIndex {
  private readonly runs: IndexedRun[] = [];
  private lastSeq = -1;

  /** Loads runs registered since the last refresh (seq order). */
  async refresh(db: Kysely<LineageTables> | Transaction<LineageTables>): Promise<void> {
    const rows = await db
      .selectFrom("lineage_runs")
      .select(["seq", "run_id", "purpose", "as_of", "member_bitmap"])
      .where("seq", ">", this.lastSeq)
      .orderBy("seq")
      .execute();
    for (const r of rows) {
      const seq = Number(r.seq);
      this.runs.push({
        seq,
        runId: r.run_id,
        purpose: r.purpose,
        asOf: Number(r.as_of),
        members: readBitmap(r.member_bitmap),
      });
      this.lastSeq = Math.max(this.lastSeq, seq);
    }
  }

  /** Every cached run, in registration order. */
  all(): readonly IndexedRun[] {
    return this.runs;
  }

  /** The cached runs whose member bitmap contains `dense`. */
  containing(dense: number): IndexedRun[] {
    return this.runs.filter((r) => r.members.has(dense));
  }
}
