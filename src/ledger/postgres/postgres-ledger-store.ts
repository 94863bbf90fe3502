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
  appendAuditEntry,
  appendResponses,
  appendRows,
  auditRow,
  chainAudit,
  type EventInsert,
  type EventRow,
  erasedConflict,
  idempotencyRow,
  KyselyLedgerStore,
  keyConflict,
  type LedgerTrx,
  latestPerKey,
  parseAppendRequests,
  STATE_WINS_SQL,
  storedAppends,
  toMember,
} from "../kysely-ledger-store.js";
import type { AppendRequest, StoredConsentEvent, StoredMember } from "../ledger-store.js";
import type { LedgerTables } from "../ledger-tables.js";
import { POSTGRES_MIGRATIONS } from "./postgres-migrations.js";

/** Rows per `unnest` insert: arrays, so no bound-parameter limit; sized for memory. */
const INSERT_CHUNK = 10_000;

/** Takes the writers' lock and makes the commit durable (see `lockWrites`). */
const LOCK_SQL =
  "select set_config('synchronous_commit', 'on', true), pg_advisory_xact_lock(hashtext('traingate.ledger:' || current_schema()))";

/**
 * The write of a group commit (`appendBatch`), from arrays: nothing is written when a member
 * of the batch was erased (the first one is returned). The projection rows are the batch's
 * winners per (member, purpose), so no row is updated twice. `saved` counts the idempotent
 * responses stored; fewer than given means a key was used already.
 */
const APPEND_SQL = `
  with erased as (
    select member_id from ledger_erasures where member_id = any($1::text[]) limit 1
  ),
  events as (
    insert into ledger_events (position, id, member_id, purpose, choice, at, source, recorded_at, tombstone)
    select u.position, u.id, u.member_id, u.purpose, u.choice, u.at, u.source, $8::bigint, 0
    from unnest($2::bigint[], $3::text[], $1::text[], $4::text[], $5::text[], $6::bigint[], $7::text[])
      as u(position, id, member_id, purpose, choice, at, source)
    where not exists (select 1 from erased)
  ),
  contexts as (
    insert into ledger_event_context (event_id, member_id, request_id, actor)
    select u.id, u.member_id, u.request_id, u.actor
    from unnest($3::text[], $1::text[], $9::text[], $10::text[]) as u(id, member_id, request_id, actor)
    where not exists (select 1 from erased)
  ),
  projected as (
    insert into ledger_state (member_id, purpose, choice, at, source, position, erased)
    select u.member_id, u.purpose, u.choice, u.at, u.source, u.position, 0
    from unnest($11::text[], $12::text[], $13::text[], $14::bigint[], $15::text[], $16::bigint[])
      as u(member_id, purpose, choice, at, source, position)
    where not exists (select 1 from erased)
    on conflict (member_id, purpose) do update set choice = excluded.choice,
      at = excluded.at, source = excluded.source, position = excluded.position
    where ${STATE_WINS_SQL}
  ),
  audited as (
    insert into ledger_audit (seq, at, actor, action, subject, request_id, details, prev_hash, entry_hash)
    select * from unnest($17::bigint[], $18::bigint[], $19::text[], $20::text[], $21::text[],
      $22::text[], $23::text[], $24::text[], $25::text[])
    where not exists (select 1 from erased)
  ),
  saved as (
    insert into ledger_idempotency (scope, key, request_hash, status, body, created_at)
    select * from unnest($26::text[], $27::text[], $28::text[], $29::integer[], $30::text[],
      $31::bigint[])
    where not exists (select 1 from erased)
    on conflict (scope, key) do nothing
    returning 1
  )
  select (select member_id from erased) as erased, (select count(*) from saved)::int as saved`;

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

const ARRAY_QUOTE = /["\\]/;

/**
 * A text[] literal of one column of `rows`: every element quoted (so commas, braces, spaces
 * and the word NULL stay text) with `"` and `\` escaped, null as NULL. pg would build the
 * same literal, but escapes every element with two regular-expression replaces; an import
 * sends millions.
 */
export function textArray<T>(rows: readonly T[], column: (row: T) => string | null): string {
  const parts = new Array<string>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const v = column(rows[i]!);
    if (v === null) parts[i] = "NULL";
    else parts[i] = ARRAY_QUOTE.test(v) ? `"${v.replace(/["\\]/g, "\\$&")}"` : `"${v}"`;
  }
  return `{${parts.join(",")}}`;
}

/** A bigint[] or integer[] literal of one column of `rows` (safe integers). */
export function intArray<T>(rows: readonly T[], column: (row: T) => number): string {
  return `{${rows.map(column).join(",")}}`;
}

/** int8 (OID 20) as a JS number: positions and µs instants stay below 2^53. */
function typeParser(oid: number, format?: "text" | "binary"): (value: string) => unknown {
  if (oid === 20) return (v: string) => Number(v);
  return pg.types.getTypeParser(oid, format ?? "text");
}

/** The PostgreSQL ledger. Open with `PostgresLedgerStore.open` (or `openLedger`). */
export class PostgresLedgerStore extends KyselyLedgerStore {
  readonly backend = "postgres" as const;

  private constructor(
    db: Kysely<LedgerTables>,
    clock: () => number,
    private readonly pool: pg.Pool,
  ) {
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
    return new PostgresLedgerStore(db, clock, pool);
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

  /**
   * The advisory lock of the module comment, keyed by schema so two ledgers never contend.
   * The same statement makes this transaction's commit wait for its WAL flush whatever the
   * connection's settings say (`synchronous_commit`): an acknowledged write is on disk.
   */
  protected async lockWrites(trx: LedgerTrx): Promise<void> {
    await sql.raw(LOCK_SQL).execute(trx);
  }

  /** One prepared statement for any number of ids (the API's batched lookups). */
  override async getMembers(memberIds: readonly string[]): Promise<Map<string, StoredMember>> {
    const out = new Map<string, StoredMember>();
    if (memberIds.length === 0) return out;
    const r = await this.pool.query<{
      id: string;
      country: string | null;
      erased_at: number | null;
    }>({
      name: "traingate_members_v1",
      text: "select id, country, erased_at from ledger_members where id = any($1::text[])",
      values: [textArray(memberIds, (id) => id)],
    });
    for (const m of r.rows) out.set(m.id, toMember(m));
    return out;
  }

  /**
   * Group commit in three round trips, whatever the batch size (the generic version takes
   * about ten): (1) BEGIN, the writers' lock, the audit head and the batch's positions, in one
   * simple-protocol message; (2) one prepared statement that writes the events, their
   * context, the projection, the audit entries and the idempotent responses from arrays,
   * unless a member of the batch was erased; (3) COMMIT. Positions are drawn under the lock,
   * so they are still visible in commit order; the audit hashes, which cover the positions,
   * are computed here in between, exactly as the generic version computes them.
   */
  override async appendBatch(requests: readonly AppendRequest[]): Promise<StoredConsentEvent[][]> {
    const parsed = parseAppendRequests(requests);
    const count = parsed.reduce((n, r) => n + r.events.length, 0);
    if (count === 0) return parsed.map(() => []);
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      const opened = (await client.query(
        `begin; ${LOCK_SQL}; select seq, entry_hash from ledger_audit order by seq desc limit 1;
         select nextval('ledger_event_position') as position from generate_series(1, ${count})`,
      )) as unknown as pg.QueryResult[];
      const head = opened[2]!.rows[0] as { seq: number; entry_hash: string } | undefined;
      const positions = opened[3]!.rows.map((r) => Number(r.position)).sort((a, b) => a - b);
      const now = this.clock();
      const inserted: EventRow[] = appendRows(parsed, now).map((row, i) => ({
        ...row,
        position: positions[i]!,
      }));
      const stored = storedAppends(parsed, inserted);
      const audit = chainAudit(
        head === undefined ? null : { seq: head.seq, entryHash: head.entry_hash },
        stored.map(appendAuditEntry),
        this.clock(),
      ).map(auditRow);
      const { out, responses } = appendResponses(parsed, stored, now);
      const winners = latestPerKey(inserted);
      const idem = responses.map(idempotencyRow);
      const r = await client.query<{ erased: string | null; saved: number }>({
        name: "traingate_append_batch_v1",
        text: APPEND_SQL,
        values: [
          textArray(inserted, (e) => e.member_id),
          intArray(inserted, (e) => e.position),
          textArray(inserted, (e) => e.id),
          textArray(inserted, (e) => e.purpose),
          textArray(inserted, (e) => e.choice),
          intArray(inserted, (e) => e.at),
          textArray(inserted, (e) => e.source),
          now,
          textArray(stored, (e) => e.requestId),
          textArray(stored, (e) => e.actor),
          textArray(winners, (e) => e.member_id),
          textArray(winners, (e) => e.purpose),
          textArray(winners, (e) => e.choice),
          intArray(winners, (e) => e.at),
          textArray(winners, (e) => e.source),
          intArray(winners, (e) => e.position),
          intArray(audit, (a) => a.seq),
          intArray(audit, (a) => a.at),
          textArray(audit, (a) => a.actor),
          textArray(audit, (a) => a.action),
          textArray(audit, (a) => a.subject),
          textArray(audit, (a) => a.request_id),
          textArray(audit, (a) => a.details),
          textArray(audit, (a) => a.prev_hash),
          textArray(audit, (a) => a.entry_hash),
          textArray(idem, (i) => i.scope),
          textArray(idem, (i) => i.key),
          textArray(idem, (i) => i.request_hash),
          intArray(idem, (i) => i.status),
          textArray(idem, (i) => i.body),
          intArray(idem, (i) => i.created_at),
        ],
      });
      const outcome = r.rows[0]!;
      if (outcome.erased !== null) throw erasedConflict(outcome.erased);
      // A key was used by a request that committed first (or twice in this batch): undo it all.
      if (outcome.saved < responses.length) throw keyConflict(responses);
      await client.query("commit");
      return out;
    } catch (e) {
      await client.query("rollback").catch((err: Error) => {
        broken = err;
      });
      throw e;
    } finally {
      // A connection that could not roll back is closed, not reused.
      client.release(broken);
    }
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
        ${textArray(rows, (e) => e.id)}::text[], ${textArray(rows, (e) => e.member_id)}::text[],
        ${textArray(rows, (e) => e.purpose)}::text[], ${textArray(rows, (e) => e.choice)}::text[],
        ${intArray(rows, (e) => e.at)}::bigint[], ${textArray(rows, (e) => e.source)}::text[]
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
