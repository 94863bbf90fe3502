/**
 * What a detector reports: a typed span of a text. Spans from all detectors are merged by
 * `resolveSpans` and replaced by typed placeholders.
 */
import type { RedactionType } from "../policy/model.js";

/** One detected piece of PII: `[start, end)` in UTF-16 code units of the text. */
export interface Span {
  readonly start: number;
  readonly end: number;
  readonly type: RedactionType;
}

/** The placeholder each type is replaced with. Members' names and other names are both people. */
export const PLACEHOLDERS: Readonly<Record<RedactionType, string>> = {
  email: "[EMAIL]",
  phone: "[PHONE]",
  url: "[URL]",
  handle: "[HANDLE]",
  ip: "[IP]",
  card: "[CARD]",
  iban: "[IBAN]",
  national_id: "[ID]",
  address: "[ADDRESS]",
  person: "[PERSON]",
  member_name: "[PERSON]",
};

/**
 * How specific a type is when two spans of equal length overlap: lower wins. Checksummed
 * types first (a Luhn-valid card is surely a card), guesses (names, addresses) last.
 */
const SPECIFICITY: Readonly<Record<RedactionType, number>> = {
  card: 0,
  iban: 1,
  national_id: 2,
  email: 3,
  url: 4,
  ip: 5,
  phone: 6,
  member_name: 7,
  handle: 8,
  address: 9,
  person: 10,
};

/**
 * Picks a non-overlapping subset of `spans`, deterministically: the longest span wins an
 * overlap, then the more specific type, then the earlier start. Returns them sorted by start.
 */
export function resolveSpans(spans: readonly Span[]): Span[] {
  if (spans.length <= 1) return [...spans];
  const ranked = [...spans].sort(
    (a, b) =>
      b.end - b.start - (a.end - a.start) ||
      SPECIFICITY[a.type] - SPECIFICITY[b.type] ||
      a.start - b.start,
  );
  const kept: Span[] = [];
  for (const s of ranked) {
    if (kept.every((k) => s.end <= k.start || s.start >= k.end)) kept.push(s);
  }
  return kept.sort((a, b) => a.start - b.start);
}

/** Replaces each span (non-overlapping, sorted by start) with its placeholder. */
export function applySpans(text: string, spans: readonly Span[]): string {
  if (spans.length === 0) return text;
  let out = "";
  let at = 0;
  for (const s of spans) {
    out += text.slice(at, s.start) + PLACEHOLDERS[s.type];
    at = s.end;
  }
  return out + text.slice(at);
}
