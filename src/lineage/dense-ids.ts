/**
 * The dense-id dictionaries: every member id and item id that ever entered a run gets a small
 * integer, assigned once and never reused, so runs can store their members and items as
 * Roaring bitmaps.
 */
import { type Kysely, sql, type Transaction } from "kysely";
import type { LineageDialect, LineageTables } from "./lineage-tables.js";

/** The two dictionaries. */
export type DenseTable = "lineage_member_ids" | "lineage_item_ids";

// Well under SQLite's 32766 bound parameters and PostgreSQL's 65535.
const BATCH = 5000;

/** The dense ids of those `ids` that have one (absent ids are missing from the map). */
export async function lookupDense(
  db: Kysely<LineageTables> | Transaction<LineageTables>,
  table: DenseTable,
  ids: readonly string[],
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < ids.length; i += BATCH) {
    const rows = await db
      .selectFrom(table)
      .select(["id", "dense"])
      .where("id", "in", ids.slice(i, i + BATCH))
      .execute();
    for (const r of rows) out.set(r.id, Number(r.dense));
  }
  return out;
}

/**
 * The dense ids of `ids`, assigning new ones (max + 1, + 2, ...) to those without. Must run
 * inside a transaction; on PostgreSQL the dictionary is locked for the transaction so two
 * concurrent builds cannot hand out the same integer.
 */
export async function assignDense(
  trx: Transaction<LineageTables>,
  dialect: LineageDialect,
  table: DenseTable,
  ids: readonly string[],
): Promise<Map<string, number>> {
  if (dialect === "postgres") {
    await sql`lock table ${sql.table(table)} in share row exclusive mode`.execute(trx);
  }
  const unique = [...new Set(ids)];
  const known = await lookupDense(trx, table, unique);
  const missing = unique.filter((id) => !known.has(id));
  if (missing.length === 0) return known;
  const top = await trx
    .selectFrom(table)
    .select((eb) => eb.fn.max("dense").as("top"))
    .executeTakeFirst();
  let next = top?.top === null || top?.top === undefined ? 0 : Number(top.top) + 1;
  for (let i = 0; i < missing.length; i += BATCH) {
    const rows = missing.slice(i, i + BATCH).map((id) => {
      const dense = next++;
      known.set(id, dense);
      return { id, dense };
    });
    await trx.insertInto(table).values(rows).execute();
  }
  return known;
}
