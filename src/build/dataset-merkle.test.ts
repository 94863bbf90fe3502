/**
 * The Merkle root computed in DuckDB over a table sorted on insert equals src/lineage/merkle.ts's
 * over the same ids: chunk boundaries, the empty set, ids whose UTF-8 byte order differs from
 * UTF-16 order, ids longer than 64 bytes, and enough rows that DuckDB sorts and inserts with several threads. A table
 * whose rows are not in id order fails instead of giving a root.
 */
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import { CHUNK_SIZE, merkleRoot } from "../lineage/merkle.js";
import { merkleRootOfSortedTable } from "./dataset-merkle.js";

const ODD = [
  "b",
  "a",
  "é-3",
  "z",
  "\u{1F600}x",
  "\uFFFDq",
  "",
  "a\u0000b",
  "\u00e9",
  "e\u0301",
  // Longer than 64 bytes (copied differently into the leaf), and one a prefix of the other.
  "long-".repeat(30),
  `${"long-".repeat(30)}é`,
  "é".repeat(40),
];

async function withTable(
  ids: readonly string[],
  run: (conn: DuckDBConnection) => Promise<void>,
): Promise<void> {
  const db = await DuckDBInstance.create(":memory:", { threads: "4" });
  const conn = await db.connect();
  try {
    await conn.run("CREATE TABLE src (item_id VARCHAR, reason VARCHAR)");
    const a = await conn.createAppender("src");
    for (const id of ids) {
      a.appendVarchar(id);
      a.appendNull();
      a.endRow();
    }
    a.appendVarchar("excluded");
    a.appendVarchar("deleted");
    a.endRow();
    a.closeSync();
    await conn.run(
      "CREATE TABLE d AS SELECT item_id FROM src WHERE reason IS NULL ORDER BY item_id",
    );
    await run(conn);
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

describe("merkleRootOfSortedTable", () => {
  it.each([0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE + 7, 300_000])(
    "equals merkleRoot with %i ids besides the odd ones",
    async (n) => {
      const ids = [...ODD, ...Array.from({ length: n }, (_, i) => `id-${(i * 7919) % 1_000_003}`)];
      await withTable(ids, async (conn) => {
        expect(await merkleRootOfSortedTable(conn, "d", "item_id")).toBe(merkleRoot(ids));
      });
    },
  );

  it("is the hash of nothing for no ids", async () => {
    await withTable([], async (conn) => {
      expect(await merkleRootOfSortedTable(conn, "d", "item_id")).toBe(merkleRoot([]));
    });
  });

  it.each([
    ["in reverse order", "ORDER BY item_id DESC"],
    ["in insertion order", ""],
  ])("fails for a table %s", async (_, order) => {
    const ids = Array.from({ length: 3 * CHUNK_SIZE }, (_, i) => `id-${(i * 7919) % 1_009}`);
    await withTable(ids, async (conn) => {
      await conn.run(`CREATE TABLE u AS SELECT item_id FROM src WHERE reason IS NULL ${order}`);
      await expect(merkleRootOfSortedTable(conn, "u", "item_id")).rejects.toThrow(
        /not in item_id order/,
      );
    });
  });

  it("fails for a repeated id, even in order", async () => {
    const ids = Array.from(
      { length: 2 * CHUNK_SIZE },
      (_, i) => `id-${String(i).padStart(5, "0")}`,
    );
    await withTable([...ids, "id-00300"], async (conn) => {
      await expect(merkleRootOfSortedTable(conn, "d", "item_id")).rejects.toThrow(
        /not in item_id order/,
      );
    });
  });

  it("fails when rows were deleted (row ids with gaps)", async () => {
    const ids = Array.from(
      { length: 3 * CHUNK_SIZE },
      (_, i) => `id-${String(i).padStart(5, "0")}`,
    );
    await withTable(ids, async (conn) => {
      await conn.run("DELETE FROM d WHERE item_id = 'id-00010'");
      await expect(merkleRootOfSortedTable(conn, "d", "item_id")).rejects.toThrow(
        /not in item_id order/,
      );
    });
  });

  it("fails when two whole chunks are swapped across the boundary of two queries", async () => {
    // Each chunk is in order on its own; only the chunks' order is wrong, at rowid 131,072,
    // where one query of 512 chunks ends and the next begins.
    const n = 2 * 512 * CHUNK_SIZE + 5;
    const ids = Array.from({ length: n }, (_, i) => `id-${String(i).padStart(7, "0")}`);
    await withTable(ids, async (conn) => {
      await conn.run(`CREATE TABLE s AS SELECT item_id FROM d ORDER BY
        CASE CAST(substr(item_id, 4) AS INTEGER) // ${CHUNK_SIZE}
          WHEN 511 THEN CAST(substr(item_id, 4) AS INTEGER) + ${CHUNK_SIZE}
          WHEN 512 THEN CAST(substr(item_id, 4) AS INTEGER) - ${CHUNK_SIZE}
          ELSE CAST(substr(item_id, 4) AS INTEGER) END`);
      await expect(merkleRootOfSortedTable(conn, "s", "item_id")).rejects.toThrow(
        /not in item_id order/,
      );
      expect(await merkleRootOfSortedTable(conn, "d", "item_id")).toBe(merkleRoot(ids));
    });
  });
});
