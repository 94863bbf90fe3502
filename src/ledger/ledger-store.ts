/**
 * The consent ledger's one interface. Every backend (SQLite embedded, PostgreSQL production)
 * implements `LedgerStore` with the same behaviour, checked by one shared test suite.
 *
 * Data flow: member action -> `appendEvents` (event row + projection + audit entry, one
 * transaction) -> `currentState` / `history` / `changesAfter` (the partner feed) and
 * `iterateEvents` (builds). Instants are epoch MICROSECONDS (numbers), like the policy core.
 *
 * Invariants every backend keeps:
 * - consent events are never updated or deleted (a database trigger rejects it); an erasure
 *   appends a tombstone per purpose and removes the member's personal data kept beside the
 *   events (request metadata, notices, acceptances, country), see docs/ledger.md;
 * - the projection (`currentState`) is updated in the same transaction as the events;
 *   the state of (member, purpose) is its event with the latest `at`, and on a tie `deny` wins;
 * - feed positions are visible in commit order: a cursor never skips a row that commits later;
 * - every member change and admin action appends a hash-chained audit entry in the same
 *   transaction as the change it records.
 */
import { z } from "zod";
import { CHOICES, type Choice, PURPOSE_PATTERN, SOURCES, type Source } from "../policy/domain.js";

/** Epoch microseconds as stored: a safe integer. */
const instantSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/**
 * A member id as the platform gives it. Control characters are refused on every backend:
 * PostgreSQL cannot store NUL, and the two backends must accept the same ids.
 */
export const memberIdSchema = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[^\u0000-\u001f\u007f]+$/, { error: "member id must not contain control characters" });

/** A consent event to append (contract §1 columns; `gpc` is always a deny). */
export const newConsentEventSchema = z
  .object({
    memberId: memberIdSchema,
    purpose: z.string().regex(PURPOSE_PATTERN),
    choice: z.enum(CHOICES),
    at: instantSchema,
    source: z.enum(SOURCES),
  })
  .refine((e) => e.source !== "gpc" || e.choice === "deny", {
    error: "a gpc event is always a deny",
  });
export type NewConsentEvent = z.infer<typeof newConsentEventSchema>;

/** Who is writing and on behalf of which request; `actor` is e.g. `member:m1`, `key:k1`, `cli`. */
export const writeContextSchema = z.object({
  actor: z.string().min(1).max(256),
  requestId: z.string().min(1).max(256).nullable(),
});
export type WriteContext = z.infer<typeof writeContextSchema>;

/** A consent event as stored, with its feed position. */
export interface StoredConsentEvent {
  /** Unique id: random for API writes, derived from the row content for imports. */
  readonly id: string;
  /** Feed position: strictly increasing in commit order (gaps are possible). */
  readonly position: number;
  readonly memberId: string;
  readonly purpose: string;
  readonly choice: Choice;
  /** When the member made the choice (µs). */
  readonly at: number;
  readonly source: Source;
  /** When the ledger committed it (µs, from the store's clock). */
  readonly recordedAt: number;
  /** Request that wrote it; null for imports and after an erasure. */
  readonly requestId: string | null;
  /** Who wrote it; null for imports (see the import's audit entry) and after an erasure. */
  readonly actor: string | null;
  /** True for the deny an erasure appends; such a member can never be allowed again. */
  readonly tombstone: boolean;
}

/** The projection: current state of one (member, purpose). */
export interface ConsentStateRow {
  readonly memberId: string;
  readonly purpose: string;
  readonly choice: Choice;
  readonly at: number;
  readonly source: Source;
  /** Position of the event that decided this state. */
  readonly position: number;
  readonly erased: boolean;
}

/** One page of the partner feed. `nextCursor` is opaque; pass it back as `after`. */
export interface FeedPage {
  readonly events: readonly StoredConsentEvent[];
  readonly nextCursor: string;
}

/** A member as the ledger keeps it: only what region aggregates and explanations need. */
export const ledgerMemberSchema = z.object({
  id: memberIdSchema,
  /** As given by the export; null when unknown (and after an erasure). */
  country: z.string().max(8).nullable(),
});
export type LedgerMember = z.infer<typeof ledgerMemberSchema>;

/** A member row read back, with its erasure instant when erased. */
export interface StoredMember extends LedgerMember {
  readonly erasedAt: number | null;
}

/** A member's directory row and current states, read together (`memberView`). */
export interface MemberView {
  readonly member: StoredMember | null;
  readonly states: ConsentStateRow[];
}

/** Outcome of a bulk import. */
export interface ImportResult {
  /** Rows read. */
  readonly rows: number;
  /** Events newly stored. */
  readonly inserted: number;
  /** Rows already in the ledger (same content), skipped: re-importing a file adds nothing. */
  readonly duplicates: number;
  /** Rows of erased members, skipped: an erasure is never undone by an import. */
  readonly erased: number;
  /** Highest feed position after the import. */
  readonly lastPosition: number;
}

/** Kinds of policy documents. */
export const DOCUMENT_KINDS = ["privacy_policy", "user_agreement"] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** A policy document version to publish. Its id is `${kind}-${version}`. */
export const newPolicyDocumentSchema = z
  .object({
    kind: z.enum(DOCUMENT_KINDS),
    version: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/),
    title: z.string().min(1).max(512),
    body: z.string().min(1).max(1_000_000),
    publishedAt: instantSchema,
    effectiveAt: instantSchema,
  })
  .refine((d) => d.effectiveAt >= d.publishedAt, {
    error: "effectiveAt must not be before publishedAt",
  });
export type NewPolicyDocument = z.infer<typeof newPolicyDocumentSchema>;

/** A published policy document. */
export interface PolicyDocument extends NewPolicyDocument {
  readonly id: string;
}

/** How a member accepted a document. */
export type AcceptanceKind = "explicit" | "continued_use";

/** What a member was shown and accepted, per document. */
export interface MemberNotice {
  readonly document: PolicyDocument;
  /** First time the member was shown it (µs), or null. */
  readonly notifiedAt: number | null;
  readonly acceptedAt: number | null;
  readonly acceptance: AcceptanceKind | null;
}

/** An acceptance just recorded. */
export interface Acceptance {
  readonly memberId: string;
  readonly documentId: string;
  readonly at: number;
  readonly kind: AcceptanceKind;
}

/** Result of an erasure. */
export interface ErasureResult {
  readonly memberId: string;
  readonly erasedAt: number;
  /** The tombstone denies appended, one per purpose. */
  readonly tombstones: readonly StoredConsentEvent[];
  /** Rows of personal data removed beside the events. */
  readonly removed: {
    readonly eventContexts: number;
    readonly notices: number;
    /** Stored idempotent responses of the member's own requests (scope `member:<id>`). */
    readonly idempotentResponses: number;
  };
}

/** An audit entry to append. `details` must be JSON (canonicalised for hashing). */
export const newAuditEntrySchema = z.object({
  actor: z.string().min(1).max(256),
  action: z.string().regex(/^[a-z][a-z0-9_.]{0,63}$/),
  subject: z.string().max(512).nullable(),
  requestId: z.string().max(256).nullable(),
  details: z.record(z.string(), z.json()),
});
export type NewAuditEntry = z.infer<typeof newAuditEntrySchema>;

/** An audit entry as stored: `entryHash = sha256(prevHash + canonical JSON of the rest)`. */
export interface AuditEntry extends NewAuditEntry {
  /** 1, 2, 3, ... with no gaps. */
  readonly seq: number;
  readonly at: number;
  readonly prevHash: string;
  readonly entryHash: string;
}

/** Result of `verifyAudit`. `head` is the last entry's hash: keep it elsewhere to detect truncation. */
export type AuditVerification =
  | { readonly ok: true; readonly entries: number; readonly head: string }
  | {
      readonly ok: false;
      readonly entries: number;
      /** The first entry that does not verify (or the seq where one is missing). */
      readonly brokenSeq: number;
      readonly problem: string;
    };

/** A stored idempotent response. */
export const idempotencyRecordSchema = z.object({
  /** Who used the key (e.g. `member:m1`, `key:k1`): keys are per subject. */
  scope: z.string().min(1).max(256),
  key: z.string().min(1).max(256),
  /** sha256 of method, path and body: another body with the same key is a conflict. */
  requestHash: z.string().min(1).max(128),
  status: z.number().int().min(100).max(599),
  body: z.json(),
  createdAt: instantSchema,
});
export type IdempotencyRecord = z.infer<typeof idempotencyRecordSchema>;

/** What `appendEvents` should store with the events, in the same transaction. */
export interface IdempotencyWrite {
  readonly scope: string;
  readonly key: string;
  readonly requestHash: string;
  /** Builds the response from the stored events (runs inside the transaction; keep it pure). */
  readonly response: (events: readonly StoredConsentEvent[]) => {
    status: number;
    body: z.infer<ReturnType<typeof z.json>>;
  };
}

/** One request of a group commit (`appendBatch`): what one `appendEvents` call would take. */
export interface AppendRequest {
  readonly events: readonly NewConsentEvent[];
  readonly ctx: WriteContext;
  readonly idempotency?: IdempotencyWrite | undefined;
}

/** API key roles. */
export const ROLES = ["privacy_admin", "ml_engineer", "auditor", "partner"] as const;
export type Role = (typeof ROLES)[number];

/** An API key to store: only a hash of the secret, never the secret. */
export const newApiKeySchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9]{4,64}$/),
  /** sha256 hex of the secret part of `tgk_<id>_<secret>`. */
  secretHash: z.string().regex(/^[0-9a-f]{64}$/),
  roles: z.array(z.enum(ROLES)).min(1),
  label: z.string().max(256),
});
export type NewApiKey = z.infer<typeof newApiKeySchema>;

/** A stored API key. */
export interface ApiKeyRecord extends NewApiKey {
  readonly createdAt: number;
  readonly revokedAt: number | null;
}

/** A partner webhook endpoint and how far its deliveries got. */
export const newWebhookSchema = z.object({
  /** The partner's API key id. */
  owner: z.string().min(1).max(64),
  url: z.url({ protocol: /^https?$/ }),
  /** HMAC secret for `X-TrainGate-Signature`. */
  secret: z.string().min(16).max(256),
});
export type NewWebhook = z.infer<typeof newWebhookSchema>;

/** A stored webhook. `cursor` is the feed cursor after the last acknowledged delivery. */
export interface WebhookRecord extends NewWebhook {
  readonly id: string;
  readonly cursor: string;
  readonly createdAt: number;
}

/** One cell of the opt-out aggregate. */
export interface OptOutStat {
  /** `YYYY-MM` (UTC): the state at the end of that month. */
  readonly month: string;
  /** EEA, CH, GB, REST, or `unknown` (no member row or no valid country). */
  readonly region: string;
  readonly purpose: string;
  /** Members of that region with any event for the purpose by the end of the month. */
  readonly members: number;
  /** Of those, members whose state is deny. */
  readonly optedOut: number;
  /** optedOut / members. */
  readonly rate: number;
}

/** Counts for `traingate ledger status`. */
export interface LedgerStatus {
  readonly backend: "sqlite" | "postgres";
  readonly schemaVersion: string;
  readonly events: number;
  readonly members: number;
  readonly states: number;
  readonly erasedMembers: number;
  readonly documents: number;
  readonly auditEntries: number;
  readonly lastPosition: number;
}

/** The consent ledger. Every method is atomic; see the module comment for invariants. */
export interface LedgerStore {
  readonly backend: "sqlite" | "postgres";

  /** Applies pending migrations (a no-op when up to date); returns the names applied. */
  migrate(): Promise<readonly string[]>;
  /** Releases connections. The store is unusable afterwards. */
  close(): Promise<void>;

  /** Inserts or updates members (id, country). Erased members keep a null country. */
  upsertMembers(members: readonly LedgerMember[]): Promise<number>;
  /** One member, or null. */
  getMember(memberId: string): Promise<StoredMember | null>;
  /** The members among `memberIds` that exist, by id (one query per 1,000 ids). */
  getMembers(memberIds: readonly string[]): Promise<Map<string, StoredMember>>;

  /**
   * Appends events in one transaction: the rows, the projection, one audit entry per event
   * (`consent.append`), and the idempotent response when given. Throws `TG_E_CONFLICT` for an
   * erased member (nothing is written). Events are stored in the given order. Batch concurrent
   * requests into one call to share a commit (group commit).
   */
  appendEvents(
    events: readonly NewConsentEvent[],
    ctx: WriteContext,
    idempotency?: IdempotencyWrite,
  ): Promise<StoredConsentEvent[]>;
  /**
   * Group commit: the requests of several concurrent callers in ONE transaction (one durable
   * commit), each written exactly as its own `appendEvents` would write it (rows, projection,
   * audit entries, idempotent response), in the given order. All or nothing: when any request
   * fails (an erased member, an idempotency key already used) nothing is written and its error
   * is thrown; the caller then retries the requests one by one with `appendEvents` so each
   * gets its own outcome. Returns each request's stored events, in request order.
   */
  appendBatch(requests: readonly AppendRequest[]): Promise<StoredConsentEvent[][]>;
  /**
   * Streams events into the ledger in ONE transaction: if the iterable throws (a bad row),
   * nothing is imported. Idempotent: an event whose content (member, purpose, choice, at,
   * source) is already stored is skipped. Appends one `consent.import` audit entry.
   */
  importEvents(
    events: AsyncIterable<NewConsentEvent> | Iterable<NewConsentEvent>,
    ctx: WriteContext & { readonly label: string },
  ): Promise<ImportResult>;

  /** The member's current state per purpose (projection), sorted by purpose. */
  currentState(memberId: string): Promise<ConsentStateRow[]>;

  /**
   * The member's directory row (null when unknown) and current state per purpose, in one
   * query: what a settings page needs, read as one snapshot.
   */
  memberView(memberId: string): Promise<MemberView>;
  /** The member's events, newest first (`at` desc, then position desc). */
  history(memberId: string): Promise<StoredConsentEvent[]>;
  /** Every event in position order, read in pages (for builds and exports). */
  iterateEvents(): AsyncIterable<StoredConsentEvent>;
  /**
   * Events after `cursor` (null: from the start) in commit order, at most `limit` (1..10000).
   * Resuming from `nextCursor` misses nothing and repeats nothing. Throws `TG_E_USAGE` for a
   * malformed cursor.
   */
  changesAfter(cursor: string | null, limit: number): Promise<FeedPage>;

  /** Publishes a document version (audited). Throws `TG_E_CONFLICT` if the id exists. */
  publishDocument(doc: NewPolicyDocument, ctx: WriteContext): Promise<PolicyDocument>;
  /** Documents published at or before `publishedBy` (all when omitted), newest effective first. */
  listDocuments(publishedBy?: number): Promise<PolicyDocument[]>;
  /** One document, or null. */
  getDocument(id: string): Promise<PolicyDocument | null>;
  /** Records that the member was shown a document; the first time is kept. */
  recordNotice(memberId: string, documentId: string, at: number): Promise<void>;
  /** Records an explicit acceptance (audited); accepting twice keeps the first. */
  acceptDocument(
    memberId: string,
    documentId: string,
    at: number,
    ctx: WriteContext,
  ): Promise<Acceptance>;
  /**
   * Continued use: a member request at `at` accepts every document published and in effect
   * by `at` (effectiveAt <= at) that the member has not accepted yet. Call it on every
   * authenticated member request. Returns the acceptances it created (audited).
   */
  recordContinuedUse(memberId: string, at: number): Promise<Acceptance[]>;
  /** Every document published by `at` with the member's notice and acceptance. */
  memberNotices(memberId: string, at: number): Promise<MemberNotice[]>;

  /**
   * GDPR art. 17 erasure (audited, one transaction): appends a tombstone deny per purpose the
   * ledger knows, removes request metadata, notices, acceptances, the member's stored
   * idempotent responses (scope `member:<id>`) and the country, and marks
   * the member erased so later appends fail. Erasing twice throws `TG_E_CONFLICT`.
   */
  eraseMember(memberId: string, reason: string, ctx: WriteContext): Promise<ErasureResult>;
  /** Ids of every erased member. */
  erasedMembers(): Promise<string[]>;

  /** Appends an audit entry for an action made outside the ledger (e.g. obligations). */
  appendAudit(entry: NewAuditEntry): Promise<AuditEntry>;
  /** Audit entries with seq > afterSeq, ascending, at most `limit`. */
  auditEntries(afterSeq: number, limit: number): Promise<AuditEntry[]>;
  /** Recomputes the whole chain; reports the first edited, missing or reordered entry. */
  verifyAudit(): Promise<AuditVerification>;

  /** The stored response for (scope, key), or null. */
  getIdempotency(scope: string, key: string): Promise<IdempotencyRecord | null>;
  /** Stores a response; if (scope, key) is already stored, returns the stored one unchanged. */
  saveIdempotency(record: IdempotencyRecord): Promise<IdempotencyRecord>;

  /** Stores an API key (audited). Throws `TG_E_CONFLICT` if the id exists. */
  createApiKey(key: NewApiKey, ctx: WriteContext): Promise<ApiKeyRecord>;
  /** One API key by id (revoked ones too: check `revokedAt`), or null. */
  findApiKey(id: string): Promise<ApiKeyRecord | null>;
  /** Every API key. */
  listApiKeys(): Promise<ApiKeyRecord[]>;
  /** Revokes a key (audited). Throws `TG_E_NOT_FOUND` for an unknown id. */
  revokeApiKey(id: string, ctx: WriteContext): Promise<void>;

  /** Registers a partner webhook starting at `cursor` (audited). */
  registerWebhook(hook: NewWebhook, cursor: string, ctx: WriteContext): Promise<WebhookRecord>;
  /** Every webhook. */
  listWebhooks(): Promise<WebhookRecord[]>;
  /** Moves a webhook's cursor after an acknowledged delivery. */
  advanceWebhook(id: string, cursor: string): Promise<void>;

  /** Opt-out rate by month, region and purpose, from the first event's month to `until`'s. */
  optOutStats(until: number): Promise<OptOutStat[]>;
  /** Counts for status displays. */
  status(): Promise<LedgerStatus>;
}
