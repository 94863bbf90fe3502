/**
 * The ledger's tables as Kysely sees them, shared by both backends. Every name starts with
 * `ledger_` so the ledger can share a database with lineage without collisions. Instants are
 * epoch microseconds in `bigint` columns (SQLite `integer`); flags are 0/1 integers so the
 * same code reads both backends.
 */
import type { Generated } from "kysely";

/** Append-only consent events (never updated or deleted; a trigger rejects it). */
export interface EventTable {
  /** Feed position, assigned at insert in commit order (see each backend). */
  position: Generated<number>;
  id: string;
  member_id: string;
  purpose: string;
  choice: string;
  at: number;
  source: string;
  recorded_at: number;
  tombstone: number;
}

/** Request metadata of an event: personal data, so kept beside the events and erasable. */
export interface EventContextTable {
  event_id: string;
  member_id: string;
  request_id: string | null;
  actor: string | null;
}

/** The projection: one row per (member, purpose). */
export interface StateTable {
  member_id: string;
  purpose: string;
  choice: string;
  at: number;
  source: string;
  position: number;
  erased: number;
}

/** Members, minimally: id and country. */
export interface MemberTable {
  id: string;
  country: string | null;
  erased_at: number | null;
}

/** One row per erased member; its presence blocks every later append for that member. */
export interface ErasureTable {
  member_id: string;
  erased_at: number;
  reason: string;
}

/** Published policy documents. */
export interface DocumentTable {
  id: string;
  kind: string;
  version: string;
  title: string;
  body: string;
  published_at: number;
  effective_at: number;
}

/** Per member and document: when shown, when and how accepted. */
export interface NoticeTable {
  member_id: string;
  document_id: string;
  notified_at: number | null;
  accepted_at: number | null;
  acceptance: string | null;
}

/** The hash-chained audit log (append-only; a trigger rejects updates and deletes). */
export interface AuditTable {
  seq: number;
  at: number;
  actor: string;
  action: string;
  subject: string | null;
  request_id: string | null;
  /** Canonical JSON of the details object. */
  details: string;
  prev_hash: string;
  entry_hash: string;
}

/** Stored idempotent responses. */
export interface IdempotencyTable {
  scope: string;
  key: string;
  request_hash: string;
  status: number;
  body: string;
  created_at: number;
}

/** API keys: only the secret's hash. */
export interface ApiKeyTable {
  id: string;
  secret_hash: string;
  /** JSON array of roles. */
  roles: string;
  label: string;
  created_at: number;
  revoked_at: number | null;
}

/** Partner webhooks with their delivery cursor. */
export interface WebhookTable {
  id: string;
  owner: string;
  url: string;
  secret: string;
  cursor: string;
  created_at: number;
}

/** The whole ledger schema. */
export interface LedgerTables {
  ledger_events: EventTable;
  ledger_event_context: EventContextTable;
  ledger_state: StateTable;
  ledger_members: MemberTable;
  ledger_erasures: ErasureTable;
  ledger_documents: DocumentTable;
  ledger_notices: NoticeTable;
  ledger_audit: AuditTable;
  ledger_idempotency: IdempotencyTable;
  ledger_api_keys: ApiKeyTable;
  ledger_webhooks: WebhookTable;
}

/** The name of the migration bookkeeping tables (kept apart from lineage's). */
export const LEDGER_MIGRATION_TABLE = "ledger_migration";
export const LEDGER_MIGRATION_LOCK_TABLE = "ledger_migration_lock";
