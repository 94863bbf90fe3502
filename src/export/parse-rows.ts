/**
 * Turns raw rows into the domain's records (contract §1). Members and consent events are
 * strict: a row that cannot be parsed is an error naming file and line, because a lost
 * opt-out must never let data through. Items are lenient: a bad item row becomes a
 * `malformed` item, counted and excluded.
 */
import { z } from "zod";
import { badInput } from "../errors.js";
import {
  CHOICES,
  type ConsentEvent,
  type Item,
  type Member,
  PURPOSE_PATTERN,
  SOURCES,
} from "../policy/domain.js";
import { fromDate, parseDate, parseTimestamp } from "../policy/time.js";

/** A column value as text: null for null, missing or empty; numbers and bigints as digits. */
function text(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "string") return v === "" ? null : v;
  if (typeof v === "number" || typeof v === "bigint") return String(v);
  return null;
}

/** A timestamp column: RFC 3339 text, or a Parquet/Date timestamp. Undefined when invalid. */
function instant(v: unknown): number | null | undefined {
  if (v === null || v === undefined || v === "") return null;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : fromDate(v);
  if (typeof v === "string") return parseTimestamp(v) ?? undefined;
  return undefined;
}

/** A date column: `YYYY-MM-DD` text or a Date (Parquet DATE). Undefined when invalid. */
function day(v: unknown): number | null | undefined {
  if (v === null || v === undefined || v === "") return null;
  if (v instanceof Date) {
    const t = v.getTime();
    return Number.isNaN(t) ? undefined : Math.floor(t / 86_400_000);
  }
  if (typeof v === "string") return parseDate(v) ?? undefined;
  return undefined;
}

const nullableText = z.unknown().transform(text);
const memberSchema = z.object({
  id: z
    .unknown()
    .transform(text)
    .pipe(z.string({ error: "id is required" })),
  country: nullableText,
  birth_date: z
    .unknown()
    .transform(day)
    .refine((d) => d !== undefined, { error: "birth_date must be a date YYYY-MM-DD or null" }),
  display_name: nullableText,
  created_at: z
    .unknown()
    .transform(instant)
    .refine((d) => d !== undefined, { error: "created_at must be an RFC 3339 timestamp" }),
  deleted_at: z
    .unknown()
    .transform(instant)
    .refine((d) => d !== undefined, { error: "deleted_at must be an RFC 3339 timestamp or null" }),
});

const consentSchema = z.object({
  member_id: z
    .unknown()
    .transform(text)
    .pipe(z.string({ error: "member_id is required" })),
  purpose: z
    .unknown()
    .transform(text)
    .pipe(
      z
        .string({ error: "purpose is required" })
        .regex(PURPOSE_PATTERN, { error: "purpose must be a name such as genai_training" }),
    ),
  choice: z.enum(CHOICES, { error: "choice must be allow or deny" }),
  at: z
    .unknown()
    .transform(instant)
    .refine((d): d is number => d !== undefined && d !== null, {
      error: "at must be an RFC 3339 timestamp",
    }),
  source: z.enum(SOURCES, { error: `source must be one of ${SOURCES.join(", ")}` }),
});

/** The named columns of a row, missing ones as null (unknown extra columns are ignored, contract §1). */
function pick(
  values: Readonly<Record<string, unknown>>,
  columns: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of columns) out[c] = values[c] ?? null;
  return out;
}

const MEMBER_COLUMNS = ["id", "country", "birth_date", "display_name", "created_at", "deleted_at"];
const CONSENT_COLUMNS = ["member_id", "purpose", "choice", "at", "source"];

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  return issue.message;
}

/** Parses a member row; throws `TG_E_BAD_INPUT` naming file and line. */
export function parseMemberRow(
  values: Readonly<Record<string, unknown>>,
  file: string,
  line: number,
): Member {
  const r = memberSchema.safeParse(pick(values, MEMBER_COLUMNS));
  if (!r.success) throw badInput(file, line, `bad member row: ${firstIssue(r.error)}`);
  const m = r.data;
  return {
    id: m.id,
    country: m.country,
    birthDay: m.birth_date ?? null,
    displayName: m.display_name,
    createdAt: m.created_at ?? null,
    deletedAt: m.deleted_at ?? null,
  };
}

const CHOICE_SET: ReadonlySet<unknown> = new Set(CHOICES);
const SOURCE_SET: ReadonlySet<unknown> = new Set(SOURCES);

/**
 * The common consent row (every column a non-empty string, as JSONL and CSV give them) read
 * without the schema, which costs more than the rest of an import's parse; null for anything
 * else, which the schema then reads or rejects with its message. Accepts only rows the schema
 * accepts, and returns what it would.
 */
function plainConsentRow(values: Readonly<Record<string, unknown>>): ConsentEvent | null {
  const { member_id: memberId, purpose, choice, at, source } = values;
  if (
    typeof memberId !== "string" ||
    memberId === "" ||
    typeof purpose !== "string" ||
    !PURPOSE_PATTERN.test(purpose) ||
    !CHOICE_SET.has(choice) ||
    typeof at !== "string" ||
    !SOURCE_SET.has(source)
  ) {
    return null;
  }
  const instantAt = parseTimestamp(at);
  if (instantAt === null) return null;
  const s = source as ConsentEvent["source"];
  return {
    memberId,
    purpose,
    choice: s === "gpc" ? "deny" : (choice as ConsentEvent["choice"]),
    at: instantAt,
    source: s,
  };
}

/**
 * Parses a consent-event row; throws `TG_E_BAD_INPUT` naming file and line. A `gpc` row is
 * always a deny (contract §1): one that says allow is read as deny, never as an allow.
 */
export function parseConsentRow(
  values: Readonly<Record<string, unknown>>,
  file: string,
  line: number,
): ConsentEvent {
  const quick = plainConsentRow(values);
  if (quick !== null) return quick;
  const r = consentSchema.safeParse(pick(values, CONSENT_COLUMNS));
  if (!r.success) throw badInput(file, line, `bad consent event: ${firstIssue(r.error)}`);
  const e = r.data;
  return {
    memberId: e.member_id,
    purpose: e.purpose,
    choice: e.source === "gpc" ? "deny" : e.choice,
    at: e.at,
    source: e.source,
  };
}

/**
 * Parses an item row. Never throws: missing required fields or unparseable timestamps give an
 * item that `isMalformed` reports, with `parseError` saying why.
 */
export function parseItemRow(values: Readonly<Record<string, unknown>>): Item {
  const created = instant(values["created_at"]);
  const deleted = instant(values["deleted_at"]);
  const problems: string[] = [];
  if (created === undefined) problems.push("created_at is not an RFC 3339 timestamp");
  if (deleted === undefined) problems.push("deleted_at is not an RFC 3339 timestamp");
  const item: Item = {
    id: text(values["id"]),
    authorId: text(values["author_id"]),
    kind: text(values["kind"]),
    visibility: text(values["visibility"]),
    createdAt: created ?? null,
    deletedAt: deleted ?? null,
    text: typeof values["text"] === "string" ? (values["text"] as string) : text(values["text"]),
    lang: text(values["lang"]),
  };
  return problems.length > 0 ? { ...item, parseError: problems.join("; ") } : item;
}

/** A malformed item for a row that could not be read at all. */
export function unreadableItem(error: string): Item {
  return {
    id: null,
    authorId: null,
    kind: null,
    visibility: null,
    createdAt: null,
    deletedAt: null,
    text: null,
    lang: null,
    parseError: error,
  };
}
