/**
 * Where the CLI finds the consent ledger: `--database`, else `TRAINGATE_DATABASE_URL`, else
 * the SQLite file in the data directory. Commands that only read (build, explain, status,
 * verify) must not create an empty ledger by accident, so they ask for an existing one.
 */
import { existsSync } from "node:fs";
import type { Command } from "commander";
import { databaseUrl, dataDir } from "../config/data-dir.js";
import { TrainGateError } from "../errors.js";
import type { LedgerStore } from "../ledger/ledger-store.js";
import { openLedger, parseLedgerUrl } from "../ledger/open-ledger.js";

/** Options that locate the ledger. */
export interface LedgerLocation {
  readonly dataDir?: string | undefined;
  readonly database?: string | undefined;
}

/** Adds `--data-dir` and `--database`. */
export function withLedgerOptions(cmd: Command): Command {
  return cmd
    .option("--data-dir <dir>", "TrainGate's data directory (default .traingate/)")
    .option(
      "--database <url>",
      "ledger URL: sqlite:/path/file.sqlite or postgres://... (default: SQLite in the data directory)",
    );
}

/**
 * Opens the ledger, runs `fn` and closes it. With `mustExist`, a SQLite file that does not
 * exist yet is `TG_E_NO_LEDGER` instead of a new empty ledger.
 */
export async function withLedger<T>(
  where: LedgerLocation,
  fn: (store: LedgerStore) => Promise<T>,
  options: { mustExist: boolean },
): Promise<T> {
  const url = databaseUrl(dataDir(where.dataDir), where.database);
  const target = parseLedgerUrl(url);
  if (options.mustExist && target.backend === "sqlite" && !existsSync(target.path)) {
    throw new TrainGateError(
      "TG_E_NO_LEDGER",
      `no consent ledger at ${target.path} yet: import events first (traingate ledger import FILE), pass --database URL, or pass --consent PATH`,
      { path: target.path },
    );
  }
  const store = await openLedger(url);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
