/**
 * The dataset's Merkle root (src/lineage/merkle.ts) computed where the ids are: DuckDB sorts
 * the included ids once, numbers them into chunks of CHUNK_SIZE and hashes each chunk's leaf
 * bytes (0x00, then per id its UTF-8 byte length as uint32 big-endian and its bytes) with
 * sha256; only the leaf hashes, one per chunk, come back to JavaScript for the RFC 6962 tree.
 * Streaming every id into JavaScript instead costs about a microsecond an id just to convert
 * the strings. The leaf bytes are those of `chunkHash`; test/build checks the root against
 * `merkleRoot` of the included ids.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { CHUNK_SIZE, treeRoot } from "../lineage/merkle.js";

/**
 * The Merkle root (hex) of the values of `idColumn` in `relation` (no duplicates, no NULLs),
 * in byte order of their UTF-8 encodings, which is DuckDB's order of VARCHAR.
 */
export async function merkleRootInDuckDb(
  conn: DuckDBConnection,
  relation: string,
  idColumn: string,
): Promise<string> {
  // strlen is the UTF-8 byte length; the pieces are hex, joined in id order by row number.
  const r = await conn.runAndReadAll(`SELECT
      sha256(unhex('00' || string_agg(lpad(to_hex(strlen(id)), 8, '0') || hex(id), '' ORDER BY rn)))
    FROM (SELECT ${idColumn} AS id, ROW_NUMBER() OVER (ORDER BY ${idColumn}) - 1 AS rn FROM ${relation})
    GROUP BY rn // ${CHUNK_SIZE}
    ORDER BY rn // ${CHUNK_SIZE}`);
  const leaves = r.getRows().map((row) => Buffer.from(String(row[0]), "hex"));
  return treeRoot(leaves).toString("hex");
}
