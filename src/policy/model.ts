/**
 * The resolved, immutable policy model that every reading of a policy (the evaluator, the
 * batch evaluator, the SQL compilers, the UI) works from. Produced by `resolvePolicy`.
 */
import type { Kind, Regime, Visibility } from "./domain.js";

/** A regime in force over `[from, until)`; null bounds are open. Instants in epoch µs. */
export interface RegimePeriod {
  readonly regime: Regime;
  readonly from: number | null;
  readonly until: number | null;
}

/** Whether content from before the policy's notice counts. */
export type HistoryRule =
  | { readonly include: true }
  | { readonly include: false; readonly notice: number };

/** The rules of one purpose. */
export interface PurposeRule {
  /** Region key (a group such as `EEA`, or a country code) to its periods, sorted by `from`. */
  readonly regions: Readonly<Record<string, readonly RegimePeriod[]>>;
  /** Allowed visibilities per kind; a kind absent here is never used. */
  readonly content: Readonly<Partial<Record<Kind, readonly Visibility[]>>>;
  /** Minimum age in years, or null for none. */
  readonly minimumAge: number | null;
  readonly history: HistoryRule;
  /** Whether Global Privacy Control signals count as this purpose's deny. */
  readonly gpc: boolean;
}

/** A public source a policy is based on. */
export interface PolicySource {
  readonly title: string;
  readonly url: string;
}

/** A resolved policy: its `extends` chain applied, validated, frozen. */
export interface Policy {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly sources: readonly PolicySource[];
  /** The chain of policies this one extends, nearest first. */
  readonly extendsChain: readonly string[];
  readonly purposes: Readonly<Record<string, PurposeRule>>;
  /** Which PII types are redacted in datasets (see `REDACTION_TYPES`). */
  readonly redact: Readonly<Record<string, boolean>>;
}

/** The PII types a policy can switch redaction on or off for; all on by default. */
export const REDACTION_TYPES = [
  "email",
  "phone",
  "url",
  "handle",
  "ip",
  "card",
  "iban",
  "national_id",
  "address",
  "person",
  "member_name",
] as const;
export type RedactionType = (typeof REDACTION_TYPES)[number];
