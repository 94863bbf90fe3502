/**
 * `resolveSpans` finds overlaps in two ways: against every kept span (a text's usual handful)
 * and through a map of covered code units (more than 64 spans). Both must pick exactly what
 * the plain rule picks; here a reference written as the rule reads, on random spans, many
 * of them overlapping, addresses cut back included. And a long text of names stays linear.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { RedactionType } from "../policy/model.js";
import { createRedactor } from "./redactor.js";
import { resolveSpans, type Span } from "./span.js";

const TYPES: RedactionType[] = [
  "card",
  "email",
  "phone",
  "member_name",
  "handle",
  "address",
  "person",
];
const TIER: Record<string, number> = {
  card: 0,
  email: 0,
  phone: 1,
  member_name: 2,
  handle: 2,
  address: 3,
  person: 3,
};
const SPEC: Record<string, number> = {
  card: 0,
  email: 3,
  phone: 6,
  member_name: 7,
  handle: 8,
  address: 9,
  person: 10,
};

/** The rule as docs/redaction.md states it, quadratic and obvious. */
function reference(spans: readonly Span[], text: string): Span[] {
  const ranked = [...spans].sort(
    (a, b) =>
      TIER[a.type]! - TIER[b.type]! ||
      b.end - b.start - (a.end - a.start) ||
      SPEC[a.type]! - SPEC[b.type]! ||
      a.start - b.start,
  );
  const kept: Span[] = [];
  for (const s of ranked) {
    const clashes = kept.filter((k) => s.start < k.end && k.start < s.end);
    if (clashes.length === 0) {
      kept.push(s);
      continue;
    }
    if (s.type !== "address") continue;
    let end = Math.min(...clashes.map((k) => k.start));
    while (end > s.start && " ,.;:\n\t".includes(text[end - 1]!)) end--;
    if (end - s.start >= 6) kept.push({ start: s.start, end, type: s.type });
  }
  return kept.sort((a, b) => a.start - b.start);
}

const spanArb = (length: number) =>
  fc
    .record({
      start: fc.integer({ min: 0, max: length - 1 }),
      len: fc.integer({ min: 1, max: 40 }),
      type: fc.constantFrom(...TYPES),
    })
    .map(({ start, len, type }) => ({ start, end: Math.min(length, start + len), type }));

describe("resolveSpans", () => {
  it("keeps what the plain rule keeps, with few spans and with many", () => {
    const text = "Main St 5, Springfield. Call 555 0100; ".repeat(20);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.array(spanArb(text.length), { maxLength: 20 }),
          fc.array(spanArb(text.length), { minLength: 65, maxLength: 400 }),
        ),
        (spans) => {
          expect(resolveSpans(spans, text)).toEqual(reference(spans, text));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("redacts every name of a long text of names (32,000 spans: the covered-units path)", () => {
    const r = createRedactor({ memberNames: ["Ana Silva"], enabled: {} });
    const text = Array.from({ length: 32_000 }, () => "Sousa and Ball").join(" and ");
    const out = r.redact(text);
    expect(out.startsWith("[PERSON] and [PERSON]")).toBe(true);
    expect(out.includes("Sousa")).toBe(false);
  });
});
