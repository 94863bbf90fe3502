/**
 * The dense-id dictionaries: every member id and item id that ever entered a run gets a small
 * integer, assigned once and never reused, so runs can store their members and items as
 * Roaring bitmaps.
 */
import { type Kysely, sql, type Transaction } from "kysely";
import type { LineageDialect, LineageTables } from "./lineage-tables.js";

/** The two dictionaries. */
export type DenseTable = "lineage_member_ids" | "lineage_item_ids";

/**
 * The dense ids of those `ids` that have one (absent ids are missing from the map), in one
 * query however many: the ids go in as one array (SQLite `json_each`, PostgreSQL `= any`),
 * not as one bound parameter each, so an opt-out wave of 100,000 members is one round trip.
 */
export async function lookupDense(
  db: Kysely<LineageTables> | Transaction<LineageTables>,
  dialect: LineageDialect,
  table: DenseTable,
  ids: readonly string[],
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (ids.length === 0) return out;
  const { rows } =
    dialect === "postgres"
      ? // `= any(array)` is a bitmap index scan (heap pages read in order); in the lineage
        // wave (10,000 ids per query, 1M-id dictionary) it took 100-150 ms where a join on
        // unnest() (an index nested loop) took 170-750 ms.
        await sql<{ id: string; dense: number }>`select id, dense from ${sql.table(table)}
          where id = any(${[...ids]}::text[])`.execute(db)
      : await sql<{ id: string; dense: number }>`select d.id, d.dense
          from json_each(${JSON.stringify(ids)}) as j join ${sql.table(table)} d on d.id = j.value`.execute(
          db,
        );
  for (const r of rows) out.set(r.id, Number(r.dense));
  return out;
}

/**
 * The dense id of each of `ids` (or undefined), by position. SQLite returns each id's
 * position in the array with its dense id, so no map of a million strings is built here.
 */
async function lookupDenseAt(
  db: Transaction<LineageTables>,
  dialect: LineageDialect,
  table: DenseTable,
  ids: readonly string[],
): Promise<(number | undefined)[]> {
  const out = new Array<number | undefined>(ids.length).fill(undefined);
  if (ids.length === 0) return out;
  if (dialect === "postgres") {
    const found = await lookupDense(db, dialect, table, ids);
    for (let i = 0; i < ids.length; i++) out[i] = found.get(ids[i]!);
    return out;
  }
  const { rows } = await sql<{ pos: number; dense: number }>`select j.key as pos, d.dense
    from json_each(${JSON.stringify(ids)}) as j join ${sql.table(table)} d on d.id = j.value`.execute(
    db,
  );
  for (const r of rows) out[Number(r.pos)] = Number(r.dense);
  return out;
}

/**
 * The dense ids of `ids` (distinct), by position, assigning new ones (max + 1, + 2, ... in
 * input order) to those without. Must run inside a transaction; on PostgreSQL the dictionary
 * is locked for the transaction so two concurrent builds cannot hand out the same integer.
 */
export async function assignDense(
  trx: Transaction<LineageTables>,
  dialect: LineageDialect,
  table: DenseTable,
  ids: readonly string[],
): Promise<number[]> {
  if (dialect === "postgres") {
    await sql`lock table ${sql.table(table)} in share row exclusive mode`.execute(trx);
  }
  const dense = await lookupDenseAt(trx, dialect, table, ids);
  const missing: string[] = [];
  const at: number[] = [];
  for (let i = 0; i < ids.length; i++) {
    if (dense[i] !== undefined) continue;
    missing.push(ids[i]!);
    at.push(i);
  }
  if (missing.length > 0) {
    const top = await trx
      .selectFrom(table)
      .select((eb) => eb.fn.max("dense").as("top"))
      .executeTakeFirst();
    const base = top?.top === null || top?.top === undefined ? 0 : Number(top.top) + 1;
    // One set-based statement (the array's position gives each id base + index), not one
    // statement per few thousand rows through the query builder: a build's run brings a
    // million new item ids at once.
    if (dialect === "postgres") {
      await sql`insert into ${sql.table(table)} (id, dense)
        select u.id, ${base}::bigint + u.ord - 1
        from unnest(${missing}::text[]) with ordinality as u(id, ord)`.execute(trx);
    } else {
      await sql`insert into ${sql.table(table)} (id, dense)
        select j.value, ${base} + j.key from json_each(${JSON.stringify(missing)}) as j`.execute(
        trx,
      );
    }
    for (let k = 0; k < at.length; k++) dense[at[k]!] = base + k;
  }
  return dense as number[];
}
