/**
 * The Merkle root computed in DuckDB equals src/lineage/merkle.ts's over the same ids: chunk
 * boundaries, the empty set, and ids whose UTF-8 byte order differs from UTF-16 order.
 */
import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import { CHUNK_SIZE, merkleRoot } from "../lineage/merkle.js";
import { merkleRootInDuckDb } from "./dataset-merkle.js";

const ODD = ["b", "a", "é-3", "z", "\u{1F600}x", "\uFFFDq", "", "a\u0000b", "\u00e9", "e\u0301"];

describe("merkleRootInDuckDb", () => {
  it.each([0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE + 7])(
    "equals merkleRoot with %i ids besides the odd ones",
    async (n) => {
      const db = await DuckDBInstance.create(":memory:");
      const conn = await db.connect();
      try {
        const ids = [...ODD, ...Array.from({ length: n }, (_, i) => `id-${(i * 7919) % 100_003}`)];
        await conn.run("CREATE TABLE d (item_id VARCHAR, reason VARCHAR)");
        const a = await conn.createAppender("d");
        for (const id of ids) {
          a.appendVarchar(id);
          a.appendNull();
          a.endRow();
        }
        a.appendVarchar("excluded");
        a.appendVarchar("deleted");
        a.endRow();
        a.closeSync();
        const rel = "(SELECT item_id FROM d WHERE reason IS NULL)";
        expect(await merkleRootInDuckDb(conn, rel, "item_id")).toBe(merkleRoot(ids));
      } finally {
        conn.closeSync();
        db.closeSync();
      }
    },
  );

  it("is the hash of nothing for no ids", async () => {
    const db = await DuckDBInstance.create(":memory:");
    const conn = await db.connect();
    await conn.run("CREATE TABLE d (item_id VARCHAR)");
    expect(await merkleRootInDuckDb(conn, "d", "item_id")).toBe(merkleRoot([]));
    conn.closeSync();
    db.closeSync();
  });
});
