/**
 * The vocabulary of the platform export and of decisions, as fixed by the contract
 * (shared/spec/CONTRACT.md sections 1 and 3). Pure data: no I/O.
 */

/** The five content kinds a platform export knows (contract §1, items.kind). */
export const KINDS = ["post", "comment", "article", "message", "profile"] as const;
export type Kind = (typeof KINDS)[number];

/** Visibilities of an item (contract §1, items.visibility). */
export const VISIBILITIES = ["public", "connections", "private"] as const;
export type Visibility = (typeof VISIBILITIES)[number];

/** A member's choice for a purpose. */
export const CHOICES = ["allow", "deny"] as const;
export type Choice = (typeof CHOICES)[number];

/** Where a consent event came from. `gpc` is a Global Privacy Control signal, always a deny. */
export const SOURCES = ["settings", "api", "gpc", "import", "admin"] as const;
export type Source = (typeof SOURCES)[number];

/** The purposes the contract names; a policy may add more. */
export const KNOWN_PURPOSES = ["genai_training", "safety_training", "ads_targeting"] as const;
export type Purpose = string;

/** A purpose name: lower-case identifier. */
export const PURPOSE_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;

/** Regimes a region can be under for a purpose (contract §3). */
export const REGIMES = ["excluded", "opt_in", "opt_out"] as const;
export type Regime = (typeof REGIMES)[number];

/**
 * Exclusion reasons in the contract's precedence order (§3). An excluded item is counted
 * under the first reason that applies; the index in this array is the precedence.
 */
export const REASONS = [
  "malformed",
  "unknown_member",
  "not_yet_created",
  "deleted",
  "unknown_kind",
  "content_class",
  "unknown_region",
  "region_excluded",
  "unknown_age",
  "minor",
  "opted_out",
  "no_consent",
  "before_notice",
] as const;
export type Reason = (typeof REASONS)[number];

/** Plain-language description of each reason, for explain, reports and the UI. */
export const REASON_TEXT: Readonly<Record<Reason, string>> = {
  malformed: "the item row could not be parsed or lacks id, author_id, kind or created_at",
  unknown_member: "the author is not a member in the export",
  not_yet_created: "the item was created after the as-of instant",
  deleted: "the item or its author's account was deleted by the as-of instant",
  unknown_kind: "the item's kind is not one of post, comment, article, message, profile",
  content_class: "the policy does not allow this kind of content with this visibility",
  unknown_region: "the member's country is missing or not a valid ISO 3166-1 code",
  region_excluded: "the member's region is excluded from this purpose (or has no rule)",
  unknown_age: "the policy has a minimum age and the member's birth date is unknown",
  minor: "the member is, or was when posting, younger than the policy's minimum age",
  opted_out: "the member chose deny for this purpose",
  no_consent: "the region requires opt-in and the member never allowed this purpose",
  before_notice: "the item predates the policy notice and the member did not allow it",
};

/** A member row of the export, after parsing. Instants are epoch microseconds. */
export interface Member {
  readonly id: string;
  /** As given (trimmed of nothing); validity is decided by the region lookup. */
  readonly country: string | null;
  /** Days since 1970-01-01 of the birth date, or null when unknown. */
  readonly birthDay: number | null;
  readonly displayName: string | null;
  readonly createdAt: number | null;
  readonly deletedAt: number | null;
}

/**
 * An item row of the export, after parsing. Fields the contract requires may be null here:
 * such an item is `malformed`. `parseError` is set when the row itself could not be read.
 */
export interface Item {
  readonly id: string | null;
  readonly authorId: string | null;
  readonly kind: string | null;
  readonly visibility: string | null;
  readonly createdAt: number | null;
  readonly deletedAt: number | null;
  readonly text: string | null;
  readonly lang: string | null;
  readonly parseError?: string;
}

/** A consent event of the export or the ledger. */
export interface ConsentEvent {
  readonly memberId: string;
  readonly purpose: string;
  readonly choice: Choice;
  /** When the member made the choice, epoch microseconds. */
  readonly at: number;
  readonly source: Source;
}

/** True when `kind` is one of the five known kinds. */
export function isKind(kind: string | null): kind is Kind {
  return kind !== null && (KINDS as readonly string[]).includes(kind);
}

/**
 * The visibility the policy sees: a `message` is private whatever its row says (contract §1);
 * an unknown visibility is returned as null, which no content rule matches (fail closed).
 */
export function effectiveVisibility(
  kind: string | null,
  visibility: string | null,
): Visibility | null {
  if (kind === "message") return "private";
  return visibility !== null && (VISIBILITIES as readonly string[]).includes(visibility)
    ? (visibility as Visibility)
    : null;
}
