/**
 * The lineage tables as Kysely sees them. They live in the ledger's database (SQLite or
 * PostgreSQL, same schema) beside the ledger's own tables, under their own migration table.
 * Instants are epoch microseconds; PostgreSQL returns `bigint` columns as strings, so every
 * reader converts with `Number()`.
 */
import type { Generated } from "kysely";

/** A bigint column: a number going in, a number (SQLite) or a string (pg) coming out. */
export type BigIntColumn = number | string;

/** One registered build run. */
export interface RunsTable {
  seq: Generated<number>;
  run_id: string;
  purpose: string;
  as_of: BigIntColumn;
  registered_at: BigIntColumn;
  policy_name: string;
  policy_sha256: string;
  merkle_root: string;
  output_path: string;
  output_sha256: string;
  counts_input: number;
  counts_included: number;
  members_count: number;
  items_count: number;
  /** Included members whose consent state at as-of was `allow` (explicit). */
  members_allow: number;
  /** Included members who never chose (defaulted in under opt_out). */
  members_none: number;
  /** The manifest exactly as the build wrote it (JSON text). */
  manifest: string;
  /** Optional per-region counts the build passed (JSON text), or null. */
  regions: string | null;
  /** Portable Roaring serialisation of the dense member ids. */
  member_bitmap: Uint8Array;
  /** Portable Roaring serialisation of the dense item ids. */
  item_bitmap: Uint8Array;
}

/** The dense-id dictionaries: one integer per member id and per item id, never reused. */
export interface DenseIdTable {
  id: string;
  dense: number;
}

/** A trained model. */
export interface ModelsTable {
  model_id: string;
  name: string;
  version: string;
  registered_at: BigIntColumn;
}

/** Which runs a model was trained on. */
export interface ModelRunsTable {
  model_id: string;
  run_id: string;
}

/** A member's choice turning to deny, as seen on the ledger's change feed. */
export interface TriggersTable {
  seq: Generated<number>;
  trigger_key: string;
  member_id: string;
  purpose: string;
  at: BigIntColumn;
  /** The `at` of this member's previous trigger for the purpose (runs before it are covered). */
  prev_at: BigIntColumn | null;
  source: string;
}

/** The latest consent state per member and purpose, as the feed processor last saw it. */
export interface ConsentLastTable {
  member_id: string;
  purpose: string;
  last_at: BigIntColumn;
  last_choice: string;
  last_trigger_at: BigIntColumn | null;
}

/**
 * A set of obligations: one run (`run_seq`) and the triggers (`trigger_seqs`, a portable
 * Roaring bitmap of `lineage_triggers.seq`) of members of that run who later turned to deny.
 * Its obligations have the ids `first_id` .. `first_id + size - 1`, in trigger-seq order, so
 * an id resolves to (run, trigger) by one index seek and a bitmap `select`. Immutable once
 * written; status changes live in `lineage_obligation_resolutions`.
 */
export interface ObligationSetsTable {
  first_id: BigIntColumn;
  run_seq: number;
  size: number;
  min_trigger_seq: number;
  max_trigger_seq: number;
  created_at: BigIntColumn;
  trigger_seqs: Uint8Array;
}

/** A closed obligation (an obligation without a row here is open). */
export interface ObligationResolutionsTable {
  id: BigIntColumn;
  run_seq: number;
  trigger_seq: number;
  /** When the obligation was opened (copied from its set, for the queue's dates). */
  created_at: BigIntColumn;
  status: string;
  reason: string;
  resolved_at: BigIntColumn;
}

/** Persisted cursors of the feed processor. */
export interface CursorsTable {
  name: string;
  cursor: string | null;
}

/** Every lineage table (a type alias: Kysely's `withTables` wants an indexable record). */
export type LineageTables = {
  lineage_runs: RunsTable;
  lineage_member_ids: DenseIdTable;
  lineage_item_ids: DenseIdTable;
  lineage_models: ModelsTable;
  lineage_model_runs: ModelRunsTable;
  lineage_triggers: TriggersTable;
  lineage_consent_last: ConsentLastTable;
  lineage_obligation_sets: ObligationSetsTable;
  lineage_obligation_resolutions: ObligationResolutionsTable;
  lineage_cursors: CursorsTable;
};

/** The two backends lineage runs on. */
export type LineageDialect = "sqlite" | "postgres";
