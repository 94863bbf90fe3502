/**
 * The ledger schema on SQLite, as versioned Kysely migrations. SQLite has one writer at a
 * time, so `position` (an AUTOINCREMENT rowid alias) is assigned in commit order and never
 * reused. Ids are unique per member, `(member_id, id)`: one index serves both idempotent
 * imports and a member's history, so an insert maintains one random-order index, not two.
 * Triggers make the events and the audit log append-only.
 */
import { type Kysely, type Migration, sql } from "kysely";
import { createSharedTables } from "../ledger-schema.js";

/** Migrations by name; names sort in the order they apply. */
export const SQLITE_MIGRATIONS: Readonly<Record<string, Migration>> = {
  "0001_ledger": {
    async up(db: Kysely<unknown>): Promise<void> {
      await sql`create table ledger_events (
        position integer primary key autoincrement,
        id text not null,
        member_id text not null,
        purpose text not null,
        choice text not null check (choice in ('allow', 'deny')),
        at integer not null,
        source text not null,
        recorded_at integer not null,
        tombstone integer not null default 0 check (tombstone in (0, 1)),
        unique (member_id, id)
      )`.execute(db);
      await createSharedTables(db, "integer", (t) => t.modifyEnd(sql`without rowid`));
      for (const table of ["ledger_events", "ledger_audit"]) {
        for (const op of ["update", "delete"]) {
          await sql`create trigger ${sql.raw(`${table}_no_${op}`)} before ${sql.raw(op)} on ${sql.raw(table)}
            begin select raise(abort, ${sql.lit(`${table} is append-only: its rows are never updated or deleted`)}); end`.execute(
            db,
          );
        }
      }
    },
  },
};
