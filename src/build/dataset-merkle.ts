/**
 * The dataset's Merkle root (src/lineage/merkle.ts) computed where the ids are: DuckDB reads
 * the included ids in the order the build already sorted them into (table `dataset_rows`) and
 * joins each chunk of CHUNK_SIZE ids into one string, each id as its UTF-8 byte length, a
 * colon and its bytes; JavaScript splits the chunk's bytes, checks the order, lays the leaf
 * out (0x00, then per id its byte length as uint32 big-endian and its bytes) in one buffer
 * and hashes it with one call to Node's sha256, then builds the RFC 6962 tree. One string per
 * chunk keeps the per-id cost in DuckDB's aggregate; hex-encoding and hashing the leaves in
 * SQL cost 2.7 CPU-s at 1.3M ids, hashing each id's two parts with its own update calls
 * 1.6-2.2 (1.3-1.7 s), this 1.1-1.6 (0.8-1.1 s). test/build checks the root against
 * `merkleRoot`.
 */
import { hash } from "node:crypto";
import type { DuckDBConnection } from "@duckdb/node-api";
import { TrainGateError } from "../errors.js";
import { CHUNK_SIZE, treeRoot } from "../lineage/merkle.js";

/** Chunks read per query (131,072 ids): each chunk's ordered aggregate holds its ids. */
const CHUNKS_PER_QUERY = 512;

const COLON = 0x3a;

/**
 * The Merkle root of `idColumn` in `table`, a table whose rows were inserted in id order (a
 * CREATE TABLE … AS … ORDER BY): its rowid is the position in that order, so the chunks are
 * `rowid // CHUNK_SIZE` and no sort of the ids is needed. DuckDB documents that a table keeps
 * its insertion order; still, the order is checked where it costs little: the row ids are
 * 0 … n-1 and every id, read in rowid order, is above the one before it in UTF-8 byte order
 * (which also rules out a repeated id). A table out of order fails the build (fail closed)
 * rather than give a wrong root.
 */
export async function merkleRootOfSortedTable(
  conn: DuckDBConnection,
  table: string,
  idColumn: string,
): Promise<string> {
  const total = Number(
    (await conn.runAndReadAll(`SELECT COUNT(*) FROM ${table}`)).getRows()[0]?.[0],
  );
  const leaves: Buffer[] = [];
  // A slice of chunks per query: each chunk's ordered aggregate holds its ids in memory, so
  // one query over every chunk needed memory in proportion to the dataset (a 10M-item build
  // failed at --memory-limit 400MB); slices of rowids keep it bounded.
  const span = CHUNK_SIZE * CHUNKS_PER_QUERY;
  const outOfOrder = (): TrainGateError =>
    new TrainGateError(
      "TG_E_INTERNAL",
      `the rows of ${table} are not in ${idColumn} order; nothing was written, please report this`,
    );
  // The previous id: its bytes in `prev` from `prevAt`, `prevLen` long (none yet: -1).
  let prev = Buffer.alloc(0);
  let prevAt = 0;
  let prevLen = -1;
  // The leaf's bytes are laid out in one reused buffer and hashed with one call: a hash
  // update per id (two Node calls each) cost more than DuckDB's part of the work.
  let leaf = Buffer.alloc(1 << 16);
  for (let start = 0; start < total; start += span) {
    const r = await conn.runAndReadAll(`SELECT chunk, n, ids FROM (
        SELECT rid // ${CHUNK_SIZE} AS chunk, count(*) AS n,
          string_agg(concat(strlen(id), ':', id), '' ORDER BY rid) AS ids
        FROM (SELECT ${idColumn} AS id, rowid AS rid FROM ${table} WHERE rowid >= ${start} AND rowid < ${start + span})
        GROUP BY chunk
      )
      ORDER BY chunk`);
    const rows = r.getRows();
    for (let i = 0; i < rows.length; i++) {
      const [chunk, n, ids] = rows[i]!;
      const count = Number(n);
      // Row ids 0 … n-1 (a fresh table): every chunk is full but the last, and numbered in turn.
      const last = start + (i + 1) * CHUNK_SIZE >= total;
      if (Number(chunk) !== leaves.length || (!last && count !== CHUNK_SIZE)) throw outOfOrder();
      const bytes = Buffer.from(String(ids), "utf8");
      // Each `len:` prefix (at least two bytes) becomes four bytes of length.
      const need = 1 + bytes.length + 2 * count;
      if (leaf.length < need) leaf = Buffer.alloc(need * 2);
      leaf[0] = 0;
      let out = 1;
      let seen = 0;
      for (let at = 0; at < bytes.length; seen++) {
        let len = 0;
        let digit = bytes[at]!;
        while (digit !== COLON) {
          if (digit < 0x30 || digit > 0x39 || at >= bytes.length) throw outOfOrder();
          len = len * 10 + (digit - 0x30);
          digit = bytes[++at]!;
        }
        const from = at + 1;
        at = from + len;
        if (at > bytes.length || seen >= count) throw outOfOrder();
        // Strictly above the previous id in byte order (also rules out a repeated id).
        if (prevLen >= 0) {
          const common = Math.min(len, prevLen);
          let k = 0;
          while (k < common && bytes[from + k] === prev[prevAt + k]) k++;
          const above = k < common ? bytes[from + k]! > prev[prevAt + k]! : len > prevLen;
          if (!above) throw outOfOrder();
        }
        prev = bytes;
        prevAt = from;
        prevLen = len;
        leaf.writeUInt32BE(len, out);
        out += 4;
        if (len <= 64) {
          for (let k = 0; k < len; k++) leaf[out + k] = bytes[from + k]!;
        } else {
          bytes.copy(leaf, out, from, at);
        }
        out += len;
      }
      if (seen !== count) throw outOfOrder();
      leaves.push(hash("sha256", leaf.subarray(0, out), "buffer") as unknown as Buffer);
    }
  }
  if (leaves.length !== Math.ceil(total / CHUNK_SIZE)) throw outOfOrder();
  return treeRoot(leaves).toString("hex");
}
