/**
 * The cheap scans only save work: whatever they skip, the detectors would not have found.
 * Checked differentially (as Zod checks its fast path against the interpreted one): the
 * gated redactor against every detector run on every text, and the member-name trie walk
 * from word starts against the full Aho-Corasick scan filtered to word boundaries.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generatePiiSet } from "../../eval/generate-pii-set.js";
import { isUpper, WORD_CHAR, wordEndsAt, wordStartsAt } from "./chars.js";
import { detectAddresses, detectAddressesUngated } from "./detectors/address.js";
import { DETECTORS } from "./detectors/index.js";
import { MemberNameDetector } from "./detectors/member-names.js";
import { detectNationalIds, detectNationalIdsUngated } from "./detectors/national-id.js";
import { detectPersons, scanText, wordsOf } from "./detectors/person.js";
import { foldAccents, withoutAccents } from "./lexicon.js";
import { AUTOMATON_KEY, NameAutomaton } from "./name-automaton.js";
import { createRedactor } from "./redactor.js";
import type { Span } from "./span.js";
import { resolveSpans } from "./span.js";
import type { TextFacts } from "./text-facts.js";
import { emptyFacts, factsOf } from "./text-facts.js";

/** Texts where a gate is tight: ordinals, unit numbers, folding letters, emoji after numbers. */
const EDGES = [
  "We moved to 100 5th Avenue, New York, NY 10011 last week",
  "Flat 12-3 Main Street is ours, and 7/2B High Rd too",
  "I live at 221B Baker Street, London NW1 6XE",
  "Wir wohnen in der Hauptstr. 5, 10115 Berlin.",
  "Nuova casa: Via Roma 10, 00184 Roma. Venite!",
  "send it to 45 Jacob Meadow, 7396 Dickensport please",
  "postcode SW1A 1AA only, and 12 Dover \u017ftreet",
  "5 📱 Main Street and 7°C at 3 pm, 10\u00a0Downing Street",
  "see WWW.Example.org/x and Example.COM/path today",
  "call 0044 20 7946 0958 or 0116 948 4924, ssn 123-45-6789",
  "IPv6 fe80::1 and a::b, also 10:30",
  "mail me: jo@example.org, @jo_doe and u/throwaway_1",
  "NI AB123456C, DNI 12345678Z, CF RSSMRA85T10A562S",
  "Hey ANNA, call me 5551234567 or A56319335",
  "1941–2024 🕊️ RIP Jane Doe",
];

/** What the redactor would report if every detector ran on every text. */
function ungated(text: string, members: MemberNameDetector): Span[] {
  const out: Span[] = [];
  for (const d of Object.values(DETECTORS)) d.detect(text, out, factsOf(text));
  members.detect(text, out);
  return resolveSpans(out, text);
}

describe("cheap scans", () => {
  it("never hide a span: the gated redactor finds what every detector run ungated finds", () => {
    const set = generatePiiSet(3000, 7);
    const members = new MemberNameDetector(set.memberNames);
    const redactor = createRedactor({ memberNames: set.memberNames, enabled: {} });
    const texts = [...EDGES, ...set.texts.map((t) => t.text)];
    let spans = 0;
    for (const text of texts) {
      const want = ungated(text, members);
      spans += want.length;
      expect(redactor.spans(text), text).toEqual(want);
    }
    // Most generated posts carry PII, so the comparison says something.
    expect(spans).toBeGreaterThan(texts.length / 2);
  });

  it("find every national id the ungated patterns find, from the digit runs alone", () => {
    // Pieces of every identifier's shape (groups of digits, capitals, spaces, dashes, the
    // DNI's X/Y/Z, NIR's 2A) glued at random, plus valid identifiers of each kind.
    const piece = fc.oneof(
      fc.stringMatching(/^[0-9]{1,9}$/),
      fc.constantFrom(" ", "-", "  ", "A", "B", "QQ ", "AB", "X", "Z", "C", ", ", "a", "(", "2A"),
      fc.constantFrom(
        "308-63-0237",
        "308 63 0237",
        "AB123456C",
        "AB 12 34 56 C",
        "AB 1234 56C",
        "12345678Z",
        "NIE X1234567L",
        "RSSMRA85T10A562S",
        "2363 4578 1239",
        "1 85 05 78 006 084 91",
        "1 85 05 2A 123 456 33",
        "185052A12345633",
      ),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const text = pieces.join("");
        const got: Span[] = [];
        detectNationalIds(text, got, factsOf(text));
        const want: Span[] = [];
        detectNationalIdsUngated(text, want);
        expect(got, text).toEqual(want);
      }),
      { numRuns: 5000 },
    );
    for (const text of EDGES) {
      const got: Span[] = [];
      detectNationalIds(text, got, factsOf(text));
      const want: Span[] = [];
      detectNationalIdsUngated(text, want);
      expect(got, text).toEqual(want);
    }
  });

  it("find every address the ungated patterns find, from the digit runs and chunks around them", () => {
    // Street words, numbers, commas and postcodes glued at random with white space (some of
    // it not ASCII), punctuation, folding letters (long s, Kelvin), emoji, marks, hyphens and
    // lone surrogates, also right before a capital ("x-Hauptstra\u00dfe 5").
    const piece = fc.oneof(
      fc.stringMatching(/^[0-9]{1,6}[a-c]?$/),
      fc.constantFrom("12-3b", "7/2", "12-345"),
      fc.constantFrom(
        " ",
        " ",
        " ",
        ", ",
        "  ",
        "\u00a0",
        "\u2009",
        "\n",
        ",",
        ".",
        "-5",
        "/",
        "'",
      ),
      fc.constantFrom("Main", "main", "Jacob", "de", "la", "the", "N", "north", "5th", "St.Ann"),
      fc.constantFrom(
        "Street",
        "st",
        "Rd.",
        "AVE",
        "Meadow",
        "Crossroad",
        "\u017ftreet",
        "par\u212a",
      ),
      fc.constantFrom(
        "Via",
        "via",
        "Calle",
        "c/",
        "ul.",
        "Avda.",
        "all\u00e9e",
        "PRA\u00c7A",
        "pa\u017feo",
        "(rue",
      ),
      fc.constantFrom(
        "Hauptstra\u00dfe",
        "Kerkstraat",
        "Paris",
        "Berlin",
        "SW1A 1AA",
        "NW1 6XE",
        "DC",
      ),
      fc.constantFrom(
        "75002",
        "10115",
        "28-100",
        "188 264",
        "(",
        "#",
        "Apt",
        "\u{1f4f1} ",
        "\ud800 ",
        "\u00e9",
        "\u{1f4f1}",
        "\ud800",
        "\u0301",
        "-",
        "x-",
      ),
    );
    const check = (text: string): void => {
      const got: Span[] = [];
      detectAddresses(text, got, factsOf(text));
      const want: Span[] = [];
      detectAddressesUngated(text, want);
      expect(got, text).toEqual(want);
    };
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 16 }), (pieces) => check(pieces.join(""))),
      { numRuns: 20000 },
    );
    // A capital after a hyphen, emoji, mark or lone surrogate starts the pattern's word.
    for (const lead of ["", "-", "x-", "\u{1f4f1}", "\u0301", "\ud800", "Karl-"]) {
      const text = `${lead}Hauptstra\u00dfe 5`;
      check(text);
      const got: Span[] = [];
      detectAddresses(text, got, factsOf(text));
      expect(got.length, text).toBe(1);
    }
    // Addresses of every length the patterns allow and one longer: a number, up to seven
    // words (a type word among them) and a suffix or a comma and a postcode, or neither.
    const word = fc.constantFrom(
      "Roma",
      "de",
      "N",
      "5th",
      "c/",
      "Via",
      "o'Neil",
      "Zo\u00eb",
      "x,",
      "(a",
    );
    const space = fc.constantFrom(" ", "  ", "\u00a0", ", ");
    const end = fc.constantFrom(
      "",
      " Street",
      " Rd.",
      ", 75002 Paris",
      ", SW1A 1AA",
      " 12",
      ", 10 Roma",
    );
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9]{1,3}[a-c]?$/),
        fc.array(fc.tuple(space, word), { maxLength: 7 }),
        end,
        (num, words, tail) => check(`${num}${words.map(([s, w]) => s + w).join("")}${tail}`),
      ),
      { numRuns: 20000 },
    );
    for (const text of EDGES) check(text);
    // A long s folds to "s" in the type word; a later type word must not hide the earlier one.
    check("pa\u017feo del Prado 8");
    check("en pa\u017feo del Prado 8 y via Roma 10, rue de la Paix 5 and via 7");
    for (const t of generatePiiSet(2000, 13).texts) check(t.text);
  });

  it("walk the member-name trie from word starts only, finding what the full automaton finds", () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[abAB'(-][abAB' -]{0,5}$/), { minLength: 1, maxLength: 8 }),
        fc.stringMatching(/^[abAB '(\-.,]{0,40}$/),
        (names, text) => {
          const detector = new MemberNameDetector(names);
          const got: Span[] = [];
          detector.detect(text, got);
          // The former implementation: every occurrence, then the word-boundary filters.
          const automaton = new NameAutomaton(names.filter((n) => /[abAB].*[abAB]/.test(n)));
          const want: Span[] = [];
          automaton.findAll(text, (start, end, p) => {
            if (!wordStartsAt(text, start) || !wordEndsAt(text, end)) return;
            if (!automaton.patterns[p]!.includes(" ") && !isUpper(text.charCodeAt(start))) return;
            want.push({ start, end, type: "member_name" });
          });
          const key = (s: Span) => `${s.start}:${s.end}`;
          expect(got.map(key).sort()).toEqual(want.map(key).sort());
        },
      ),
    );
  });

  it("look a word up as a name's leading word only where the automaton's keys keep word characters", () => {
    // The member detector skips a word that leads no name, which is sound only if folding a
    // code unit into the automaton's key never turns a word character into another one or back.
    const changed: number[] = [];
    for (let c = 0; c < 65536; c++)
      if (WORD_CHAR[AUTOMATON_KEY[c]!] !== WORD_CHAR[c]) changed.push(c);
    expect(changed).toEqual([]);
  });

  it("count in the person tokeniser's pass exactly what the pre-scan counts", () => {
    const facts = (f: TextFacts) => ({
      digits: f.digits,
      ats: f.ats,
      dots: f.dots,
      colons: f.colons,
      slashes: f.slashes,
      runs: [...f.runStart.subarray(0, f.runs)].map((s, k) => `${s}-${f.runEnd[k]}`),
    });
    const reused = emptyFacts();
    const check = (text: string): void => {
      const want = facts(factsOf(text));
      expect(facts(scanText(text, reused)), text).toEqual(want);
      // And the persons found from the tokens of that pass are those found from scratch.
      const got: Span[] = [];
      detectPersons(text, got);
      detectPersons("\u0000", []);
      const fresh: Span[] = [];
      detectPersons(text, fresh);
      expect(got, text).toEqual(fresh);
    };
    fc.assert(
      fc.property(
        fc.array(
          fc.constantFrom(..."aZ09 5@.:/-'’_,\n\u00e9\u0663", "Judy", "12", "ab-12", "x'5", "🕊️"),
          { maxLength: 30 },
        ),
        (parts) => check(parts.join("")),
      ),
      { numRuns: 3000 },
    );
    for (const text of EDGES) check(text);
    for (const t of generatePiiSet(500, 11).texts) check(t.text);
  });

  it("fold accents of Latin words a code unit at a time as decomposition folds them", () => {
    for (let c = 0; c < 0x300; c++) {
      const ch = String.fromCharCode(c);
      expect(withoutAccents(ch), String(c)).toBe(foldAccents(ch));
    }
    const latin = fc.integer({ min: 0, max: 0x2ff }).map((c) => String.fromCharCode(c));
    const other = fc.constantFrom("a", "\u0301", "\u0308", "\u1e9e", "\u0130", "\u212a", "ǅ", "ﬁ");
    fc.assert(
      fc.property(fc.array(fc.oneof(latin, other), { maxLength: 12 }), (chars) => {
        const word = chars.join("");
        expect(withoutAccents(word), word).toBe(foldAccents(word));
      }),
      { numRuns: 20000 },
    );
  });

  it("find members' names from the tokeniser's words exactly as from the text", () => {
    const facts = emptyFacts();
    fc.assert(
      fc.property(
        // Names that start with a word character: the others make it scan the text instead.
        fc.array(fc.stringMatching(/^[abAB][abAB' -]{0,5}$/), { minLength: 1, maxLength: 8 }),
        fc.stringMatching(/^(?:[abAB '’(\-.,]|'s){0,40}$/),
        (names, text) => {
          const detector = new MemberNameDetector(names);
          const want: Span[] = [];
          detector.detect(text, want);
          scanText(text, facts);
          const words = wordsOf(text);
          expect(words).not.toBeNull();
          const got: Span[] = [];
          detector.detectWords(text, got, words!);
          expect(got, text).toEqual(want);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("walk the trie the same way when the third level is too big to be dense", () => {
    // 9,000 distinct two-unit prefixes (a letter, then a CJK character): more depth-2 nodes
    // than the automaton makes dense, so every transition below the root's children is a
    // binary search; then the same names with a dense third level, as a control.
    const names: string[] = [];
    for (let i = 0; i < 9000; i++)
      names.push(`${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(0x4e00 + i)}b c`);
    const text = `${names[0]} ${names[8999]}, x${names[5]} ${names[77]!.slice(0, 3)} ${names[26]}`;
    for (const set of [names, names.slice(0, 100)]) {
      const automaton = new NameAutomaton(set);
      const walked: string[] = [];
      for (let i = 0; i < text.length; i++)
        automaton.findAt(text, i, (start, end) => walked.push(`${start}:${end}`));
      const all: string[] = [];
      automaton.findAll(text, (start, end) => all.push(`${start}:${end}`));
      expect(walked.sort()).toEqual(all.sort());
      expect(all.length).toBe(set === names ? 4 : 3);
    }
  });

  it("keep person names right after the token cache has been overwritten many times", () => {
    const text = "Judy met Donald van der Voet in Paris, thanks priya";
    const before: Span[] = [];
    detectPersons(text, before);
    expect(before.map((s) => text.slice(s.start, s.end))).toEqual([
      "Judy",
      "Donald van der Voet",
      "priya",
    ]);
    // More distinct words (letters only: a word with a digit bypasses the cache) than the
    // cache has slots (2^18), so most slots are overwritten.
    const letters = (i: number): string =>
      i.toString(26).replace(/[0-9]/g, (d) => String.fromCharCode(113 + Number(d)));
    for (let i = 0; i < 600_000; i++) detectPersons(`Zq${letters(i)}`, []);
    const after: Span[] = [];
    detectPersons(text, after);
    expect(after).toEqual(before);
  });
});
