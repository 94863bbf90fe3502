/**
 * Opens the consent ledger named by a URL and brings its schema up to date. The only place
 * that chooses a backend; each backend is loaded on demand so SQLite users never load `pg`.
 */
import { TrainGateError } from "../errors.js";
import type { LedgerStore } from "./ledger-store.js";

/** Options for `openLedger`. */
export interface OpenLedgerOptions {
  /** The clock for `recorded_at` and audit entries (epoch µs). Tests inject one. */
  readonly clock?: () => number;
  /** PostgreSQL pool size (default 10). */
  readonly poolSize?: number;
  /** When false, the schema is not migrated (status commands on an existing ledger). */
  readonly migrate?: boolean;
}

/** The wall clock in epoch microseconds. */
export function systemClock(): number {
  return Date.now() * 1000;
}

/** Which backend a URL names, and its location. Throws `TG_E_USAGE` for anything else. */
export function parseLedgerUrl(
  url: string,
): { backend: "sqlite"; path: string } | { backend: "postgres"; url: string } {
  if (url.startsWith("sqlite:")) {
    const path = url.slice("sqlite:".length);
    if (path === "") throw new TrainGateError("TG_E_USAGE", "sqlite: URL needs a file path");
    return { backend: "sqlite", path };
  }
  if (url.startsWith("postgres://") || url.startsWith("postgresql://")) {
    return { backend: "postgres", url };
  }
  throw new TrainGateError(
    "TG_E_USAGE",
    `unknown database URL ${JSON.stringify(url)}: use sqlite:/path/ledger.sqlite or postgres://user@host/db`,
  );
}

/**
 * Opens `sqlite:/path/file.sqlite` (created if missing; `sqlite::memory:` for tests) or
 * `postgres://...`, runs pending migrations and returns the store. Throws `TG_E_NO_LEDGER`
 * when the database cannot be reached.
 */
export async function openLedger(
  url: string,
  options: OpenLedgerOptions = {},
): Promise<LedgerStore> {
  const where = parseLedgerUrl(url);
  const clock = options.clock ?? systemClock;
  let store: LedgerStore;
  if (where.backend === "sqlite") {
    const { SqliteLedgerStore } = await import("./sqlite/sqlite-ledger-store.js");
    store = SqliteLedgerStore.open(where.path, clock);
  } else {
    const { PostgresLedgerStore } = await import("./postgres/postgres-ledger-store.js");
    store = await PostgresLedgerStore.open(where.url, clock, options.poolSize ?? 10);
  }
  if (options.migrate !== false) {
    try {
      await store.migrate();
    } catch (e) {
      await store.close();
      throw e;
    }
  }
  return store;
}
