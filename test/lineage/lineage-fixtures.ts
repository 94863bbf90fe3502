/**
 * Fixtures for lineage tests: databases on both backends (a SQLite file in a temp folder, a
 * fresh PostgreSQL schema) and manifests built the way `traingate build` writes them.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";
import type { LineageDialect } from "../../src/lineage/lineage-tables.js";
import { merkleRoot } from "../../src/lineage/merkle.js";
import { REASONS } from "../../src/policy/domain.js";
import { freshSchema } from "../support/services.js";

/** An open test database and how to drop it. */
export interface TestDb {
  readonly db: Kysely<unknown>;
  readonly dialect: LineageDialect;
  close(): Promise<void>;
}

/** A new, empty database of `dialect`. */
export async function openTestDb(dialect: LineageDialect): Promise<TestDb> {
  if (dialect === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "tg-lineage-"));
    const db = new Kysely<unknown>({
      dialect: new SqliteDialect({ database: new Database(join(dir, "ledger.sqlite")) }),
    });
    return {
      db,
      dialect,
      close: async () => {
        await db.destroy();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = await freshSchema("lineage");
  const db = new Kysely<unknown>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: schema.url, max: 4 }) }),
  });
  return {
    db,
    dialect,
    close: async () => {
      await db.destroy();
      await schema.drop();
    },
  };
}

/** A manifest as the build writes it (contract §5) for these included item ids. */
export function manifestFor(
  runId: string,
  itemIds: readonly string[],
  opts: { purpose?: string; asOf?: string; input?: number } = {},
): Record<string, unknown> {
  const excluded = Object.fromEntries(REASONS.map((r) => [r, 0]));
  const input = opts.input ?? itemIds.length;
  excluded["opted_out"] = input - itemIds.length;
  return {
    run_id: runId,
    purpose: opts.purpose ?? "genai_training",
    as_of: opts.asOf ?? "2025-01-01T00:00:00Z",
    policy: { name: "recommended", sha256: "a".repeat(64) },
    inputs: [{ table: "items", path: "items.jsonl", sha256: "b".repeat(64), rows: input }],
    counts: { input, included: itemIds.length, excluded },
    output: { path: `out/${runId}/dataset.jsonl`, sha256: "c".repeat(64) },
    merkle_root: merkleRoot(itemIds),
  };
}

/** A deterministic clock in epoch µs that advances one second per call. */
export function steppingClock(start = 1_750_000_000_000_000): () => number {
  let t = start;
  return () => {
    t += 1_000_000;
    return t;
  };
}
