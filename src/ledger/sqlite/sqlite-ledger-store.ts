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
  SqliteDialect,
  SqliteDriver,
} from "kysely";
import { TrainGateError } from "../../errors.js";
import {
  type EventInsert,
  type EventRow,
  KyselyLedgerStore,
  type LedgerTrx,
} from "../kysely-ledger-store.js";
import type { LedgerTables } from "../ledger-tables.js";
import { SQLITE_MIGRATIONS } from "./sqlite-migrations.js";

/** Kysely's SQLite driver, but transactions start with BEGIN IMMEDIATE (see module comment). */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #database: Database.Database;
  constructor(database: Database.Database) {
    super({ database });
    this.#database = database;
  }
  override createDriver(): SqliteDriver {
    return new ImmediateSqliteDriver({ database: this.#database });
  }
}

/** Rows per insert statement: 9 columns stay under SQLite's 32,766 bound parameters. */
const INSERT_CHUNK = 2000;

/** The SQLite ledger. Open with `SqliteLedgerStore.open` (or `openLedger`). */
export class SqliteLedgerStore extends KyselyLedgerStore {
  readonly backend = "sqlite" as const;

  private constructor(db: Kysely<LedgerTables>, clock: () => number) {
    super(db, clock);
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
    const db = new Kysely<LedgerTables>({ dialect: new ImmediateSqliteDialect(database) });
    return new SqliteLedgerStore(db, clock);
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

  protected async insertEventRows(
    trx: LedgerTrx,
    rows: readonly EventInsert[],
    ignoreDuplicates: boolean,
  ): Promise<EventRow[]> {
    const out: EventRow[] = [];
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      const part = rows.slice(i, i + INSERT_CHUNK);
      const q = trx.insertInto("ledger_events").values(part);
      const inserted = await (ignoreDuplicates
        ? q.onConflict((oc) => oc.column("id").doNothing())
        : q
      )
        .returningAll()
        .execute();
      // RETURNING order is not guaranteed by SQLite; positions are, so sort by them.
      inserted.sort((a, b) => a.position - b.position);
      out.push(...inserted);
    }
    return out;
  }
}
