/**
 * The ledger schema on PostgreSQL, as versioned Kysely migrations.
 *
 * `ledger_events` is `PARTITION BY HASH (member_id)` into 8 partitions: a member's history,
 * state lookups and erasure touch one partition, and bulk imports spread over all eight.
 * PostgreSQL requires every unique key of a partitioned table to include the partition key,
 * hence the keys (position, member_id) and (member_id, id). The primary key leads with
 * `position`, so the feed scans it through per-partition indexes merged in order (Merge
 * Append) and an import maintains two indexes per row, not three.
 *
 * Positions come from a sequence, which assigns at insert, not at commit; the store takes a
 * transaction-level advisory lock before inserting so positions still become visible in
 * commit order (see postgres-ledger-store.ts). Triggers make events and audit append-only.
 */
import { type Kysely, type Migration, sql } from "kysely";
import { createSharedTables } from "../ledger-schema.js";

/** Number of hash partitions of `ledger_events`. */
export const EVENT_PARTITIONS = 8;

/** Migrations by name; names sort in the order they apply. */
export const POSTGRES_MIGRATIONS: Readonly<Record<string, Migration>> = {
  "0001_ledger": {
    async up(db: Kysely<unknown>): Promise<void> {
      await sql`create sequence ledger_event_position`.execute(db);
      await sql`create table ledger_events (
        position bigint not null default nextval('ledger_event_position'),
        id text not null,
        member_id text not null,
        purpose text not null,
        choice text not null check (choice in ('allow', 'deny')),
        at bigint not null,
        source text not null,
        recorded_at bigint not null,
        tombstone integer not null default 0 check (tombstone in (0, 1)),
        primary key (position, member_id),
        unique (member_id, id)
      ) partition by hash (member_id)`.execute(db);
      for (let i = 0; i < EVENT_PARTITIONS; i++) {
        await sql`create table ${sql.raw(`ledger_events_p${i}`)} partition of ledger_events
          for values with (modulus ${sql.raw(String(EVENT_PARTITIONS))}, remainder ${sql.raw(String(i))})`.execute(
          db,
        );
      }
      await sql`create function ledger_reject_change() returns trigger language plpgsql as $$
        begin
          raise exception '% is append-only: its rows are never updated or deleted', tg_table_name
            using errcode = 'restrict_violation';
        end $$`.execute(db);
      await sql`create trigger ledger_events_append_only before update or delete on ledger_events
        for each row execute function ledger_reject_change()`.execute(db);
      await sql`create trigger ledger_events_no_truncate before truncate on ledger_events
        for each statement execute function ledger_reject_change()`.execute(db);
      await createSharedTables(db, "bigint");
      await sql`create trigger ledger_audit_append_only before update or delete on ledger_audit
        for each row execute function ledger_reject_change()`.execute(db);
      await sql`create trigger ledger_audit_no_truncate before truncate on ledger_audit
        for each statement execute function ledger_reject_change()`.execute(db);
    },
  },
};
