/**
 * The lineage schema, as Kysely migrations kept under their own migration table
 * (`lineage_migration`) so they never interleave with the ledger's. The same migration runs
 * on SQLite and PostgreSQL; only the column types of blobs and auto-increment keys differ.
 */
import { type Kysely, type Migration, Migrator, sql } from "kysely";
import { TrainGateError } from "../errors.js";
import type { LineageDialect, LineageTables } from "./lineage-tables.js";
import { writeBitmap } from "./run-index.js";

function migrations(dialect: LineageDialect): Record<string, Migration> {
  const blob = dialect === "postgres" ? "bytea" : "blob";
  // SQLite's `integer primary key` is the rowid (auto-assigned); PostgreSQL needs an identity.
  const serial = dialect === "postgres" ? "serial" : "integer";
  return {
    "0001_lineage": {
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema
          .createTable("lineage_runs")
          .addColumn("seq", serial, (c) => c.primaryKey())
          .addColumn("run_id", "text", (c) => c.notNull().unique())
          .addColumn("purpose", "text", (c) => c.notNull())
          .addColumn("as_of", "bigint", (c) => c.notNull())
          .addColumn("registered_at", "bigint", (c) => c.notNull())
          .addColumn("policy_name", "text", (c) => c.notNull())
          .addColumn("policy_sha256", "text", (c) => c.notNull())
          .addColumn("merkle_root", "text", (c) => c.notNull())
          .addColumn("output_path", "text", (c) => c.notNull())
          .addColumn("output_sha256", "text", (c) => c.notNull())
          .addColumn("counts_input", "integer", (c) => c.notNull())
          .addColumn("counts_included", "integer", (c) => c.notNull())
          .addColumn("members_count", "integer", (c) => c.notNull())
          .addColumn("items_count", "integer", (c) => c.notNull())
          .addColumn("members_allow", "integer", (c) => c.notNull())
          .addColumn("members_none", "integer", (c) => c.notNull())
          .addColumn("manifest", "text", (c) => c.notNull())
          .addColumn("regions", "text")
          .addColumn("member_bitmap", blob, (c) => c.notNull())
          .addColumn("item_bitmap", blob, (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex("lineage_runs_purpose_as_of")
          .on("lineage_runs")
          .columns(["purpose", "as_of"])
          .execute();
        for (const table of ["lineage_member_ids", "lineage_item_ids"]) {
          await db.schema
            .createTable(table)
            .addColumn("id", "text", (c) => c.primaryKey())
            .addColumn("dense", "integer", (c) => c.notNull().unique())
            .execute();
        }
        await db.schema
          .createTable("lineage_models")
          .addColumn("model_id", "text", (c) => c.primaryKey())
          .addColumn("name", "text", (c) => c.notNull())
          .addColumn("version", "text", (c) => c.notNull())
          .addColumn("registered_at", "bigint", (c) => c.notNull())
          .addUniqueConstraint("lineage_models_name_version", ["name", "version"])
          .execute();
        await db.schema
          .createTable("lineage_model_runs")
          .addColumn("model_id", "text", (c) => c.notNull())
          .addColumn("run_id", "text", (c) => c.notNull())
          .addPrimaryKeyConstraint("lineage_model_runs_pk", ["model_id", "run_id"])
          .execute();
        await db.schema
          .createIndex("lineage_model_runs_run")
          .on("lineage_model_runs")
          .column("run_id")
          .execute();
        await db.schema
          .createTable("lineage_triggers")
          .addColumn("seq", serial, (c) => c.primaryKey())
          .addColumn("trigger_key", "text", (c) => c.notNull().unique())
          .addColumn("member_id", "text", (c) => c.notNull())
          .addColumn("purpose", "text", (c) => c.notNull())
          .addColumn("at", "bigint", (c) => c.notNull())
          .addColumn("prev_at", "bigint")
          .addColumn("source", "text", (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex("lineage_triggers_member")
          .on("lineage_triggers")
          .column("member_id")
          .execute();
        await db.schema
          .createTable("lineage_consent_last")
          .addColumn("member_id", "text", (c) => c.notNull())
          .addColumn("purpose", "text", (c) => c.notNull())
          .addColumn("last_at", "bigint", (c) => c.notNull())
          .addColumn("last_choice", "text", (c) => c.notNull())
          .addColumn("last_trigger_at", "bigint")
          .addPrimaryKeyConstraint("lineage_consent_last_pk", ["member_id", "purpose"])
          .execute();
        // Obligations can number millions after an opt-out wave (members x runs), so a row
        // is two integers (trigger, run) plus its status; ids and dates come from the joins.
        await db.schema
          .createTable("lineage_obligations")
          .addColumn("id", serial, (c) => c.primaryKey())
          .addColumn("trigger_seq", "integer", (c) => c.notNull())
          .addColumn("run_seq", "integer", (c) => c.notNull())
          .addColumn("created_at", "bigint", (c) => c.notNull())
          .addColumn("status", "text", (c) => c.notNull())
          .addColumn("reason", "text")
          .addColumn("resolved_at", "bigint")
          .addUniqueConstraint("lineage_obligations_key", ["trigger_seq", "run_seq"])
          .execute();
        await db.schema
          .createIndex("lineage_obligations_status")
          .on("lineage_obligations")
          .columns(["status", "id"])
          .execute();
        await db.schema
          .createIndex("lineage_obligations_run")
          .on("lineage_obligations")
          .column("run_seq")
          .execute();
        await db.schema
          .createTable("lineage_cursors")
          .addColumn("name", "text", (c) => c.primaryKey())
          .addColumn("cursor", "text")
          .execute();
      },
      async down(db: Kysely<unknown>): Promise<void> {
        for (const t of [
          "lineage_cursors",
          "lineage_obligations",
          "lineage_consent_last",
          "lineage_triggers",
          "lineage_model_runs",
          "lineage_models",
          "lineage_item_ids",
          "lineage_member_ids",
          "lineage_runs",
        ]) {
          await sql`drop table if exists ${sql.table(t)}`.execute(db);
        }
      },
    },
    // An opt-out wave of 100,000 members over 100 runs opens ~6 million obligations; one row
    // each made storing them the wave's cost (27 s of 36 s). Obligations are now stored as
    // sets (one run, a Roaring bitmap of trigger seqs, a block of ids) and only resolutions
    // are rows. Existing obligations keep their ids and statuses.
    "0002_obligation_sets": {
      up: (db: Kysely<unknown>) =>
        atomically(db, dialect, async () => {
          await db.schema
            .createTable("lineage_obligation_sets")
            .ifNotExists()
            .addColumn("first_id", "bigint", (c) => c.primaryKey())
            .addColumn("run_seq", "integer", (c) => c.notNull())
            .addColumn("size", "integer", (c) => c.notNull())
            .addColumn("min_trigger_seq", "integer", (c) => c.notNull())
            .addColumn("max_trigger_seq", "integer", (c) => c.notNull())
            .addColumn("created_at", "bigint", (c) => c.notNull())
            .addColumn("trigger_seqs", blob, (c) => c.notNull())
            .execute();
          await db.schema
            .createIndex("lineage_obligation_sets_run")
            .ifNotExists()
            .on("lineage_obligation_sets")
            .columns(["run_seq", "max_trigger_seq"])
            .execute();
          await db.schema
            .createIndex("lineage_obligation_sets_triggers")
            .ifNotExists()
            .on("lineage_obligation_sets")
            .columns(["min_trigger_seq", "max_trigger_seq"])
            .execute();
          await db.schema
            .createTable("lineage_obligation_resolutions")
            .ifNotExists()
            .addColumn("id", "bigint", (c) => c.primaryKey())
            .addColumn("run_seq", "integer", (c) => c.notNull())
            .addColumn("trigger_seq", "integer", (c) => c.notNull())
            .addColumn("created_at", "bigint", (c) => c.notNull())
            .addColumn("status", "text", (c) => c.notNull())
            .addColumn("reason", "text", (c) => c.notNull())
            .addColumn("resolved_at", "bigint", (c) => c.notNull())
            .execute();
          await db.schema
            .createIndex("lineage_obligation_resolutions_status")
            .ifNotExists()
            .on("lineage_obligation_resolutions")
            .columns(["status", "id"])
            .execute();
          await db.schema
            .createIndex("lineage_obligation_resolutions_trigger")
            .ifNotExists()
            .on("lineage_obligation_resolutions")
            .column("trigger_seq")
            .execute();
          // Applied but not recorded (SQLite records a migration after it, outside its
          // transaction): the old table is gone and there is nothing left to do.
          if (!(await tableExists(db, dialect, "lineage_obligations"))) return;
          await copyObligationRows(
            db.withTables<LineageTables & { lineage_obligations: OldRow }>(),
          );
          await sql`drop table lineage_obligations`.execute(db);
        }),
      async down(): Promise<void> {
        throw new TrainGateError(
          "TG_E_INTERNAL",
          "lineage migration 0002_obligation_sets cannot be undone (restore a backup instead)",
        );
      },
    },
  };
}

/**
 * Runs a migration's body in one transaction. Kysely wraps each migration in one on
 * PostgreSQL but not on SQLite (its adapter says DDL is not transactional, though SQLite's
 * is), where a crash mid-copy would leave half a migration behind; so SQLite gets its own.
 */
async function atomically(
  db: Kysely<unknown>,
  dialect: LineageDialect,
  body: () => Promise<void>,
): Promise<void> {
  if (dialect === "postgres") return body();
  await sql`begin immediate`.execute(db);
  try {
    await body();
    await sql`commit`.execute(db);
  } catch (e) {
    await sql`rollback`.execute(db);
    throw e;
  }
}

async function tableExists(
  db: Kysely<unknown>,
  dialect: LineageDialect,
  table: string,
): Promise<boolean> {
  const { rows } =
    dialect === "postgres"
      ? await sql<{ t: string | null }>`select to_regclass(${table})::text as t`.execute(db)
      : await sql<{
          t: string | null;
        }>`select name as t from sqlite_master where type = 'table' and name = ${table}`.execute(
          db,
        );
  return rows.length > 0 && rows[0]!.t !== null;
}

/** A row of the table migration 0001 created for obligations (one row per obligation). */
interface OldRow {
  id: number;
  trigger_seq: number;
  run_seq: number;
  created_at: number | string;
  status: string;
  reason: string | null;
  resolved_at: number | string | null;
}

/**
 * Moves the rows of 0001's `lineage_obligations` into sets, keeping every id: a run of rows
 * with consecutive ids, the same run and creation instant and rising trigger seqs becomes one
 * set; a closed row also becomes a resolution.
 */
async function copyObligationRows(
  db: Kysely<LineageTables & { lineage_obligations: OldRow }>,
): Promise<void> {
  let after = 0;
  let group: OldRow[] = [];
  const flush = async () => {
    const first = group[0];
    if (first === undefined) return;
    const seqs = group.map((r) => Number(r.trigger_seq));
    await db
      .insertInto("lineage_obligation_sets")
      .values({
        first_id: Number(first.id),
        run_seq: Number(first.run_seq),
        size: group.length,
        min_trigger_seq: seqs[0]!,
        max_trigger_seq: seqs[seqs.length - 1]!,
        created_at: Number(first.created_at),
        trigger_seqs: writeBitmap(seqs),
      })
      .execute();
    group = [];
  };
  for (;;) {
    const rows = await db
      .selectFrom("lineage_obligations")
      .selectAll()
      .where("id", ">", after)
      .orderBy("id")
      .limit(10_000)
      .execute();
    if (rows.length === 0) break;
    for (const r of rows) {
      const last = group[group.length - 1];
      const extends_ =
        last !== undefined &&
        Number(r.id) === Number(last.id) + 1 &&
        Number(r.run_seq) === Number(last.run_seq) &&
        Number(r.created_at) === Number(last.created_at) &&
        Number(r.trigger_seq) > Number(last.trigger_seq);
      if (!extends_) await flush();
      group.push(r);
    }
    const closed = rows.filter((r) => r.status !== "open");
    // 2,000 rows x 7 values stays under SQLite's 32,766 bound parameters.
    for (let i = 0; i < closed.length; i += 2000)
      await db
        .insertInto("lineage_obligation_resolutions")
        .values(
          closed.slice(i, i + 2000).map((r) => ({
            id: Number(r.id),
            run_seq: Number(r.run_seq),
            trigger_seq: Number(r.trigger_seq),
            created_at: Number(r.created_at),
            status: r.status,
            reason: r.reason ?? "",
            resolved_at: Number(r.resolved_at ?? r.created_at),
          })),
        )
        .execute();
    after = Number(rows[rows.length - 1]!.id);
  }
  await flush();
}

/** The lineage migrations by name, oldest first. */
export const LINEAGE_MIGRATIONS = ["0001_lineage", "0002_obligation_sets"] as const;

/**
 * Brings the lineage tables of `db` to the latest version (or to `target`, used by tests to
 * build a database as an older release left it). Idempotent; safe to call on every open.
 * Fails with TG_E_INTERNAL naming the migration when one fails.
 */
export async function migrateLineage(
  db: Kysely<unknown>,
  dialect: LineageDialect,
  target?: (typeof LINEAGE_MIGRATIONS)[number],
): Promise<void> {
  // Kysely looks for its migration tables in every schema unless told which: with several
  // TrainGate schemas in one PostgreSQL database it would find another's and skip creating ours.
  const schema =
    dialect === "postgres"
      ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s
      : undefined;
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations(dialect) },
    migrationTableName: "lineage_migration",
    migrationLockTableName: "lineage_migration_lock",
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  });
  const { error, results } =
    target === undefined ? await migrator.migrateToLatest() : await migrator.migrateTo(target);
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "(unknown)";
    throw new TrainGateError(
      "TG_E_INTERNAL",
      `lineage migration ${failed} failed: ${(error as Error).message ?? String(error)}`,
      { migration: failed },
    );
  }
}
