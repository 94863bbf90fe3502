/**
 * Where TrainGate keeps its state: the embedded ledger, the pseudonym keys, demo data.
 * `--data-dir` wins, then `TRAINGATE_DATA_DIR`, then `.traingate/` in the working folder
 * (project-local, like `.git`, so a clone's demo and keys stay with it).
 */
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";

/** The data directory for these options, created if missing. */
export function dataDir(explicit?: string): string {
  const dir = resolve(explicit ?? process.env["TRAINGATE_DATA_DIR"] ?? ".traingate");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/**
 * The ledger database URL: `--database`, else `TRAINGATE_DATABASE_URL`, else the embedded
 * SQLite file in the data directory.
 */
export function databaseUrl(dir: string, explicit?: string): string {
  return (
    explicit ?? process.env["TRAINGATE_DATABASE_URL"] ?? `sqlite:${resolve(dir, "ledger.sqlite")}`
  );
}
