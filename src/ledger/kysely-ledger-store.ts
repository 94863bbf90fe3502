/**
 * The dialect-agnostic ledger: every operation written once with Kysely. A backend subclasses
 * it and supplies only its quirks: how writers are serialized (`lockWrites`), how a batch of
 * events is inserted fast with positions in commit order (`insertEventRows`), its migrations
 * and its connection lifecycle.
 */
import { randomUUID } from "node:crypto";
import { type Kysely, type Migration, Migrator, sql, type Transaction } from "kysely";
import type { z } from "zod";
import { TrainGateError } from "../errors.js";
import {
  CHOICES,
  type Choice,
  KNOWN_PURPOSES,
  PURPOSE_PATTERN,
  SOURCES,
  type Source,
} from "../policy/domain.js";
import { auditEntryHash, canonicalJson, GENESIS_HASH, verifyChain } from "./audit-chain.js";
import { importEventId, randomEventId, tombstoneEventId } from "./event-id.js";
import {
  type Acceptance,
  type AcceptanceKind,
  type ApiKeyRecord,
  type AppendRequest,
  type AuditEntry,
  type AuditVerification,
  type ConsentStateRow,
  type ErasureResult,
  type FeedPage,
  type IdempotencyRecord,
  type IdempotencyWrite,
  type ImportResult,
  idempotencyRecordSchema,
  type LedgerMember,
  type LedgerStatus,
  type LedgerStore,
  ledgerMemberSchema,
  type MemberNotice,
  type MemberView,
  memberIdSchema,
  type NewApiKey,
  type NewAuditEntry,
  type NewConsentEvent,
  type NewPolicyDocument,
  type NewWebhook,
  newApiKeySchema,
  newAuditEntrySchema,
  newConsentEventSchema,
  newPolicyDocumentSchema,
  newWebhookSchema,
  type OptOutStat,
  type PolicyDocument,
  type Role,
  type StoredConsentEvent,
  type StoredMember,
  type WebhookRecord,
  type WriteContext,
  writeContextSchema,
} from "./ledger-store.js";
import type { EventTable, LedgerTables } from "./ledger-tables.js";
import { LEDGER_MIGRATION_LOCK_TABLE, LEDGER_MIGRATION_TABLE } from "./ledger-tables.js";
import { optOutStats } from "./opt-out-stats.js";

/** A write transaction on the ledger schema. */
export type LedgerTrx = Transaction<LedgerTables>;

/** An event row as inserted (position assigned by the database). */
export type EventInsert = Omit<EventTable, "position">;

/** An event row as read back. */
export type EventRow = EventInsert & { position: number };

/** Rows per multi-row statement: below SQLite's 32,766 bound parameters at 9 columns. */
const CHUNK = 1000;
/** Rows per page when streaming events or audit entries. */
const PAGE = 5000;

function chunks<T>(rows: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    const path = issue && issue.path.length > 0 ? ` at ${issue.path.join(".")}` : "";
    throw new TrainGateError("TG_E_BAD_INPUT", `${what}: ${issue?.message ?? "invalid"}${path}`, {
      issues: r.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
    });
  }
  return r.data;
}

/** The feed cursor of a position: opaque to clients, `p<position>` here. */
export function cursorOf(position: number): string {
  return `p${position}`;
}

/** The position a cursor names; throws `TG_E_USAGE` for anything that is not a cursor. */
export function positionOf(cursor: string | null): number {
  if (cursor === null || cursor === "") return 0;
  const m = /^p(\d{1,15})$/.exec(cursor);
  if (m === null) {
    throw new TrainGateError(
      "TG_E_USAGE",
      `cursor ${JSON.stringify(cursor)} is not a feed cursor; pass the next_cursor of a previous page`,
      { cursor },
    );
  }
  return Number(m[1]);
}

type EventWithContext = EventRow & { request_id: string | null; actor: string | null };

function toStored(r: EventWithContext): StoredConsentEvent {
  return {
    id: r.id,
    position: Number(r.position),
    memberId: r.member_id,
    purpose: r.purpose,
    choice: r.choice as Choice,
    at: Number(r.at),
    source: r.source as Source,
    recordedAt: Number(r.recorded_at),
    requestId: r.request_id,
    actor: r.actor,
    tombstone: Number(r.tombstone) === 1,
  };
}

/** A member row as read back. */
export function toMember(r: LedgerTables["ledger_members"]): StoredMember {
  return {
    id: r.id,
    country: r.country,
    erasedAt: r.erased_at === null ? null : Number(r.erased_at),
  };
}

function toDocument(r: LedgerTables["ledger_documents"]): PolicyDocument {
  return {
    id: r.id,
    kind: r.kind as PolicyDocument["kind"],
    version: r.version,
    title: r.title,
    body: r.body,
    publishedAt: Number(r.published_at),
    effectiveAt: Number(r.effective_at),
  };
}

function toAudit(r: LedgerTables["ledger_audit"]): AuditEntry {
  return {
    seq: Number(r.seq),
    at: Number(r.at),
    actor: r.actor,
    action: r.action,
    subject: r.subject,
    requestId: r.request_id,
    details: JSON.parse(r.details) as AuditEntry["details"],
    prevHash: r.prev_hash,
    entryHash: r.entry_hash,
  };
}

function toApiKey(r: LedgerTables["ledger_api_keys"]): ApiKeyRecord {
  return {
    id: r.id,
    secretHash: r.secret_hash,
    roles: JSON.parse(r.roles) as Role[],
    label: r.label,
    createdAt: Number(r.created_at),
    revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
  };
}

function toWebhook(r: LedgerTables["ledger_webhooks"]): WebhookRecord {
  return {
    id: r.id,
    owner: r.owner,
    url: r.url,
    secret: r.secret,
    cursor: r.cursor,
    createdAt: Number(r.created_at),
  };
}

/** True when `a` should replace `b` as the state: later `at`, or the same `at` and a deny. */
function wins(a: { at: number; choice: string }, b: { at: number; choice: string }): boolean {
  return a.at > b.at || (a.at === b.at && a.choice === "deny");
}

/** The event that decides the state of each (member, purpose) among `rows` (contract §3). */
export function latestPerKey(rows: readonly EventRow[]): EventRow[] {
  const best = new Map<string, EventRow>();
  for (const r of rows) {
    const key = `${r.member_id}\u0000${r.purpose}`;
    const b = best.get(key);
    if (b === undefined || wins(r, b)) best.set(key, r);
  }
  return [...best.values()];
}

/** The projection's upsert condition, shared by every backend's statement. */
export const STATE_WINS_SQL =
  "ledger_state.erased = 0 and (excluded.at > ledger_state.at or (excluded.at = ledger_state.at and excluded.choice = 'deny'))";

/** The stored row of an idempotent response. */
export function idempotencyRow(rec: IdempotencyRecord) {
  return {
    scope: rec.scope,
    key: rec.key,
    request_hash: rec.requestHash,
    status: rec.status,
    body: JSON.stringify(rec.body),
    created_at: rec.createdAt,
  };
}

/** The stored row of an audit entry. */
export function auditRow(e: AuditEntry) {
  return {
    seq: e.seq,
    at: e.at,
    actor: e.actor,
    action: e.action,
    subject: e.subject,
    request_id: e.requestId,
    details: canonicalJson(e.details),
    prev_hash: e.prevHash,
    entry_hash: e.entryHash,
  };
}

/** Chains `entries` after `head` (null: the log is empty), all at instant `at`. */
export function chainAudit(
  head: { seq: number; entryHash: string } | null,
  entries: readonly NewAuditEntry[],
  at: number,
): AuditEntry[] {
  let seq = head?.seq ?? 0;
  let prev = head?.entryHash ?? GENESIS_HASH;
  return entries.map((e) => {
    seq++;
    const fields = { ...e, seq, at, prevHash: prev };
    const entryHash = auditEntryHash(fields);
    prev = entryHash;
    return { ...fields, entryHash };
  });
}

/** The refusal of a write for an erased member. */
export function erasedConflict(memberId: string): TrainGateError {
  return new TrainGateError(
    "TG_E_CONFLICT",
    `member ${JSON.stringify(memberId)} was erased; their consent can no longer change`,
    { memberId },
  );
}

/** The refusal of a batch whose Idempotency-Key was used already. */
export function keyConflict(responses: readonly IdempotencyRecord[]): TrainGateError {
  const only = responses.length === 1 ? responses[0]! : null;
  return new TrainGateError(
    "TG_E_CONFLICT",
    only !== null
      ? `Idempotency-Key ${JSON.stringify(only.key)} was already used; retry to get its response`
      : "an Idempotency-Key of this batch was already used; retry the requests one by one",
    only !== null ? { key: only.key } : {},
  );
}

const MEMBER_ID_CONTROL = /[\u0000-\u001f\u007f]/;
const CHOICE_SET: ReadonlySet<unknown> = new Set(CHOICES);
const SOURCE_SET: ReadonlySet<unknown> = new Set(SOURCES);

/**
 * A consent event to write, validated against `newConsentEventSchema`. The common valid row
 * is checked by hand (an import validates a million of them); anything the hand check does not
 * accept goes through the schema, which names what is wrong. The hand check only accepts what
 * the schema accepts.
 */
export function parseEvent(raw: unknown, what: string): NewConsentEvent {
  if (typeof raw === "object" && raw !== null) {
    const { memberId, purpose, choice, at, source } = raw as Record<string, unknown>;
    if (
      typeof memberId === "string" &&
      memberId.length >= 1 &&
      memberId.length <= 256 &&
      !MEMBER_ID_CONTROL.test(memberId) &&
      typeof purpose === "string" &&
      PURPOSE_PATTERN.test(purpose) &&
      CHOICE_SET.has(choice) &&
      typeof at === "number" &&
      Number.isSafeInteger(at) &&
      at >= 0 &&
      SOURCE_SET.has(source) &&
      (source !== "gpc" || choice === "deny")
    ) {
      return { memberId, purpose, choice: choice as Choice, at, source: source as Source };
    }
  }
  return parseOrThrow(newConsentEventSchema, raw, what);
}

/** One validated request of `appendBatch`. */
export interface ParsedAppend {
  readonly events: NewConsentEvent[];
  readonly context: WriteContext;
  readonly idempotency: IdempotencyWrite | undefined;
}

/** Validates a group commit's requests; errors name the request (when several) and event. */
export function parseAppendRequests(requests: readonly AppendRequest[]): ParsedAppend[] {
  const where = (j: number): string => (requests.length === 1 ? "" : `request #${j + 1}: `);
  return requests.map((r, j) => ({
    events: r.events.map((e, i) => parseEvent(e, `${where(j)}event #${i + 1}`)),
    context: parseOrThrow(writeContextSchema, r.ctx, `${where(j)}write context`),
    idempotency: r.idempotency,
  }));
}

/** The row of a new (not tombstone) event. */
function eventInsert(e: NewConsentEvent, id: string, now: number): EventInsert {
  return {
    id,
    member_id: e.memberId,
    purpose: e.purpose,
    choice: e.choice,
    at: e.at,
    source: e.source,
    recorded_at: now,
    tombstone: 0,
  };
}

/** The event rows of a group commit, in request order, with fresh random ids. */
export function appendRows(parsed: readonly ParsedAppend[], now: number): EventInsert[] {
  return parsed.flatMap((r) => r.events.map((e) => eventInsert(e, randomEventId(), now)));
}

/** The stored events of a group commit: its inserted rows (same order) with their context. */
export function storedAppends(
  parsed: readonly ParsedAppend[],
  inserted: readonly EventRow[],
): StoredConsentEvent[] {
  const contexts = parsed.flatMap((r) => r.events.map(() => r.context));
  return inserted.map((row, i) =>
    toStored({ ...row, request_id: contexts[i]!.requestId, actor: contexts[i]!.actor }),
  );
}

/** The `ledger_event_context` row of a stored event. */
export function contextRow(e: StoredConsentEvent) {
  return { event_id: e.id, member_id: e.memberId, request_id: e.requestId, actor: e.actor };
}

/** The `consent.append` audit entry of a stored event. */
export function appendAuditEntry(e: StoredConsentEvent): NewAuditEntry {
  return {
    actor: e.actor!,
    action: "consent.append",
    subject: `member:${e.memberId}`,
    requestId: e.requestId,
    details: {
      eventId: e.id,
      position: e.position,
      purpose: e.purpose,
      choice: e.choice,
      at: e.at,
      source: e.source,
    },
  };
}

/** Each request's stored events, and the idempotent responses to store with them. */
export function appendResponses(
  parsed: readonly ParsedAppend[],
  stored: readonly StoredConsentEvent[],
  now: number,
): { out: StoredConsentEvent[][]; responses: IdempotencyRecord[] } {
  const out: StoredConsentEvent[][] = [];
  const responses: IdempotencyRecord[] = [];
  let next = 0;
  for (const r of parsed) {
    const mine = stored.slice(next, next + r.events.length);
    next += r.events.length;
    out.push(mine);
    if (r.idempotency !== undefined && mine.length > 0) {
      const response = r.idempotency.response(mine);
      responses.push({
        scope: r.idempotency.scope,
        key: r.idempotency.key,
        requestHash: r.idempotency.requestHash,
        status: response.status,
        body: response.body,
        createdAt: now,
      });
    }
  }
  return { out, responses };
}

/** The shared implementation; see the module comment. */
export abstract class KyselyLedgerStore implements LedgerStore {
  abstract readonly backend: "sqlite" | "postgres";

  protected constructor(
    protected readonly db: Kysely<LedgerTables>,
    protected readonly clock: () => number,
  ) {}

  /**
   * The ledger's Kysely instance, for modules that keep their own tables (under their own
   * migration table) in the ledger's database: lineage. Not for the ledger's own tables.
   */
  get kysely(): Kysely<LedgerTables> {
    return this.db;
  }

  abstract migrate(): Promise<readonly string[]>;

  /** Applies `migrations` with the ledger's own bookkeeping tables (in `schema` when given). */
  protected async runMigrations(
    migrations: Readonly<Record<string, Migration>>,
    schema?: string,
  ): Promise<readonly string[]> {
    const migrator = new Migrator({
      db: this.db,
      provider: { getMigrations: async () => ({ ...migrations }) },
      migrationTableName: LEDGER_MIGRATION_TABLE,
      migrationLockTableName: LEDGER_MIGRATION_LOCK_TABLE,
      ...(schema === undefined ? {} : { migrationTableSchema: schema }),
    });
    const { error, results } = await migrator.migrateToLatest();
    if (error !== undefined) {
      throw new TrainGateError(
        "TG_E_INTERNAL",
        `ledger migration failed: ${(error as Error).message}`,
      );
    }
    return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
  }
  abstract close(): Promise<void>;

  /**
   * Serializes writers for the rest of `trx`, BEFORE any position or audit seq is assigned,
   * so that positions become visible in commit order and the audit chain has one head.
   */
  protected abstract lockWrites(trx: LedgerTrx): Promise<void>;

  /**
   * Inserts event rows in the given order and returns those actually inserted with their
   * positions, in position order. With `ignoreDuplicates`, a row whose id already exists is
   * skipped silently; without, it is an error.
   */
  protected abstract insertEventRows(
    trx: LedgerTrx,
    rows: readonly EventInsert[],
    ignoreDuplicates: boolean,
  ): Promise<EventRow[]>;

  /** Runs `fn` in a transaction that holds the writers' lock. */
  protected write<T>(fn: (trx: LedgerTrx) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(async (trx) => {
      await this.lockWrites(trx);
      return fn(trx);
    });
  }

  // ---- members -------------------------------------------------------------------------

  async upsertMembers(members: readonly LedgerMember[]): Promise<number> {
    const rows = members.map((m, i) => parseOrThrow(ledgerMemberSchema, m, `member #${i + 1}`));
    if (rows.length === 0) return 0;
    await this.write(async (trx) => {
      for (const part of chunks(rows)) {
        await trx
          .insertInto("ledger_members")
          .values(part.map((m) => ({ id: m.id, country: m.country, erased_at: null })))
          .onConflict((oc) =>
            oc
              .column("id")
              .doUpdateSet({ country: (eb) => eb.ref("excluded.country") })
              // An erased member's country stays removed.
              .where("ledger_members.erased_at", "is", null),
          )
          .execute();
      }
    });
    return rows.length;
  }

  async getMember(memberId: string): Promise<StoredMember | null> {
    const r = await this.db
      .selectFrom("ledger_members")
      .selectAll()
      .where("id", "=", memberId)
      .executeTakeFirst();
    return r === undefined ? null : toMember(r);
  }

  async getMembers(memberIds: readonly string[]): Promise<Map<string, StoredMember>> {
    const out = new Map<string, StoredMember>();
    for (const part of chunks([...new Set(memberIds)])) {
      const rows = await this.db
        .selectFrom("ledger_members")
        .selectAll()
        .where("id", "in", part)
        .execute();
      for (const r of rows) out.set(r.id, toMember(r));
    }
    return out;
  }

  // ---- events --------------------------------------------------------------------------

  /**
   * Updates the projection with freshly inserted events, in position order, in the same
   * transaction: latest `at` wins, on a tie deny wins (contract §3), an erased state never
   * changes (`STATE_WINS_SQL`).
   */
  protected abstract project(trx: LedgerTrx, rows: readonly EventRow[]): Promise<void>;

  /** Appends hash-chained audit entries inside a write transaction. */
  protected async audit(trx: LedgerTrx, entries: readonly NewAuditEntry[]): Promise<AuditEntry[]> {
    if (entries.length === 0) return [];
    const head = await trx
      .selectFrom("ledger_audit")
      .select(["seq", "entry_hash"])
      .orderBy("seq", "desc")
      .limit(1)
      .executeTakeFirst();
    const out = chainAudit(
      head === undefined ? null : { seq: Number(head.seq), entryHash: head.entry_hash },
      entries,
      this.clock(),
    );
    for (const part of chunks(out)) {
      await trx.insertInto("ledger_audit").values(part.map(auditRow)).execute();
    }
    return out;
  }

  private async assertNotErased(trx: LedgerTrx, memberIds: readonly string[]): Promise<void> {
    const unique = [...new Set(memberIds)];
    for (const part of chunks(unique)) {
      const hit = await trx
        .selectFrom("ledger_erasures")
        .select("member_id")
        .where("member_id", "in", part)
        .executeTakeFirst();
      if (hit !== undefined) throw erasedConflict(hit.member_id);
    }
  }

  async appendEvents(
    events: readonly NewConsentEvent[],
    ctx: WriteContext,
    idempotency?: IdempotencyWrite,
  ): Promise<StoredConsentEvent[]> {
    const [stored] = await this.appendBatch([{ events, ctx, idempotency }]);
    return stored ?? [];
  }

  async appendBatch(requests: readonly AppendRequest[]): Promise<StoredConsentEvent[][]> {
    const parsed = parseAppendRequests(requests);
    if (parsed.every((r) => r.events.length === 0)) return parsed.map(() => []);
    // The same rows, projection, audit entries and responses as one appendEvents per request,
    // but each step runs once for the whole batch: the batch costs a few statements, not a
    // few per request.
    return this.write(async (trx) => {
      await this.assertNotErased(
        trx,
        parsed.flatMap((r) => r.events.map((e) => e.memberId)),
      );
      const now = this.clock();
      const inserted = await this.insertEventRows(trx, appendRows(parsed, now), false);
      const stored = storedAppends(parsed, inserted);
      for (const part of chunks(stored)) {
        await trx.insertInto("ledger_event_context").values(part.map(contextRow)).execute();
      }
      await this.project(trx, inserted);
      await this.audit(trx, stored.map(appendAuditEntry));
      const { out, responses } = appendResponses(parsed, stored, now);
      let saved = 0;
      for (const part of chunks(responses)) {
        const r = await trx
          .insertInto("ledger_idempotency")
          .values(part.map(idempotencyRow))
          .onConflict((oc) => oc.columns(["scope", "key"]).doNothing())
          .executeTakeFirst();
        saved += Number(r.numInsertedOrUpdatedRows ?? 0n);
      }
      // A key was used by a request that committed first (or twice in this batch): undo it all.
      if (saved < responses.length) throw keyConflict(responses);
      return out;
    });
  }

  async importEvents(
    events: AsyncIterable<NewConsentEvent> | Iterable<NewConsentEvent>,
    ctx: WriteContext & { readonly label: string },
  ): Promise<ImportResult> {
    const context = parseOrThrow(writeContextSchema, ctx, "write context");
    return this.write(async (trx) => {
      const erasedRows = await trx.selectFrom("ledger_erasures").select("member_id").execute();
      const erasedSet = new Set(erasedRows.map((r) => r.member_id));
      const now = this.clock();
      let rows = 0;
      let inserted = 0;
      let erased = 0;
      let batch: EventInsert[] = [];
      // One batch is written while the next is read and parsed: on a backend in another
      // process (PostgreSQL) the two overlap. A failed write surfaces at the next flush or at
      // the end, and the transaction rolls back either way.
      let inFlight: Promise<void> = Promise.resolve();
      const flush = async (): Promise<void> => {
        await inFlight;
        if (batch.length === 0) return;
        const part = batch;
        batch = [];
        inFlight = this.importRows(trx, part).then((n) => {
          inserted += n;
        });
        // Never left unobserved: awaited by the next flush, the final one, or the catch below.
        inFlight.catch(() => undefined);
      };
      try {
        for await (const raw of events) {
          rows++;
          const e = parseEvent(raw, `${ctx.label}: event #${rows}`);
          if (erasedSet.has(e.memberId)) {
            erased++;
            continue;
          }
          batch.push(eventInsert(e, importEventId(e), now));
          if (batch.length >= this.importBatchSize) await flush();
        }
        await flush();
        await inFlight;
        inserted += await this.finishImport(trx);
      } catch (e) {
        // Let a write still running finish before the transaction rolls back on its connection.
        await inFlight.catch(() => undefined);
        throw e;
      }
      const last = await trx
        .selectFrom("ledger_events")
        .select((eb) => eb.fn.max("position").as("p"))
        .executeTakeFirst();
      const result: ImportResult = {
        rows,
        inserted,
        duplicates: rows - erased - inserted,
        erased,
        lastPosition: Number(last?.p ?? 0),
      };
      await this.audit(trx, [
        {
          actor: context.actor,
          action: "consent.import",
          subject: ctx.label,
          requestId: context.requestId,
          details: { ...result },
        },
      ]);
      return result;
    });
  }

  /**
   * Writes one batch of imported rows, skipping those whose id is stored already (or repeated
   * within the batch), and updates the projection; returns how many were inserted. This
   * default runs `insertEventRows` and `project`; a backend may instead stage the rows and
   * write them all in `finishImport`.
   */
  protected async importRows(trx: LedgerTrx, rows: readonly EventInsert[]): Promise<number> {
    const stored = await this.insertEventRows(trx, rows, true);
    await this.project(trx, stored);
    return stored.length;
  }

  /**
   * Ends an import's writes, after its last `importRows`: a backend that stages the rows
   * writes them here. Returns how many events it inserted.
   */
  protected async finishImport(_trx: LedgerTrx): Promise<number> {
    return 0;
  }

  /** Rows per insert batch during imports (a backend may raise it). */
  protected get importBatchSize(): number {
    return CHUNK;
  }

  async memberView(memberId: string): Promise<MemberView> {
    // One raw statement (no query-builder pass): this is the settings page's hot read.
    const { rows } = await sql<{
      country: string | null;
      erased_at: number | string | null;
      known: number | string | null;
      purpose: string | null;
      choice: string;
      at: number | string;
      source: string;
      position: number | string;
      erased: number | boolean;
    }>`select m.id as known, m.country, m.erased_at, s.purpose, s.choice, s.at, s.source,
          s.position, s.erased
        from (select cast(${memberId} as text) as id) q
        left join ledger_members m on m.id = q.id
        left join ledger_state s on s.member_id = q.id
        order by s.purpose`.execute(this.db);
    const first = rows[0];
    const member =
      first === undefined || first.known === null
        ? null
        : toMember({
            id: memberId,
            country: first.country,
            erased_at: first.erased_at === null ? null : Number(first.erased_at),
          });
    const states = rows
      .filter((r) => r.purpose !== null)
      .map((r) => ({
        memberId,
        purpose: r.purpose!,
        choice: r.choice as Choice,
        at: Number(r.at),
        source: r.source as Source,
        position: Number(r.position),
        erased: r.erased === true || Number(r.erased) === 1,
      }));
    return { member, states };
  }

  async currentState(memberId: string): Promise<ConsentStateRow[]> {
    const rows = await this.db
      .selectFrom("ledger_state")
      .selectAll()
      .where("member_id", "=", memberId)
      .orderBy("purpose")
      .execute();
    return rows.map((r) => ({
      memberId: r.member_id,
      purpose: r.purpose,
      choice: r.choice as Choice,
      at: Number(r.at),
      source: r.source as Source,
      position: Number(r.position),
      erased: Number(r.erased) === 1,
    }));
  }

  private eventsWithContext() {
    return this.db
      .selectFrom("ledger_events as e")
      .leftJoin("ledger_event_context as c", "c.event_id", "e.id")
      .select([
        "e.position",
        "e.id",
        "e.member_id",
        "e.purpose",
        "e.choice",
        "e.at",
        "e.source",
        "e.recorded_at",
        "e.tombstone",
        "c.request_id",
        "c.actor",
      ]);
  }

  async history(memberId: string): Promise<StoredConsentEvent[]> {
    const rows = await this.eventsWithContext()
      .where("e.member_id", "=", memberId)
      .orderBy("e.at", "desc")
      .orderBy("e.position", "desc")
      .execute();
    return rows.map(toStored);
  }

  async *iterateEvents(): AsyncIterable<StoredConsentEvent> {
    let after = 0;
    for (;;) {
      const rows = await this.eventsWithContext()
        .where("e.position", ">", after)
        .orderBy("e.position")
        .limit(PAGE)
        .execute();
      for (const r of rows) yield toStored(r);
      if (rows.length < PAGE) return;
      after = Number(rows[rows.length - 1]!.position);
    }
  }

  async changesAfter(cursor: string | null, limit: number): Promise<FeedPage> {
    const after = positionOf(cursor);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
      throw new TrainGateError("TG_E_USAGE", `limit must be an integer from 1 to 10000`, {
        limit,
      });
    }
    const rows = await this.eventsWithContext()
      .where("e.position", ">", after)
      .orderBy("e.position")
      .limit(limit)
      .execute();
    const events = rows.map(toStored);
    const last = events[events.length - 1];
    return { events, nextCursor: cursorOf(last === undefined ? after : last.position) };
  }

  // ---- documents, notices, acceptances ---------------------------------------------------

  async publishDocument(doc: NewPolicyDocument, ctx: WriteContext): Promise<PolicyDocument> {
    const d = parseOrThrow(newPolicyDocumentSchema, doc, "policy document");
    const context = parseOrThrow(writeContextSchema, ctx, "write context");
    const id = `${d.kind}-${d.version}`;
    return this.write(async (trx) => {
      const exists = await trx
        .selectFrom("ledger_documents")
        .select("id")
        .where("id", "=", id)
        .executeTakeFirst();
      if (exists !== undefined) {
        throw new TrainGateError(
          "TG_E_CONFLICT",
          `document ${id} is already published; publish a new version instead`,
          { id },
        );
      }
      await trx
        .insertInto("ledger_documents")
        .values({
          id,
          kind: d.kind,
          version: d.version,
          title: d.title,
          body: d.body,
          published_at: d.publishedAt,
          effective_at: d.effectiveAt,
        })
        .execute();
      await this.audit(trx, [
        {
          actor: context.actor,
          action: "document.publish",
          subject: `document:${id}`,
          requestId: context.requestId,
          details: {
            kind: d.kind,
            version: d.version,
            title: d.title,
            publishedAt: d.publishedAt,
            effectiveAt: d.effectiveAt,
          },
        },
      ]);
      return { ...d, id };
    });
  }

  async listDocuments(publishedBy?: number): Promise<PolicyDocument[]> {
    let q = this.db.selectFrom("ledger_documents").selectAll();
    if (publishedBy !== undefined) q = q.where("published_at", "<=", publishedBy);
    const rows = await q.orderBy("effective_at", "desc").orderBy("id").execute();
    return rows.map(toDocument);
  }

  async getDocument(id: string): Promise<PolicyDocument | null> {
    const r = await this.db
      .selectFrom("ledger_documents")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirst();
    return r === undefined ? null : toDocument(r);
  }

  private async requireDocument(trx: LedgerTrx, id: string): Promise<PolicyDocument> {
    const r = await trx
      .selectFrom("ledger_documents")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirst();
    if (r === undefined) {
      throw new TrainGateError("TG_E_NOT_FOUND", `no policy document ${JSON.stringify(id)}`, {
        id,
      });
    }
    return toDocument(r);
  }

  private async isErased(trx: LedgerTrx | Kysely<LedgerTables>, memberId: string) {
    const r = await trx
      .selectFrom("ledger_erasures")
      .select("member_id")
      .where("member_id", "=", memberId)
      .executeTakeFirst();
    return r !== undefined;
  }

  async recordNotice(memberId: string, documentId: string, at: number): Promise<void> {
    parseOrThrow(memberIdSchema, memberId, "member id");
    await this.write(async (trx) => {
      await this.requireDocument(trx, documentId);
      // An erased member's notices were removed; recording new ones would recreate personal data.
      if (await this.isErased(trx, memberId)) return;
      await trx
        .insertInto("ledger_notices")
        .values({
          member_id: memberId,
          document_id: documentId,
          notified_at: at,
          accepted_at: null,
          acceptance: null,
        })
        .onConflict((oc) =>
          oc
            .columns(["member_id", "document_id"])
            .doUpdateSet({ notified_at: (eb) => eb.ref("excluded.notified_at") })
            .where("ledger_notices.notified_at", "is", null),
        )
        .execute();
    });
  }

  /** Records acceptances that do not exist yet; returns those created. */
  private async accept(
    trx: LedgerTrx,
    memberId: string,
    documentIds: readonly string[],
    at: number,
    kind: AcceptanceKind,
    ctx: WriteContext,
  ): Promise<Acceptance[]> {
    const created: Acceptance[] = [];
    for (const documentId of documentIds) {
      const existing = await trx
        .selectFrom("ledger_notices")
        .select(["accepted_at"])
        .where("member_id", "=", memberId)
        .where("document_id", "=", documentId)
        .executeTakeFirst();
      if (existing !== undefined && existing.accepted_at !== null) continue;
      await trx
        .insertInto("ledger_notices")
        .values({
          member_id: memberId,
          document_id: documentId,
          notified_at: null,
          accepted_at: at,
          acceptance: kind,
        })
        .onConflict((oc) =>
          oc
            .columns(["member_id", "document_id"])
            .doUpdateSet({ accepted_at: at, acceptance: kind }),
        )
        .execute();
      created.push({ memberId, documentId, at, kind });
    }
    await this.audit(
      trx,
      created.map((a) => ({
        actor: ctx.actor,
        action: a.kind === "explicit" ? "document.accept" : "document.accept_continued_use",
        subject: `member:${memberId}`,
        requestId: ctx.requestId,
        details: { documentId: a.documentId, at: a.at },
      })),
    );
    return created;
  }

  async acceptDocument(
    memberId: string,
    documentId: string,
    at: number,
    ctx: WriteContext,
  ): Promise<Acceptance> {
    parseOrThrow(memberIdSchema, memberId, "member id");
    const context = parseOrThrow(writeContextSchema, ctx, "write context");
    return this.write(async (trx) => {
      const doc = await this.requireDocument(trx, documentId);
      if (doc.publishedAt > at) {
        throw new TrainGateError("TG_E_NOT_FOUND", `document ${documentId} is not published yet`, {
          id: documentId,
        });
      }
      if (await this.isErased(trx, memberId)) {
        throw new TrainGateError("TG_E_CONFLICT", `member ${JSON.stringify(memberId)} was erased`);
      }
      const created = await this.accept(trx, memberId, [documentId], at, "explicit", context);
      if (created[0] !== undefined) return created[0];
      const r = await trx
        .selectFrom("ledger_notices")
        .select(["accepted_at", "acceptance"])
        .where("member_id", "=", memberId)
        .where("document_id", "=", documentId)
        .executeTakeFirstOrThrow();
      return {
        memberId,
        documentId,
        at: Number(r.accepted_at),
        kind: r.acceptance as AcceptanceKind,
      };
    });
  }

  private pendingContinuedUse(db: Kysely<LedgerTables> | LedgerTrx, memberId: string, at: number) {
    return db
      .selectFrom("ledger_documents as d")
      .leftJoin("ledger_notices as n", (j) =>
        j.onRef("n.document_id", "=", "d.id").on("n.member_id", "=", memberId),
      )
      .select("d.id")
      .where("d.published_at", "<=", at)
      .where("d.effective_at", "<=", at)
      .where("n.accepted_at", "is", null)
      .orderBy("d.effective_at")
      .orderBy("d.id")
      .execute();
  }

  async recordContinuedUse(memberId: string, at: number): Promise<Acceptance[]> {
    parseOrThrow(memberIdSchema, memberId, "member id");
    // Called on every member request: read first, so the common case takes no write lock.
    if ((await this.pendingContinuedUse(this.db, memberId, at)).length === 0) return [];
    return this.write(async (trx) => {
      if (await this.isErased(trx, memberId)) return [];
      const pending = await this.pendingContinuedUse(trx, memberId, at);
      return this.accept(
        trx,
        memberId,
        pending.map((d) => d.id),
        at,
        "continued_use",
        { actor: `member:${memberId}`, requestId: null },
      );
    });
  }

  async memberNotices(memberId: string, at: number): Promise<MemberNotice[]> {
    const rows = await this.db
      .selectFrom("ledger_documents as d")
      .leftJoin("ledger_notices as n", (j) =>
        j.onRef("n.document_id", "=", "d.id").on("n.member_id", "=", memberId),
      )
      .selectAll("d")
      .select(["n.notified_at", "n.accepted_at", "n.acceptance"])
      .where("d.published_at", "<=", at)
      .orderBy("d.effective_at", "desc")
      .orderBy("d.id")
      .execute();
    return rows.map((r) => ({
      document: toDocument(r),
      notifiedAt: r.notified_at === null ? null : Number(r.notified_at),
      acceptedAt: r.accepted_at === null ? null : Number(r.accepted_at),
      acceptance: r.acceptance as AcceptanceKind | null,
    }));
  }

  // ---- erasure -------------------------------------------------------------------------

  async eraseMember(memberId: string, reason: string, ctx: WriteContext): Promise<ErasureResult> {
    parseOrThrow(memberIdSchema, memberId, "member id");
    const context = parseOrThrow(writeContextSchema, ctx, "write context");
    if (reason.trim() === "") {
      throw new TrainGateError(
        "TG_E_USAGE",
        "an erasure needs a reason (e.g. the request's ticket)",
      );
    }
    return this.write(async (trx) => {
      if (await this.isErased(trx, memberId)) {
        throw new TrainGateError(
          "TG_E_CONFLICT",
          `member ${JSON.stringify(memberId)} is already erased`,
          { memberId },
        );
      }
      const now = this.clock();
      // Every purpose the ledger knows, so the tombstone denies whatever a build asks about.
      const seen = await trx.selectFrom("ledger_events").select("purpose").distinct().execute();
      const purposes = [...new Set([...KNOWN_PURPOSES, ...seen.map((r) => r.purpose)])].sort();
      await trx
        .insertInto("ledger_erasures")
        .values({ member_id: memberId, erased_at: now, reason })
        .execute();
      const inserted = await this.insertEventRows(
        trx,
        purposes.map((purpose) => ({
          id: tombstoneEventId(memberId, purpose),
          member_id: memberId,
          purpose,
          choice: "deny",
          at: now,
          source: "admin",
          recorded_at: now,
          tombstone: 1,
        })),
        false,
      );
      for (const part of chunks(inserted)) {
        // A tombstone decides the state whatever came before or after it (erased = 1).
        await trx
          .insertInto("ledger_state")
          .values(
            part.map((r) => ({
              member_id: r.member_id,
              purpose: r.purpose,
              choice: "deny",
              at: r.at,
              source: r.source,
              position: r.position,
              erased: 1,
            })),
          )
          .onConflict((oc) =>
            oc.columns(["member_id", "purpose"]).doUpdateSet({
              choice: "deny",
              at: (eb) => eb.ref("excluded.at"),
              source: (eb) => eb.ref("excluded.source"),
              position: (eb) => eb.ref("excluded.position"),
              erased: 1,
            }),
          )
          .execute();
      }
      const contexts = await trx
        .deleteFrom("ledger_event_context")
        .where("member_id", "=", memberId)
        .executeTakeFirst();
      const notices = await trx
        .deleteFrom("ledger_notices")
        .where("member_id", "=", memberId)
        .executeTakeFirst();
      // Stored responses of the member's own requests may repeat their data.
      const responses = await trx
        .deleteFrom("ledger_idempotency")
        .where("scope", "=", `member:${memberId}`)
        .executeTakeFirst();
      await trx
        .insertInto("ledger_members")
        .values({ id: memberId, country: null, erased_at: now })
        .onConflict((oc) => oc.column("id").doUpdateSet({ country: null, erased_at: now }))
        .execute();
      const removed = {
        eventContexts: Number(contexts.numDeletedRows),
        notices: Number(notices.numDeletedRows),
        idempotentResponses: Number(responses.numDeletedRows),
      };
      const tombstones = inserted.map((r) => toStored({ ...r, request_id: null, actor: null }));
      await this.audit(trx, [
        {
          actor: context.actor,
          action: "member.erase",
          subject: `member:${memberId}`,
          requestId: context.requestId,
          details: {
            reason,
            purposes,
            tombstonePositions: tombstones.map((t) => t.position),
            removed,
          },
        },
      ]);
      return { memberId, erasedAt: now, tombstones, removed };
    });
  }

  async erasedMembers(): Promise<string[]> {
    const rows = await this.db
      .selectFrom("ledger_erasures")
      .select("member_id")
      .orderBy("member_id")
      .execute();
    return rows.map((r) => r.member_id);
  }

  // ---- audit ---------------------------------------------------------------------------

  async appendAudit(entry: NewAuditEntry): Promise<AuditEntry> {
    const e = parseOrThrow(newAuditEntrySchema, entry, "audit entry");
    const [stored] = await this.write((trx) => this.audit(trx, [e]));
    return stored!;
  }

  async auditEntries(afterSeq: number, limit: number): Promise<AuditEntry[]> {
    const rows = await this.db
      .selectFrom("ledger_audit")
      .selectAll()
      .where("seq", ">", afterSeq)
      .orderBy("seq")
      .limit(Math.max(1, Math.min(limit, 10_000)))
      .execute();
    return rows.map(toAudit);
  }

  async verifyAudit(): Promise<AuditVerification> {
    const self = this;
    async function* all(): AsyncGenerator<AuditEntry> {
      let after = 0;
      for (;;) {
        const rows = await self.db
          .selectFrom("ledger_audit")
          .selectAll()
          .where("seq", ">", after)
          .orderBy("seq")
          .limit(PAGE)
          .execute();
        for (const r of rows) yield toAudit(r);
        if (rows.length < PAGE) return;
        after = Number(rows[rows.length - 1]!.seq);
      }
    }
    return verifyChain(all());
  }

  // ---- idempotency -----------------------------------------------------------------------

  async getIdempotency(scope: string, key: string): Promise<IdempotencyRecord | null> {
    const r = await this.db
      .selectFrom("ledger_idempotency")
      .selectAll()
      .where("scope", "=", scope)
      .where("key", "=", key)
      .executeTakeFirst();
    if (r === undefined) return null;
    return {
      scope: r.scope,
      key: r.key,
      requestHash: r.request_hash,
      status: Number(r.status),
      body: JSON.parse(r.body) as IdempotencyRecord["body"],
      createdAt: Number(r.created_at),
    };
  }

  /** Inserts a response unless (scope, key) exists; true when inserted. */
  private async insertIdempotency(
    db: LedgerTrx | Kysely<LedgerTables>,
    rec: IdempotencyRecord,
  ): Promise<boolean> {
    const r = await db
      .insertInto("ledger_idempotency")
      .values(idempotencyRow(rec))
      .onConflict((oc) => oc.columns(["scope", "key"]).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  async saveIdempotency(record: IdempotencyRecord): Promise<IdempotencyRecord> {
    const rec = parseOrThrow(idempotencyRecordSchema, record, "idempotency record");
    await this.insertIdempotency(this.db, rec);
    return (await this.getIdempotency(rec.scope, rec.key)) ?? rec;
  }

  // ---- API keys and webhooks -------------------------------------------------------------

  async createApiKey(key: NewApiKey, ctx: WriteContext): Promise<ApiKeyRecord> {
    const k = parseOrThrow(newApiKeySchema, key, "API key");
    const context = parseOrThrow(writeContextSchema, ctx, "write context");
    return this.write(async (trx) => {
      const exists = await trx
        .selectFrom("ledger_api_keys")
        .select("id")
        .where("id", "=", k.id)
        .executeTakeFirst();
      if (exists !== undefined) {
        throw new TrainGateError("TG_E_CONFLICT", `API key ${k.id} already exists`, { id: k.id });
      }
      const now = this.clock();
      const roles = [...new Set(k.roles)].sort();
      await trx
        .insertInto("ledger_api_keys")
        .values({
          id: k.id,
          secret_hash: k.secretHash,
          roles: JSON.stringify(roles),
          label: k.label,
          created_at: now,
          revoked_at: null,
        })
        .execute();
      await this.audit(trx, [
        {
          actor: context.actor,
          action: "api_key.create",
          subject: `key:${k.id}`,
          requestId: context.requestId,
          details: { roles, label: k.label },
        },
      ]);
      return { ...k, roles, createdAt: now, revokedAt: null };
    });
  }

  async findApiKey(id: string): Promise<ApiKeyRecord | null> {
    const r = await this.db
      .selectFrom("ledger_api_keys")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirst();
    return r === undefined ? null : toApiKey(r);
  }

  async listApiKeys(): Promise<ApiKeyRecord[]> {
    const rows = await this.db.selectFrom("ledger_api_keys").selectAll().orderBy("id").execute();
    return rows.map(toApiKey);
  }

  async revokeApiKey(id: string, ctx: WriteContext): Promise<void> {
    const context = parseOrThrow(writeContextSchema, ctx, "write context");
    await this.write(async (trx) => {
      const now = this.clock();
      const r = await trx
        .updateTable("ledger_api_keys")
        .set({ revoked_at: now })
        .where("id", "=", id)
        .where("revoked_at", "is", null)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) {
        throw new TrainGateError("TG_E_NOT_FOUND", `no active API key ${JSON.stringify(id)}`, {
          id,
        });
      }
      await this.audit(trx, [
        {
          actor: context.actor,
          action: "api_key.revoke",
          subject: `key:${id}`,
          requestId: context.requestId,
          details: {},
        },
      ]);
    });
  }

  async registerWebhook(
    hook: NewWebhook,
    cursor: string,
    ctx: WriteContext,
  ): Promise<WebhookRecord> {
    const h = parseOrThrow(newWebhookSchema, hook, "webhook");
    const context = parseOrThrow(writeContextSchema, ctx, "write context");
    positionOf(cursor);
    return this.write(async (trx) => {
      const record: WebhookRecord = {
        ...h,
        id: `wh_${randomUUID().replaceAll("-", "")}`,
        cursor,
        createdAt: this.clock(),
      };
      await trx
        .insertInto("ledger_webhooks")
        .values({
          id: record.id,
          owner: record.owner,
          url: record.url,
          secret: record.secret,
          cursor: record.cursor,
          created_at: record.createdAt,
        })
        .execute();
      await this.audit(trx, [
        {
          actor: context.actor,
          action: "webhook.register",
          subject: `webhook:${record.id}`,
          requestId: context.requestId,
          details: { owner: h.owner, url: h.url, cursor },
        },
      ]);
      return record;
    });
  }

  async listWebhooks(): Promise<WebhookRecord[]> {
    const rows = await this.db.selectFrom("ledger_webhooks").selectAll().orderBy("id").execute();
    return rows.map(toWebhook);
  }

  async advanceWebhook(id: string, cursor: string): Promise<void> {
    positionOf(cursor);
    const r = await this.db
      .updateTable("ledger_webhooks")
      .set({ cursor })
      .where("id", "=", id)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) {
      throw new TrainGateError("TG_E_NOT_FOUND", `no webhook ${JSON.stringify(id)}`, { id });
    }
  }

  // ---- aggregates and status -------------------------------------------------------------

  async optOutStats(until: number): Promise<OptOutStat[]> {
    const events = await this.db
      .selectFrom("ledger_events")
      .select(["member_id", "purpose", "choice", "at"])
      .where("at", "<=", until)
      .execute();
    const members = await this.db.selectFrom("ledger_members").select(["id", "country"]).execute();
    const country = new Map(members.map((m) => [m.id, m.country]));
    return optOutStats(
      events.map((e) => ({
        memberId: e.member_id,
        purpose: e.purpose,
        choice: e.choice as Choice,
        at: Number(e.at),
      })),
      (id) => country.get(id) ?? null,
      until,
    );
  }

  async status(): Promise<LedgerStatus> {
    const count = async (
      table:
        | "ledger_events"
        | "ledger_members"
        | "ledger_state"
        | "ledger_erasures"
        | "ledger_documents"
        | "ledger_audit",
    ): Promise<number> => {
      const r = await this.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as("n"))
        .executeTakeFirstOrThrow();
      return Number(r.n);
    };
    const last = await this.db
      .selectFrom("ledger_events")
      .select((eb) => eb.fn.max("position").as("p"))
      .executeTakeFirst();
    const version = await sql<{ name: string | null }>`select max(name) as name from ${sql.table(
      LEDGER_MIGRATION_TABLE,
    )}`.execute(this.db);
    return {
      backend: this.backend,
      schemaVersion: version.rows[0]?.name ?? "none",
      events: await count("ledger_events"),
      members: await count("ledger_members"),
      states: await count("ledger_state"),
      erasedMembers: await count("ledger_erasures"),
      documents: await count("ledger_documents"),
      auditEntries: await count("ledger_audit"),
      lastPosition: Number(last?.p ?? 0),
    };
  }
}
