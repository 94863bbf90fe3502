/**
 * The ledger on embedded SQLite (better-sqlite3 through Kysely). Durability and ordering:
 * - WAL with `synchronous=FULL`: every commit fsyncs the WAL before it returns, so an
 *   acknowledged choice survives a power cut (WAL with NORMAL may lose the last commits);
 * - one connection per process and `BEGIN IMMEDIATE`, so a writer takes the database's write
 *   lock up front and waits (busy_timeout) instead of failing when another process writes;
 * - one writer at a time means the AUTOINCREMENT position is commit order: the feed is safe.
 * better-sqlite3 is synchronous: transactions here are short, except a bulk import.
 */
import Database from "better-sqlite3";
import {
  CompiledQuery,
  type DatabaseConnection,
  Kysely,
  type SqliteDatabase,
  SqliteDialect,
  SqliteDriver,
  type SqliteStatement,
} from "kysely";
import { TrainGateError } from "../../errors.js";
import {
  type EventInsert,
  type EventRow,
  KyselyLedgerStore,
  type LedgerTrx,
  STATE_WINS_SQL,
} from "../kysely-ledger-store.js";
import type { LedgerTables } from "../ledger-tables.js";
import { SQLITE_MIGRATIONS } from "./sqlite-migrations.js";

/** Kysely's SQLite driver, but transactions start with BEGIN IMMEDIATE (see module comment). */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }
}

/** Most distinct statements kept prepared (IN lists of many lengths would grow it forever). */
const STATEMENT_CACHE = 256;

/**
 * The database as Kysely sees it, with prepared statements reused: Kysely's driver prepares
 * every query afresh, which costs more than running a short one. Safe because the store never
 * streams (a statement iterating cannot be reused) and one connection runs one query at a time.
 */
function cachingDatabase(database: Database.Database): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => database.close(),
    prepare(sql: string): SqliteStatement {
      let stmt = cache.get(sql);
      if (stmt === undefined) {
        if (cache.size >= STATEMENT_CACHE) cache.clear();
        stmt = database.prepare(sql) as unknown as SqliteStatement;
        cache.set(sql, stmt);
      }
      return stmt;
    },
  };
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #database: SqliteDatabase;
  constructor(database: SqliteDatabase) {
    super({ database });
    this.#database = database;
  }
  override createDriver(): SqliteDriver {
    return new ImmediateSqliteDriver({ database: this.#database });
  }
}

/** Rows per import batch: large enough that sorting it gives the indexes long runs in order. */
const INSERT_CHUNK = 50_000;

/** Orders event rows by (member_id, id), the unique index's order. */
function byKey(a: EventInsert, b: EventInsert): number {
  if (a.member_id !== b.member_id) return a.member_id < b.member_id ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

const EVENT_COLUMNS = "id, member_id, purpose, choice, at, source, recorded_at, tombstone";

/** The SQLite ledger. Open with `SqliteLedgerStore.open` (or `openLedger`). */
export class SqliteLedgerStore extends KyselyLedgerStore {
  readonly backend = "sqlite" as const;

  // better-sqlite3 is synchronous and Kysely's SQLite driver runs every query, transactions
  // included, on this one connection: prepared statements on it run inside the current
  // Kysely transaction. They are the hot path (imports); building a Kysely query per row
  // would cost more than SQLite's own work.
  #statements:
    | {
        insertStrict: Database.Statement;
        insertIgnore: Database.Statement;
        upsertState: Database.Statement;
      }
    | undefined;

  private constructor(
    db: Kysely<LedgerTables>,
    clock: () => number,
    private readonly database: Database.Database,
  ) {
    super(db, clock);
  }

  /** Prepared lazily: the tables exist only after `migrate`. */
  private get statements() {
    this.#statements ??= {
      insertStrict: this.database.prepare(
        `insert into ledger_events (${EVENT_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertIgnore: this.database.prepare(
        `insert into ledger_events (${EVENT_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?, ?) on conflict (member_id, id) do nothing`,
      ),
      upsertState: this.database.prepare(
        `insert into ledger_state (member_id, purpose, choice, at, source, position, erased)
         values (?, ?, ?, ?, ?, ?, 0)
         on conflict (member_id, purpose) do update set choice = excluded.choice, at = excluded.at,
           source = excluded.source, position = excluded.position
         where ${STATE_WINS_SQL}`,
      ),
    };
    return this.#statements;
  }

  /** Opens (creating) the file, or `:memory:`; sets the pragmas of the module comment. */
  static open(path: string, clock: () => number): SqliteLedgerStore {
    let database: Database.Database;
    try {
      database = new Database(path);
    } catch (e) {
      throw new TrainGateError(
        "TG_E_NO_LEDGER",
        `cannot open the SQLite ledger ${path}: ${(e as Error).message}`,
        { path },
      );
    }
    database.pragma("journal_mode = WAL");
    database.pragma("synchronous = FULL");
    database.pragma("busy_timeout = 10000");
    database.pragma("foreign_keys = ON");
    // 64 MiB of page cache: imports insert content-hash ids in random order into the unique
    // index, which thrashes SQLite's default 2 MiB cache.
    database.pragma("cache_size = -65536");
    const db = new Kysely<LedgerTables>({
      dialect: new ImmediateSqliteDialect(cachingDatabase(database)),
    });
    return new SqliteLedgerStore(db, clock, database);
  }

  async migrate(): Promise<readonly string[]> {
    return this.runMigrations(SQLITE_MIGRATIONS);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  /** SQLite has a single writer: BEGIN IMMEDIATE already serializes every write. */
  protected async lockWrites(_trx: LedgerTrx): Promise<void> {}

  protected override get importBatchSize(): number {
    return INSERT_CHUNK;
  }

  /**
   * An import batch is written in (member_id, id) order: the unique index and the projection
   * are then filled page by page instead of at random, which keeps them in the page cache.
   */
  protected override async importRows(
    trx: LedgerTrx,
    rows: readonly EventInsert[],
  ): Promise<number> {
    const sorted = [...rows].sort(byKey);
    return super.importRows(trx, sorted);
  }

  /** One prepared INSERT per row (see the class comment). */
  protected async insertEventRows(
    _trx: LedgerTrx,
    rows: readonly EventInsert[],
    ignoreDuplicates: boolean,
  ): Promise<EventRow[]> {
    const stmt = ignoreDuplicates ? this.statements.insertIgnore : this.statements.insertStrict;
    const out: EventRow[] = [];
    for (const r of rows) {
      const info = stmt.run(
        r.id,
        r.member_id,
        r.purpose,
        r.choice,
        r.at,
        r.source,
        r.recorded_at,
        r.tombstone,
      );
      // A skipped duplicate changes nothing; an insert's rowid is its position.
      if (info.changes > 0) out.push({ ...r, position: Number(info.lastInsertRowid) });
    }
    return out;
  }

  /** Row by row in position order: SQLite applies each upsert's condition to the last state. */
  protected async project(_trx: LedgerTrx, rows: readonly EventRow[]): Promise<void> {
    for (const r of rows) {
      this.statements.upsertState.run(r.member_id, r.purpose, r.choice, r.at, r.source, r.position);
    }
  }
}
