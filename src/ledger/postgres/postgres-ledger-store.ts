/**
 * The ledger on PostgreSQL (pg through Kysely).
 *
 * Commit-order feed: a sequence value is assigned at insert, not at commit, so without care a
 * reader could see position 11 committed while 10 is still in flight, advance its cursor past
 * 10 and never see it. Every write transaction therefore first takes a transaction-level
 * advisory lock (`pg_advisory_xact_lock`), held until COMMIT: positions are assigned one
 * transaction at a time, and PostgreSQL makes a commit visible before it releases the
 * transaction's locks, so the next writer's positions always become visible after ours.
 * The same lock gives the audit chain a single head. The price is one writer at a time (as in
 * SQLite); concurrent requests should be batched into one `appendEvents` (group commit).
 */
import { CompiledQuery, Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { TrainGateError } from "../../errors.js";
import {
  type EventInsert,
  type EventRow,
  KyselyLedgerStore,
  type LedgerTrx,
  latestPerKey,
  STATE_WINS_SQL,
} from "../kysely-ledger-store.js";
import type { LedgerTables } from "../ledger-tables.js";
import { POSTGRES_MIGRATIONS } from "./postgres-migrations.js";

/** Rows per `unnest` insert: arrays, so no bound-parameter limit; sized for memory. */
const INSERT_CHUNK = 10_000;

/** Rows per staging statement of an import: one is written while the next is parsed. */
const IMPORT_BATCH = 25_000;

/**
 * An import's staged rows into the ledger, set-based, in one statement:
 * - `fresh`: the staged rows whose id is not stored yet (an anti-join, which PostgreSQL runs
 *   as one hash or merge join, not a probe per row), each id once;
 * - positions are drawn in (member_id, id) order, so both event indexes are filled in key
 *   order (the whole import commits at once: the order among its events carries no meaning);
 *   no ON CONFLICT, whose speculative insertion doubles the cost of a row: the writers' lock
 *   is held and the id kinds (`imp_`, `evt_`, `tomb_`) never meet, so no one can insert the
 *   same id meanwhile (if one did, the unique key would fail the import, leaving nothing);
 * - `winners`: per (member, purpose), the event a fold in position order with the
 *   projection's rule keeps (`latestPerKey`): the latest `at`; on a tie a deny, the last
 *   deny, else the first allow;
 * - the projection: existing states it beats are updated (never an erased one), missing
 *   ones inserted. Both parts see the state as it was before the statement, so they never
 *   touch the same row.
 */
const IMPORT_SQL = `
  with fresh as materialized (
    select nextval('ledger_event_position') as position, s.* from (
      select distinct on (member_id, id) * from ledger_import_stage s
      where not exists (
        select 1 from ledger_events e where e.member_id = s.member_id and e.id = s.id
      )
      order by member_id, id
    ) s
  ),
  inserted as (
    insert into ledger_events (position, id, member_id, purpose, choice, at, source, recorded_at, tombstone)
    select position, id, member_id, purpose, choice, at, source, $1, 0 from fresh
  ),
  winners as (
    select distinct on (member_id, purpose) * from fresh
    order by member_id, purpose, at desc, (choice = 'deny') desc,
      case when choice = 'deny' then -position else position end
  ),
  updated as (
    update ledger_state s set choice = w.choice, at = w.at, source = w.source, position = w.position
    from winners w
    where s.member_id = w.member_id and s.purpose = w.purpose and s.erased = 0
      and (w.at > s.at or (w.at = s.at and w.choice = 'deny'))
  ),
  added as (
    insert into ledger_state (member_id, purpose, choice, at, source, position, erased)
    select member_id, purpose, choice, at, source, position, 0 from winners w
    where not exists (
      select 1 from ledger_state s where s.member_id = w.member_id and s.purpose = w.purpose
    )
  )
  select count(*)::int as inserted from fresh`;

/** int8 (OID 20) as a JS number: positions and µs instants stay below 2^53. */
function typeParser(oid: number, format?: "text" | "binary"): (value: string) => unknown {
  if (oid === 20) return (v: string) => Number(v);
  return pg.types.getTypeParser(oid, format ?? "text");
}

/** The PostgreSQL ledger. Open with `PostgresLedgerStore.open` (or `openLedger`). */
export class PostgresLedgerStore extends KyselyLedgerStore {
  readonly backend = "postgres" as const;

  private constructor(db: Kysely<LedgerTables>, clock: () => number) {
    super(db, clock);
  }

  /** Connects (checking the server answers); throws `TG_E_NO_LEDGER` when it does not. */
  static async open(
    url: string,
    clock: () => number,
    poolSize: number,
  ): Promise<PostgresLedgerStore> {
    const pool = new pg.Pool({
      connectionString: url,
      max: poolSize,
      connectionTimeoutMillis: 10_000,
      types: { getTypeParser: typeParser as pg.CustomTypesConfig["getTypeParser"] },
    });
    const db = new Kysely<LedgerTables>({ dialect: new PostgresDialect({ pool }) });
    try {
      await sql`select 1`.execute(db);
    } catch (e) {
      await db.destroy();
      throw new TrainGateError(
        "TG_E_NO_LEDGER",
        `cannot reach the PostgreSQL ledger: ${(e as Error).message}`,
      );
    }
    return new PostgresLedgerStore(db, clock);
  }

  async migrate(): Promise<readonly string[]> {
    // Kysely looks for its bookkeeping table in every schema unless told which; name ours so
    // two ledgers in two schemas of one database never see each other's.
    const schema = await sql<{ s: string }>`select current_schema() as s`.execute(this.db);
    return this.runMigrations(POSTGRES_MIGRATIONS, schema.rows[0]!.s);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  /** The advisory lock of the module comment, keyed by schema so two ledgers never contend. */
  protected async lockWrites(trx: LedgerTrx): Promise<void> {
    await sql`select pg_advisory_xact_lock(hashtext('traingate.ledger:' || current_schema()))`.execute(
      trx,
    );
  }

  protected override get importBatchSize(): number {
    return IMPORT_BATCH;
  }

  /** Transactions whose import has created its staging table, with its `recorded_at`. */
  readonly #staging = new WeakMap<LedgerTrx, number>();

  /**
   * Stages a batch in a temporary table (no index, no WAL; dropped at commit or rollback):
   * one `unnest` statement, written while the base class parses the next batch.
   */
  protected override async importRows(
    trx: LedgerTrx,
    rows: readonly EventInsert[],
  ): Promise<number> {
    if (!this.#staging.has(trx)) {
      // Sorts of a whole import: more memory than the default 4 MB, for this transaction only.
      await sql`set local work_mem = '64MB'`.execute(trx);
      await sql`create temporary table ledger_import_stage (
        id text not null, member_id text not null, purpose text not null, choice text not null,
        at bigint not null, source text not null
      ) on commit drop`.execute(trx);
      this.#staging.set(trx, rows[0]?.recorded_at ?? 0);
    }
    await sql`
      insert into ledger_import_stage (id, member_id, purpose, choice, at, source)
      select * from unnest(
        ${rows.map((e) => e.id)}::text[], ${rows.map((e) => e.member_id)}::text[],
        ${rows.map((e) => e.purpose)}::text[], ${rows.map((e) => e.choice)}::text[],
        ${rows.map((e) => e.at)}::bigint[], ${rows.map((e) => e.source)}::text[]
      )`.execute(trx);
    return 0;
  }

  /**
   * Writes the staged import in one set-based statement (see `IMPORT_SQL`); returns the
   * number of events inserted.
   */
  protected override async finishImport(trx: LedgerTrx): Promise<number> {
    const recordedAt = this.#staging.get(trx);
    if (recordedAt === undefined) return 0;
    this.#staging.delete(trx);
    // The planner sees the staged row count and key distribution (temporary tables are never
    // analyzed automatically).
    await sql`analyze ledger_import_stage`.execute(trx);
    const r = await trx.executeQuery<{ inserted: number }>(
      CompiledQuery.raw(IMPORT_SQL, [recordedAt]),
    );
    return r.rows[0]!.inserted;
  }

  protected async insertEventRows(
    trx: LedgerTrx,
    rows: readonly EventInsert[],
    ignoreDuplicates: boolean,
  ): Promise<EventRow[]> {
    const out: EventRow[] = [];
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      const part = rows.slice(i, i + INSERT_CHUNK);
      // One statement per chunk with arrays: 8 parameters whatever the row count.
      const r = await sql<EventRow>`
        insert into ledger_events (id, member_id, purpose, choice, at, source, recorded_at, tombstone)
        select id, member_id, purpose, choice, at, source, recorded_at, tombstone
        from unnest(
          ${part.map((e) => e.id)}::text[], ${part.map((e) => e.member_id)}::text[],
          ${part.map((e) => e.purpose)}::text[], ${part.map((e) => e.choice)}::text[],
          ${part.map((e) => e.at)}::bigint[], ${part.map((e) => e.source)}::text[],
          ${part.map((e) => e.recorded_at)}::bigint[], ${part.map((e) => e.tombstone)}::integer[]
        ) with ordinality as u(id, member_id, purpose, choice, at, source, recorded_at, tombstone, ord)
        order by ord
        ${ignoreDuplicates ? sql`on conflict do nothing` : sql``}
        returning position, id, member_id, purpose, choice, at, source, recorded_at, tombstone`.execute(
        trx,
      );
      const inserted = [...r.rows].sort((a, b) => a.position - b.position);
      out.push(...inserted);
    }
    return out;
  }

  /**
   * One `unnest` upsert per chunk. PostgreSQL refuses to update one row twice in a statement,
   * so the batch is first reduced to its winning event per (member, purpose).
   */
  protected async project(trx: LedgerTrx, rows: readonly EventRow[]): Promise<void> {
    const winners = latestPerKey(rows);
    for (let i = 0; i < winners.length; i += INSERT_CHUNK) {
      const part = winners.slice(i, i + INSERT_CHUNK);
      await sql`
        insert into ledger_state (member_id, purpose, choice, at, source, position, erased)
        select member_id, purpose, choice, at, source, position, 0
        from unnest(
          ${part.map((e) => e.member_id)}::text[], ${part.map((e) => e.purpose)}::text[],
          ${part.map((e) => e.choice)}::text[], ${part.map((e) => e.at)}::bigint[],
          ${part.map((e) => e.source)}::text[], ${part.map((e) => e.position)}::bigint[]
        ) as u(member_id, purpose, choice, at, source, position)
        on conflict (member_id, purpose) do update set choice = excluded.choice,
          at = excluded.at, source = excluded.source, position = excluded.position
        where ${sql.raw(STATE_WINS_SQL)}`.execute(trx);
    }
  }
}
