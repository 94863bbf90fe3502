import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MemberNameDetector } from "./detectors/member-names.js";
import { NameAutomaton } from "./name-automaton.js";
import { createRedactor } from "./redactor.js";
import type { Span } from "./span.js";
import { resolveSpans } from "./span.js";
import { locateTextField } from "./text-field.js";

describe("NameAutomaton", () => {
  it("reports every occurrence of every pattern, overlapping ones included, case-insensitively", () => {
    const a = new NameAutomaton(["he", "she", "his", "hers", "Ana María"]);
    const hits: string[] = [];
    const text = "USHERS met ana\u00a0maría";
    a.findAll(text, (s, e) => hits.push(text.slice(s, e).toLowerCase()));
    expect(hits.sort()).toEqual(["ana\u00a0maría", "he", "hers", "she"].sort());
  });

  it("agrees with a naive search on random patterns and texts", () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[abc]{1,4}$/), { minLength: 1, maxLength: 8 }),
        fc.stringMatching(/^[abcABC ]{0,30}$/),
        (patterns, text) => {
          const a = new NameAutomaton(patterns);
          const got: string[] = [];
          a.findAll(text, (s, e) => got.push(`${s}:${e}`));
          const want: string[] = [];
          const low = text.toLowerCase();
          for (const p of new Set(patterns.map((x) => x.toLowerCase()))) {
            for (let i = low.indexOf(p); i >= 0; i = low.indexOf(p, i + 1))
              want.push(`${i}:${i + p.length}`);
          }
          expect(got.sort()).toEqual(want.sort());
        },
      ),
    );
  });
});

describe("MemberNameDetector", () => {
  it("matches whole words only; one-word names only when capitalised", () => {
    const d = new MemberNameDetector(["Maria Garcia", "Hope", "x"]);
    const spans: Span[] = [];
    const text = "maria garcia, MariaGarcia, hope, Hope";
    d.detect(text, spans);
    expect(spans.map((s) => text.slice(s.start, s.end))).toEqual(["maria garcia", "Hope"]);
  });

  it("indexes a hundred thousand names and still finds one", () => {
    const names = Array.from({ length: 100_000 }, (_, i) => `Member${i} Surname${i % 997}`);
    const d = new MemberNameDetector(names);
    const spans: Span[] = [];
    d.detect("thanks member99999 surname299 for the tip", spans);
    expect(spans).toEqual([{ start: 7, end: 29, type: "member_name" }]);
  });
});

describe("resolveSpans", () => {
  it("lets checksummed types beat guesses, the longest win within a tier, and cuts addresses back", () => {
    const text = "Main Street 5, Springfield. GB82WEST12345698765432 thanks";
    const spans: Span[] = [
      { start: 0, end: 40, type: "address" },
      { start: 28, end: 50, type: "iban" },
      { start: 5, end: 11, type: "person" },
    ];
    expect(resolveSpans(spans, text)).toEqual([
      { start: 0, end: 26, type: "address" },
      { start: 28, end: 50, type: "iban" },
    ]);
  });
});

describe("createRedactor", () => {
  it("replaces each type with its placeholder and honours the policy switches", () => {
    const text =
      "Mail jo@example.org or call +44 20 7946 0958, ask Maria Garcia, see https://x.io/u/jo";
    const all = createRedactor({ memberNames: ["Maria Garcia"], enabled: {} });
    expect(all.redact(text)).toBe("Mail [EMAIL] or call [PHONE], ask [PERSON], see [URL]");
    const some = createRedactor({
      memberNames: ["Maria Garcia"],
      enabled: { email: false, member_name: false, person: false },
    });
    expect(some.redact(text)).toBe(
      "Mail jo@example.org or call [PHONE], ask Maria Garcia, see [URL]",
    );
  });

  it("is deterministic and leaves text without PII unchanged", () => {
    const r = createRedactor({ memberNames: [], enabled: {} });
    const text = "Version 2.14.3 is out, 3-1 at half time ⚽ #MondayMotivation";
    expect(r.redact(text)).toBe(text);
  });
});

describe("locateTextField", () => {
  it("finds the top-level text string, skipping nested ones, the last of repeated keys", () => {
    const line = '{"meta":{"text":"inner"},"text":"a \\"b\\"","n":1,"text":"last"}';
    const at = locateTextField(line)!;
    expect(line.slice(at.start, at.end)).toBe('"last"');
    expect(locateTextField('{"text":5}')).toBeNull();
    expect(locateTextField('{"id":"x"}')).toBeNull();
  });
});
