/**
 * Opens the lineage registry on the consent ledger's database: the ledger named by
 * `--database` / TRAINGATE_DATABASE_URL, or the embedded SQLite ledger of the data directory.
 */
import type { Kysely } from "kysely";
import { databaseUrl, dataDir } from "../config/data-dir.js";
import { TrainGateError } from "../errors.js";
import { KyselyLedgerStore } from "../ledger/kysely-ledger-store.js";
import type { LedgerStore } from "../ledger/ledger-store.js";
import { openLedger, systemClock } from "../ledger/open-ledger.js";
import { ledgerFeed } from "./ledger-feed.js";
import { LineageStore } from "./lineage-store.js";
import { processObligations } from "./obligation-feed.js";

/** Where the ledger is: the data directory and/or a database URL. */
export interface LineageLocation {
  readonly dataDir?: string | undefined;
  readonly database?: string | undefined;
}

/** An open ledger with its lineage registry; `close` releases both. */
export interface OpenLineage {
  readonly ledger: LedgerStore;
  readonly lineage: LineageStore;
  close(): Promise<void>;
}

/**
 * The lineage registry over an already open ledger (the server holds one ledger for both).
 * Throws TG_E_INTERNAL for a ledger that does not keep its data in a SQL database.
 */
export async function lineageOnLedger(
  ledger: LedgerStore,
  clock: () => number = systemClock,
): Promise<LineageStore> {
  if (!(ledger instanceof KyselyLedgerStore))
    throw new TrainGateError(
      "TG_E_INTERNAL",
      "this ledger backend has no SQL database for the lineage registry",
    );
  return LineageStore.open(ledger.kysely as unknown as Kysely<unknown>, ledger.backend, clock);
}

/** Opens the ledger at `where` and the lineage registry in its database. */
export async function openLineage(
  where: LineageLocation = {},
  clock: () => number = systemClock,
): Promise<OpenLineage> {
  const url = databaseUrl(dataDir(where.dataDir), where.database);
  const ledger = await openLedger(url, { clock });
  try {
    const lineage = await lineageOnLedger(ledger, clock);
    return { ledger, lineage, close: () => ledger.close() };
  } catch (e) {
    await ledger.close();
    throw e;
  }
}

/**
 * Runs `fn` with the lineage registry at `where`, after bringing the obligations up to date
 * with the ledger's feed, and closes everything afterwards.
 */
export async function withLineage<T>(
  where: LineageLocation,
  fn: (open: OpenLineage) => Promise<T>,
): Promise<T> {
  const open = await openLineage(where);
  try {
    await processObligations(open.lineage, ledgerFeed(open.ledger));
    return await fn(open);
  } finally {
    await open.close();
  }
}

const shared = new WeakMap<LedgerStore, Promise<LineageStore>>();

/**
 * The one lineage registry of an open ledger in this process (so its bitmap cache is shared
 * by every route), created on first use.
 */
export function sharedLineage(
  ledger: LedgerStore,
  clock: () => number = systemClock,
): Promise<LineageStore> {
  let p = shared.get(ledger);
  if (p === undefined) {
    p = lineageOnLedger(ledger, clock);
    shared.set(ledger, p);
  }
  return p;
}
