/**
 * People's names that are not members' display names: a rule-based detector over word
 * lists shipped in npm packages (see `lexicon.ts`). It looks only at capitalised words
 * (the cheap scan), except after a greeting or mention word, where social-media lower case
 * ("thanks sarah") is checked too. A span is a name when:
 * - a title precedes it ("Dr. Okafor", "Mrs Lee", "Herr Müller");
 * - two or more capitalised words in a row include a known name and no ordinary word
 *   ("Donald van der Voet", "James Koumura");
 * - one capitalised word is a name that is not also a common English word ("Judy", "Kowalski"),
 *   or, away from a sentence start, a name that is only a rare English word ("Lee");
 * - a lower-case name follows a greeting or mention word ("hey priya", "with tomasz nowak").
 */
import { isUpper, isWordChar } from "../chars.js";
import { isFirstName, NameClass, nameClass } from "../lexicon.js";
import type { Span } from "../span.js";

const TITLES = new Set([
  "mr",
  "mrs",
  "ms",
  "miss",
  "mx",
  "dr",
  "prof",
  "professor",
  "sir",
  "dame",
  "lady",
  "lord",
  "herr",
  "frau",
  "mme",
  "mlle",
  "madame",
  "monsieur",
  "sr",
  "sra",
  "srta",
  "señor",
  "señora",
  "dott",
  "dottssa",
  "signor",
  "signora",
  "rev",
  "fr",
  "capt",
  "sgt",
  "uncle",
  "aunt",
  "auntie",
]);
const PARTICLES = new Set([
  "van",
  "von",
  "der",
  "den",
  "de",
  "da",
  "di",
  "del",
  "della",
  "du",
  "la",
  "le",
  "bin",
  "ibn",
  "al",
  "el",
  "ten",
  "ter",
  "y",
  "dos",
  "das",
]);
/** Words after which a lower-case name is likely ("hey priya", "cc tomasz", "met with ana"). */
const TRIGGERS = new Set([
  "hi",
  "hey",
  "hello",
  "dear",
  "thanks",
  "thank",
  "thx",
  "ty",
  "cc",
  "congrats",
  "with",
  "met",
  "ask",
  "tell",
  "told",
  "call",
  "called",
  "love",
  "miss",
  "named",
  "ping",
  "dm",
  "and",
  "by",
  "to",
  "from",
  "via",
  "friend",
  "bro",
  "sis",
  "mate",
  "is",
  "am",
  "im",
  "i'm",
]);

/**
 * Words that make a capitalised run a company, a street or a place, not a person
 * ("Smith Ltd.", "Baker Street", "Princess Royal Hospital").
 */
const NOT_PERSON_HEADS = new Set([
  "ltd",
  "limited",
  "inc",
  "llc",
  "llp",
  "plc",
  "gmbh",
  "ag",
  "sa",
  "sas",
  "srl",
  "bv",
  "nv",
  "oy",
  "ab",
  "as",
  "corp",
  "corporation",
  "co",
  "company",
  "group",
  "holdings",
  "partners",
  "associates",
  "foundation",
  "institute",
  "university",
  "college",
  "school",
  "academy",
  "hospital",
  "clinic",
  "hotel",
  "bank",
  "church",
  "museum",
  "centre",
  "center",
  "club",
  "street",
  "st",
  "road",
  "rd",
  "avenue",
  "ave",
  "lane",
  "ln",
  "drive",
  "boulevard",
  "blvd",
  "way",
  "court",
  "place",
  "square",
  "park",
  "bridge",
  "station",
  "airport",
  "river",
  "lake",
  "mount",
  "county",
  "city",
  "state",
  "province",
  "district",
  "royal",
  "princess",
  "prince",
  "king",
  "queen",
  "bot",
  "team",
  "support",
  "admin",
  "news",
]);

/** US states and territories: capitalised, often also surnames, never people in context. */
const REGIONS = new Set([
  "alabama",
  "alaska",
  "arizona",
  "arkansas",
  "california",
  "colorado",
  "connecticut",
  "delaware",
  "florida",
  "hawaii",
  "idaho",
  "illinois",
  "indiana",
  "iowa",
  "kansas",
  "kentucky",
  "louisiana",
  "maine",
  "maryland",
  "massachusetts",
  "michigan",
  "minnesota",
  "mississippi",
  "missouri",
  "montana",
  "nebraska",
  "nevada",
  "ohio",
  "oklahoma",
  "oregon",
  "pennsylvania",
  "tennessee",
  "texas",
  "utah",
  "vermont",
  "wisconsin",
  "wyoming",
]);

interface Token {
  readonly start: number;
  /** End without a possessive "'s". */
  readonly end: number;
  readonly lower: string;
  readonly capital: boolean;
  /** Whether a sentence ends between the previous token and this one. */
  readonly sentenceStart: boolean;
}

function isApostrophe(c: number): boolean {
  return c === 39 || c === 0x2019;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const n = text.length;
  let sentenceStart = true;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (!isWordChar(c)) {
      // . ! ? and line breaks end a sentence.
      if (c === 46 || c === 33 || c === 63 || c === 10) sentenceStart = true;
      i++;
      continue;
    }
    const start = i;
    while (i < n) {
      const d = text.charCodeAt(i);
      if (isWordChar(d)) i++;
      else if ((d === 45 || isApostrophe(d)) && i + 1 < n && isWordChar(text.charCodeAt(i + 1)))
        i += 2;
      else break;
    }
    let end = i;
    // Possessive: "Judy's" names Judy.
    if (
      end - start > 3 &&
      isApostrophe(text.charCodeAt(end - 2)) &&
      (text.charCodeAt(end - 1) | 32) === 115
    )
      end -= 2;
    const word = text.slice(start, end);
    tokens.push({
      start,
      end,
      lower: word.toLowerCase(),
      capital:
        isUpper(c) &&
        !(end - start > 1 && isUpper(text.charCodeAt(start + 1)) && word === word.toUpperCase()),
      sentenceStart,
    });
    sentenceStart = false;
  }
  return tokens;
}

/** The class of a token, looking at the parts of a hyphenated name ("Jean-Luc", "Smith-Jones"). */
function classOf(lower: string): NameClass {
  if (NOT_PERSON_HEADS.has(lower) || REGIONS.has(lower)) return NameClass.Word;
  const whole = nameClass(lower);
  if (whole !== NameClass.Unknown || !lower.includes("-")) return whole;
  let best: NameClass = NameClass.Word;
  for (const part of lower.split("-")) best = Math.max(best, nameClass(part)) as NameClass;
  return best;
}

function isNameClass(c: NameClass): boolean {
  return c >= NameClass.Listed;
}

/** Whether only spaces (no punctuation, no line break) separate two tokens. */
function adjacent(text: string, a: Token, b: Token): boolean {
  for (let i = a.end; i < b.start; i++) if (text.charCodeAt(i) !== 32) return false;
  return b.start - a.end <= 2;
}

/** Appends a `person` span for each name found in `text`. */
export function detectPersons(text: string, out: Span[]): void {
  const tokens = tokenize(text);
  const n = tokens.length;
  let i = 0;
  while (i < n) {
    const t = tokens[i]!;
    // Title + capitalised word(s): "Dr. Okafor", "Mrs Lee Chang".
    if (TITLES.has(t.lower) && i + 1 < n) {
      const gap = text.slice(t.end, tokens[i + 1]!.start);
      if (
        (gap === " " || gap === ". ") &&
        tokens[i + 1]!.capital &&
        classOf(tokens[i + 1]!.lower) !== NameClass.Word
      ) {
        let j = i + 1;
        while (
          j + 1 < n &&
          tokens[j + 1]!.capital &&
          adjacent(text, tokens[j]!, tokens[j + 1]!) &&
          classOf(tokens[j + 1]!.lower) !== NameClass.Word
        )
          j++;
        out.push({ start: t.start, end: tokens[j]!.end, type: "person" });
        i = j + 1;
        continue;
      }
    }
    if (t.capital) {
      // The run of capitalised words (and name particles between them) starting here.
      const classes: NameClass[] = [classOf(t.lower)];
      let j = i;
      let head = false;
      while (j + 1 < n && adjacent(text, tokens[j]!, tokens[j + 1]!)) {
        const next = tokens[j + 1]!;
        if (next.capital) {
          const c = classOf(next.lower);
          if (c === NameClass.Word) {
            head = NOT_PERSON_HEADS.has(next.lower);
            break;
          }
          classes.push(c);
          j++;
        } else if (
          PARTICLES.has(next.lower) &&
          j + 2 < n &&
          tokens[j + 2]!.capital &&
          adjacent(text, next, tokens[j + 2]!)
        ) {
          classes.push(NameClass.Unknown);
          j++;
        } else break;
      }
      const first = classes[0]!;
      if (head) {
        // "Smith Ltd.", "Baker Street": the whole run names a company or a street.
        i = j + 2;
        continue;
      }
      if (first === NameClass.Word) {
        i++;
        continue;
      }
      if (j > i && isNameClass(first)) {
        // A run that starts with a name and has no ordinary word in it.
        out.push({ start: t.start, end: tokens[j]!.end, type: "person" });
        i = j + 1;
        continue;
      }
      if (first === NameClass.Strong || (first === NameClass.Medium && !t.sentenceStart)) {
        out.push({ start: t.start, end: t.end, type: "person" });
      }
      i++;
      continue;
    }
    // Lower case: only right after a greeting or mention word.
    if (
      i > 0 &&
      t.lower.length >= 3 &&
      TRIGGERS.has(tokens[i - 1]!.lower) &&
      adjacent(text, tokens[i - 1]!, t)
    ) {
      const c = classOf(t.lower);
      if (c >= NameClass.Medium && isFirstName(t.lower)) {
        let end = t.end;
        const next = tokens[i + 1];
        if (
          next !== undefined &&
          !next.capital &&
          adjacent(text, t, next) &&
          classOf(next.lower) >= NameClass.Listed
        ) {
          end = next.end;
          i++;
        }
        out.push({ start: t.start, end, type: "person" });
      }
    }
    i++;
  }
}
