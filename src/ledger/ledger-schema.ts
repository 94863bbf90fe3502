/**
 * The tables both backends share, written once with Kysely's schema builder. Only the integer
 * type of instants differs (`integer` is 64-bit in SQLite; PostgreSQL needs `bigint`). The
 * events table, its position and the append-only triggers are each backend's own, in its
 * migrations file.
 */
import type { CreateTableBuilder, Kysely } from "kysely";

/** Column type for epoch-µs instants and positions. */
export type WideInteger = "integer" | "bigint";

/** A backend's finishing touch for tables keyed by a composite primary key. */
export type KeyedTableOptions = (
  table: CreateTableBuilder<string, string>,
) => CreateTableBuilder<string, string>;

/**
 * Creates every ledger table except `ledger_events` (first migration of both backends).
 * `keyed` is applied to the tables with a composite primary key (SQLite makes them
 * `without rowid`: one B-tree per table instead of two).
 */
export async function createSharedTables(
  db: Kysely<unknown>,
  wide: WideInteger,
  keyed: KeyedTableOptions = (t) => t,
): Promise<void> {
  await db.schema
    .createTable("ledger_event_context")
    .addColumn("event_id", "text", (c) => c.primaryKey())
    .addColumn("member_id", "text", (c) => c.notNull())
    .addColumn("request_id", "text")
    .addColumn("actor", "text")
    .execute();
  await db.schema
    .createIndex("ledger_event_context_member")
    .on("ledger_event_context")
    .column("member_id")
    .execute();
  await db.schema
    .createTable("ledger_state")
    .addColumn("member_id", "text", (c) => c.notNull())
    .addColumn("purpose", "text", (c) => c.notNull())
    .addColumn("choice", "text", (c) => c.notNull())
    .addColumn("at", wide, (c) => c.notNull())
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("position", wide, (c) => c.notNull())
    .addColumn("erased", "integer", (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint("ledger_state_pk", ["member_id", "purpose"])
    .$call(keyed)
    .execute();
  await db.schema
    .createTable("ledger_members")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("country", "text")
    .addColumn("erased_at", wide)
    .execute();
  await db.schema
    .createTable("ledger_erasures")
    .addColumn("member_id", "text", (c) => c.primaryKey())
    .addColumn("erased_at", wide, (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("ledger_documents")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("version", "text", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("published_at", wide, (c) => c.notNull())
    .addColumn("effective_at", wide, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("ledger_notices")
    .addColumn("member_id", "text", (c) => c.notNull())
    .addColumn("document_id", "text", (c) => c.notNull().references("ledger_documents.id"))
    .addColumn("notified_at", wide)
    .addColumn("accepted_at", wide)
    .addColumn("acceptance", "text")
    .addPrimaryKeyConstraint("ledger_notices_pk", ["member_id", "document_id"])
    .$call(keyed)
    .execute();
  await db.schema
    .createTable("ledger_audit")
    .addColumn("seq", wide, (c) => c.primaryKey())
    .addColumn("at", wide, (c) => c.notNull())
    .addColumn("actor", "text", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("subject", "text")
    .addColumn("request_id", "text")
    .addColumn("details", "text", (c) => c.notNull())
    .addColumn("prev_hash", "text", (c) => c.notNull())
    .addColumn("entry_hash", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("ledger_idempotency")
    .addColumn("scope", "text", (c) => c.notNull())
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("request_hash", "text", (c) => c.notNull())
    .addColumn("status", "integer", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("created_at", wide, (c) => c.notNull())
    .addPrimaryKeyConstraint("ledger_idempotency_pk", ["scope", "key"])
    .$call(keyed)
    .execute();
  await db.schema
    .createTable("ledger_api_keys")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("secret_hash", "text", (c) => c.notNull())
    .addColumn("roles", "text", (c) => c.notNull())
    .addColumn("label", "text", (c) => c.notNull())
    .addColumn("created_at", wide, (c) => c.notNull())
    .addColumn("revoked_at", wide)
    .execute();
  await db.schema
    .createTable("ledger_webhooks")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("owner", "text", (c) => c.notNull())
    .addColumn("url", "text", (c) => c.notNull())
    .addColumn("secret", "text", (c) => c.notNull())
    .addColumn("cursor", "text", (c) => c.notNull())
    .addColumn("created_at", wide, (c) => c.notNull())
    .execute();
}
