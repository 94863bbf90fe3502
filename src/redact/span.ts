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
 * Which spans are settled first. Checksummed and well-delimited types (tier 0) cannot be
 * part of a name or an address, so they win any overlap with the guessed types; phone
 * numbers come next; then handles and members' names; the pattern-guessed addresses and
 * names last.
 */
const TIER: Readonly<Record<RedactionType, number>> = {
  card: 0,
  iban: 0,
  national_id: 0,
  email: 0,
  url: 0,
  ip: 0,
  phone: 1,
  member_name: 2,
  handle: 2,
  address: 3,
  person: 3,
};

/** Tie-break between equally long spans of one tier: lower wins. */
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

/** An address cut back to fewer characters than this is dropped. */
const MIN_ADDRESS = 6;

/**
 * Picks a non-overlapping set of spans of `text`, deterministically. Tiers are settled in
 * order (see `TIER`); within a tier the longest span wins an overlap, then the more specific
 * type, then the earlier start. An address that runs into an earlier tier's span is cut back
 * to the part before it ("Main St 5, Springfield. IBAN DE44…" keeps "Main St 5,
 * Springfield"); any other overlapping span is dropped. Returns the spans sorted by start.
 */
export function resolveSpans(spans: readonly Span[], text: string): Span[] {
  if (spans.length <= 1) return spans.slice();
  const ranked = sortSmall(spans.slice(), byRank);
  const kept: Span[] = [];
  const clash = spans.length > MANY_SPANS ? coverClash(text.length) : listClash(kept);
  for (let r = 0; r < ranked.length; r++) {
    const s = ranked[r]!;
    const firstClash = clash.first(s);
    let keep: Span | null = s;
    if (firstClash >= 0) {
      keep = null;
      if (s.type === "address") {
        let end = firstClash;
        while (end > s.start && " ,.;:\n\t".includes(text[end - 1]!)) end--;
        if (end - s.start >= MIN_ADDRESS) keep = { start: s.start, end, type: s.type };
      }
    }
    if (keep === null) continue;
    kept.push(keep);
    clash.add(keep);
  }
  return sortSmall(kept, byStart);
}

/**
 * Above this many spans in one text, overlaps are found through a map of the covered code
 * units instead of by comparing with every kept span, which is quadratic: a long text made
 * of names ("A and B and C …", 32,000 of them) took seconds.
 */
const MANY_SPANS = 64;

/** Finds, for a span, the earliest start among the kept spans it overlaps (-1: none). */
interface ClashFinder {
  first(s: Span): number;
  add(s: Span): void;
}

/** Compares with every kept span: no allocation, for the few spans a text usually has. */
function listClash(kept: readonly Span[]): ClashFinder {
  return {
    first(s) {
      let firstClash = -1;
      for (let q = 0; q < kept.length; q++) {
        const k = kept[q]!;
        if (s.start < k.end && k.start < s.end && (firstClash < 0 || k.start < firstClash))
          firstClash = k.start;
      }
      return firstClash;
    },
    add() {},
  };
}

/**
 * Marks each code unit a kept span covers with that span's start + 1. Kept spans never
 * overlap, so the first covered unit inside a span belongs to the leftmost kept span it
 * overlaps, whose start is the earliest: the cost is the span's length, not the kept count.
 */
function coverClash(length: number): ClashFinder {
  const cover = new Int32Array(length);
  return {
    first(s) {
      for (let i = s.start; i < s.end; i++) if (cover[i] !== 0) return cover[i]! - 1;
      return -1;
    },
    add(s) {
      cover.fill(s.start + 1, s.start, s.end);
    },
  };
}

function byRank(a: Span, b: Span): number {
  return (
    TIER[a.type] - TIER[b.type] ||
    b.end - b.start - (a.end - a.start) ||
    SPECIFICITY[a.type] - SPECIFICITY[b.type] ||
    a.start - b.start
  );
}

function byStart(a: Span, b: Span): number {
  return a.start - b.start;
}

/**
 * Sorts in place, stably: insertion sort for the handful of spans a text usually has (no
 * work array to allocate, unlike `Array.prototype.sort`), the built-in sort beyond that.
 */
function sortSmall(xs: Span[], cmp: (a: Span, b: Span) => number): Span[] {
  if (xs.length > 16) return xs.sort(cmp);
  for (let i = 1; i < xs.length; i++) {
    const x = xs[i]!;
    let j = i - 1;
    while (j >= 0 && cmp(xs[j]!, x) > 0) {
      xs[j + 1] = xs[j]!;
      j--;
    }
    xs[j + 1] = x;
  }
  return xs;
}

/** Replaces each span (non-overlapping, sorted by start) with its placeholder. */
export function applySpans(text: string, spans: readonly Span[]): string {
  if (spans.length === 0) return text;
  let out = "";
  let at = 0;
  for (let k = 0; k < spans.length; k++) {
    const s = spans[k]!;
    out += text.slice(at, s.start) + PLACEHOLDERS[s.type];
    at = s.end;
  }
  return out + text.slice(at);
}
