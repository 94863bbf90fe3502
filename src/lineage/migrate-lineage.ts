/**
 * The lineage schema, as Kysely migrations kept under their own migration table
 * (`lineage_migration`) so they never interleave with the ledger's. The same migration runs
 * on SQLite and PostgreSQL; only the column types of blobs and auto-increment keys differ.
 */
import { type Kysely, type Migration, Migrator, sql } from "kysely";
import { TrainGateError } from "../errors.js";
import type { LineageDialect } from "./lineage-tables.js";

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
  };
}

/**
 * Brings the lineage tables of `db` to the latest version. Idempotent; safe to call on every
 * open. Fails with TG_E_INTERNAL naming the migration when one fails.
 */
export async function migrateLineage(db: Kysely<unknown>, dialect: LineageDialect): Promise<void> {
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
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "(unknown)";
    throw new TrainGateError(
      "TG_E_INTERNAL",
      `lineage migration ${failed} failed: ${(error as Error).message ?? String(error)}`,
      { migration: failed },
    );
  }
}
