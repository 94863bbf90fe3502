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
import type { LedgerStore } from "../../src/ledger/ledger-store.js";
import { openLedger } from "../../src/ledger/open-ledger.js";
import type { LineageStore } from "../../src/lineage/lineage-store.js";
import type { LineageDialect } from "../../src/lineage/lineage-tables.js";
import { merkleRoot } from "../../src/lineage/merkle.js";
import { lineageOnLedger } from "../../src/lineage/open-lineage.js";
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

/** A ledger with lineage on it, on one backend. */
export interface LineageEnv {
  readonly ledger: LedgerStore;
  readonly lineage: LineageStore;
  /** A second process's view of the same database: a new registry with an empty cache. */
  reopen(): Promise<LineageStore>;
  close(): Promise<void>;
}

/** A fresh ledger database (SQLite file or PostgreSQL schema) with lineage opened on it. */
export async function openLineageEnv(backend: LineageDialect): Promise<LineageEnv> {
  const clock = steppingClock(Date.parse("2026-01-01T00:00:00Z") * 1000);
  let url: string;
  let drop: () => Promise<void>;
  if (backend === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "tg-obl-"));
    url = `sqlite:${join(dir, "ledger.sqlite")}`;
    drop = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const s = await freshSchema("obligations");
    url = s.url;
    drop = s.drop;
  }
  const ledger = await openLedger(url, { clock });
  return {
    ledger,
    lineage: await lineageOnLedger(ledger, clock),
    reopen: () => lineageOnLedger(ledger, clock),
    close: async () => {
      await ledger.close();
      await drop();
    },
  };
}

/** Day `d` of the random histories (0 = 2025-01-01), epoch µs. */
export const historyDay = (d: number): number =>
  Date.parse("2025-01-01T00:00:00Z") * 1000 + d * 86_400_000_000;

/** A run of a random history: its members, as-of day and purpose. */
export interface RunSpec {
  readonly runId: string;
  readonly members: string[];
  readonly day: number;
  readonly purpose: string;
}

/** A consent change of a random history. */
export interface EventSpec {
  readonly member: string;
  readonly choice: "allow" | "deny";
  readonly day: number;
  readonly source: "settings" | "api" | "gpc" | "import";
  readonly purpose: string;
}

/** Registers a run of a random history (one item per member). */
export async function registerRunSpec(lineage: LineageStore, r: RunSpec): Promise<void> {
  const items = r.members.map((m) => `${r.runId}:${m}`);
  await lineage.registerRun({
    manifest: manifestFor(r.runId, items, {
      purpose: r.purpose,
      asOf: new Date(historyDay(r.day) / 1000).toISOString(),
    }),
    itemIds: items,
    memberIds: r.members,
    memberConsent: { allow: 0, none: r.members.length },
  });
}

/** Appends the changes of a random history to the ledger (a `gpc` change is a deny). */
export async function appendEventSpecs(
  ledger: LedgerStore,
  events: readonly EventSpec[],
): Promise<void> {
  if (events.length === 0) return;
  await ledger.appendEvents(
    events.map((e) => ({
      memberId: e.member,
      purpose: e.purpose,
      choice: e.source === "gpc" ? "deny" : e.choice,
      at: historyDay(e.day),
      source: e.source,
    })),
    { actor: "test", requestId: null },
  );
}
