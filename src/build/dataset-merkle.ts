/**
 * The dataset's Merkle root (src/lineage/merkle.ts) computed where the ids are: DuckDB reads
 * the included ids in the order the build already sorted them into (table `dataset_rows`),
 * groups them into chunks of CHUNK_SIZE and hashes each chunk's leaf
 * bytes (0x00, then per id its UTF-8 byte length as uint32 big-endian and its bytes) with
 * sha256; only the leaf hashes, one per chunk, come back to JavaScript for the RFC 6962 tree.
 * Streaming every id into JavaScript instead costs about a microsecond an id just to convert
 * the strings. The leaf bytes are those of `chunkHash`; test/build checks the root against
 * `merkleRoot` of the included ids.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { TrainGateError } from "../errors.js";
import { CHUNK_SIZE, treeRoot } from "../lineage/merkle.js";

/** One leaf's bytes after the 0x00 prefix, as hex: per id its byte length and its bytes. */
const LEAF_PIECE = "lpad(to_hex(strlen(id)), 8, '0') || hex(id)";

/** Chunks hashed per query (131,072 ids). */
const CHUNKS_PER_QUERY = 512;

/**
 * The Merkle root of `idColumn` in `table`, a table whose rows were inserted in id order (a
 * CREATE TABLE … AS … ORDER BY): its rowid is the position in that order, so the chunks are
 * `rowid // CHUNK_SIZE` and no sort of the ids is needed. DuckDB documents that a table keeps
 * its insertion order; still, the order is checked where it costs nothing: the row ids are
 * 0 … n-1, in every chunk the first id by rowid is the smallest and the last the largest, and
 * each chunk's smallest id is above the previous chunk's largest. A table out of order fails
 * the build (fail closed) rather than give a wrong root.
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
  // One query at least, so that an empty table runs the same checks.
  for (let start = 0; start === 0 || start < total; start += span) {
    const r = await conn.runAndReadAll(`SELECT leaf, chunk, n,
        ordered AND COALESCE(COALESCE(lag(hi) OVER (ORDER BY chunk), (SELECT ${idColumn} FROM ${table} WHERE rowid = ${start - 1})) < lo, TRUE)
      FROM (
        SELECT rid // ${CHUNK_SIZE} AS chunk,
          sha256(unhex('00' || string_agg(${LEAF_PIECE}, '' ORDER BY rid))) AS leaf,
          min(id) AS lo, max(id) AS hi, count(*) AS n,
          arg_min(id, rid) = min(id) AND arg_max(id, rid) = max(id) AS ordered
        FROM (SELECT ${idColumn} AS id, rowid AS rid FROM ${table} WHERE rowid >= ${start} AND rowid < ${start + span})
        GROUP BY chunk
      )
      ORDER BY chunk`);
    const rows = r.getRows();
    // Row ids 0 … n-1 (a fresh table): every chunk is full but the last, and numbered in turn.
    const contiguous = rows.every(
      (row, i) =>
        Number(row[1]) === leaves.length + i &&
        (start + (i + 1) * CHUNK_SIZE >= total || Number(row[2]) === CHUNK_SIZE),
    );
    if (!contiguous || rows.some((row) => row[3] !== true)) throw outOfOrder();
    for (const row of rows) leaves.push(Buffer.from(String(row[0]), "hex"));
  }
  if (leaves.length !== Math.ceil(total / CHUNK_SIZE)) throw outOfOrder();
  return treeRoot(leaves).toString("hex");
}
