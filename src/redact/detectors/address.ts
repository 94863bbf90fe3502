/**
 * Street addresses in the common Western forms:
 * - number first (US, UK, CA, AU, FR): "221B Baker Street", "1600 Pennsylvania Ave NW, Washington, DC 20500",
 *   "12 rue de la Paix, 75002 Paris", with flat/suite numbers and a town + postcode/ZIP tail;
 * - street-type word first (ES, IT, PT, BR, PL, FR): "Calle Mayor 5", "Via Roma 10", "Rua Augusta, 100", "ul. Długa 5";
 * - compound street names, number after (DE, AT, CH, NL, Nordics): "Hauptstraße 5, 10115 Berlin", "Kerkstraat 12";
 * - a full UK postcode on its own ("SW1A 1AA").
 * Lower-case writing ("221b baker street") is accepted when the street's name words are not
 * ordinary function words.
 */

import {
  FNV_OFFSET,
  FNV_PRIME,
  isAsciiLetter,
  isLatinLetter,
  isUpper,
  isWordChar,
} from "../chars.js";
import { isStopword } from "../lexicon.js";
import type { Span } from "../span.js";
import type { TextFacts } from "../text-facts.js";
import { factsOf } from "../text-facts.js";

const NUM = String.raw`\d{1,5}[a-z]?(?:[-/]\d{1,4}[a-z]?)?`;
const WORD = String.raw`(?:\p{L}[\p{L}\p{M}'’.-]*|\d{1,3}(?:st|nd|rd|th))`;
/** Street suffixes: the common part of USPS Publication 28's list, plus UK forms. */
const SUFFIX = `(?:street|streets|st|avenue|ave|av|road|roads|rd|boulevard|blvd|lane|ln|drive|drives|dr|court|courts|ct|place|pl|way|ways|terrace|ter|circle|circles|cir|parkway|pkwy|highway|hwy|square|sq|trail|trl|crescent|cres|close|grove|groves|gardens|gdns|mews|row|hill|hills|walk|green|rise|parade|esplanade|alley|plaza|loop|pike|crossing|crossroad|ridge|ridges|heights|causeway|embankment|wharf|quay|run|cliff|cliffs|crest|island|islands|fork|forks|knoll|knolls|mead|meadow|meadows|paddock|wynd|approach|extension|side|pines|cove|coves|lights|flats|ramp|shore|shores|valley|valleys|village|villages|field|fields|key|keys|manor|mall|junction|harbor|harbors|harbour|springs|spring|park|parks|view|vista|point|points|port|ports|station|summit|track|trace|turnpike|underpass|union|unions|well|wells|estate|estates|expressway|freeway|ferry|ford|fords|forest|fort|garden|gateway|glen|glens|haven|hollow|inlet|lake|lakes|landing|light|lock|locks|lodge|mill|mills|mission|motorway|mount|mountain|neck|orchard|oval|overpass|pass|passage|path|plain|plains|prairie|radial|ranch|rapids|rest|route|shoal|skyway|spur|stream|terrace|throughway|tunnel|viaduct|ville|burg|burgs|bypass|camp|canyon|cape|center|centre|common|commons|corner|corners|creek|dale|dam|divide|end|falls|flat|gate|bay|beach|bend|bluff|bottom|branch|bridge|brook|brooks|loaf)`;
const UNIT = String.raw`(?:,?\s+(?:apt|apartment|suite|ste|unit|flat|floor|fl|room|rm|#)\.?\s*#?\s*\w{1,6})`;
const UK_POSTCODE = String.raw`[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}`;
const TOWN = String.raw`\p{Lu}[\p{L}\p{M}'’-]*(?:[\s-]\p{Lu}[\p{Ll}\p{M}'’-]+){0,2}`;
const TAIL = String.raw`(?:,?\s+(?:${TOWN},?\s+)?(?:[A-Z]{2}\s+\d{5}(?:-\d{4})?|${UK_POSTCODE}|\d{4,5}\s+${TOWN}|\d{5}(?:-\d{4})?))?`;

const NUMBER_FIRST = new RegExp(
  String.raw`${NUM}\s+(?:(?:n|s|e|w|north|south|east|west)\.?\s+)?(${WORD}(?:\s+${WORD}){0,3})\s+${SUFFIX}\.?(?![\p{L}\p{N}])(?:\s+(?:nw|ne|sw|se)\b)?${UNIT}?${TAIL}`,
  "iuy",
);
const PREFIX_TYPE = String.raw`(?:rue|avenue|boulevard|bd|chemin|allée|impasse|quai|voie|passage|place|cours|marginal|rodovia|calle|c/|avenida|avda\.?|paseo|camino|carrer|via|viale|piazza|corso|vicolo|rua|travessa|praça|estrada|alameda|ul\.|ulica|aleja|al\.)`;
const TYPE_FIRST = new RegExp(
  String.raw`(?<![\p{L}\p{N}])(?:${NUM},?\s+)?${PREFIX_TYPE}\s+((?:${WORD}\s+){0,4}${WORD}),?\s+${NUM}(?![\p{L}\p{N}])${UNIT}?${TAIL}`,
  "giu",
);
const NUMBER_TYPE_FIRST = new RegExp(
  String.raw`${NUM},?\s+${PREFIX_TYPE}\s+((?:${WORD}\s+){0,4}${WORD})(?:,\s+\d{4,5}\s+${TOWN})`,
  "iuy",
);
const COMPOUND = new RegExp(
  String.raw`(?<![\p{L}\p{N}])(\p{Lu}[\p{L}\p{M}-]*(?:straße|strasse|str\.|weg|platz|allee|gasse|ring|damm|ufer|chaussee|straat|laan|gracht|plein|gade|gatan|vägen|veien|gata|katu|utca))\s+${NUM}(?![\p{L}\p{N}])${TAIL}`,
  "gu",
);
/** Postcodes that follow a street and a comma: US ZIP(+4), BR CEP, PL, IN PIN, UK, plain 4–5 digits. */
const POSTCODE = String.raw`(?:\d{5}(?:-\d{3,4})?|\d{2}-\d{3}|\d{3}\s\d{3}|\d{4}|${UK_POSTCODE})`;
const PLACE_NAME = String.raw`\p{Lu}[\p{L}\p{M}'’.-]*(?:\s(?:\p{Lu}[\p{L}\p{M}'’.-]*|do|da|de|du|des|di|del|la|le|sur|am|an|upon|on))*`;
/**
 * Any language's "number, street name, comma, postcode, town": the postcode after a comma is
 * what makes it an address ("45 Jacob Meadow, 7396 Dickensport", "130 Jain Crossroad, 188 264 Murtijapur").
 */
const STREET_POSTCODE_TOWN = new RegExp(
  String.raw`${NUM},?\s+(?:\p{L}[\p{L}\p{M}'’.-]*\s+){0,5}\p{L}[\p{L}\p{M}'’.-]*,\s+${POSTCODE}\s+${PLACE_NAME}`,
  "uy",
);
const POSTCODE_ONLY = new RegExp(String.raw`(?<![\p{L}\p{N}])${UK_POSTCODE}(?![\p{L}\p{N}])`, "gu");

/** The street name's words must not be function words ("5 minutes from the road"). */
function plausibleName(words: string | undefined): boolean {
  if (words === undefined) return true;
  for (const w of words.split(/\s+/)) if (isStopword(w.toLowerCase())) return false;
  return true;
}

function record(text: string, m: RegExpExecArray, out: Span[]): void {
  let end = m.index + m[0].length;
  // A sentence-ending period after an abbreviation is not part of the address.
  if (text.charCodeAt(end - 1) === 46 && end === text.length) end--;
  out.push({ start: m.index, end, type: "address" });
}

function scan(text: string, re: RegExp, out: Span[], from = 0): void {
  re.lastIndex = from;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) record(text, m, out);
}

/** FNV-1a of lower-cased ASCII letters (`text[start, end)` must be ASCII letters). */
function letterHash(text: string, start: number, end: number): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) h = Math.imul(h ^ (text.charCodeAt(i) | 32), FNV_PRIME);
  return h;
}

/**
 * Hashes of the street suffixes of `SUFFIX`, for the pre-check of `NUMBER_FIRST`. A word whose
 * hash collides with one only makes the pattern run; it never hides an address.
 */
const SUFFIX_HASHES: ReadonlySet<number> = new Set(
  SUFFIX.slice(3, -1)
    .split("|")
    .map((w) => letterHash(w, 0, w.length)),
);

/**
 * Runs the sticky number-first patterns at `at`, the start of a house number: `NUMBER_FIRST`
 * only when `suffixAhead`, the two that need a comma and a postcode only when `commaAhead`.
 */
function tryNumberFirst(
  text: string,
  at: number,
  suffixAhead: boolean,
  commaAhead: boolean,
  out: Span[],
): void {
  if (suffixAhead) {
    NUMBER_FIRST.lastIndex = at;
    const m = NUMBER_FIRST.exec(text);
    if (m !== null && plausibleName(m[1])) record(text, m, out);
  }
  if (!commaAhead) return;
  for (let k = 0; k < COMMA_PATTERNS.length; k++) {
    const re = COMMA_PATTERNS[k]!;
    re.lastIndex = at;
    const m = re.exec(text);
    if (m !== null) record(text, m, out);
  }
}

const COMMA_PATTERNS = [NUMBER_TYPE_FIRST, STREET_POSTCODE_TOWN] as const;

/**
 * A street-type word and white space, as `TYPE_FIRST` has them (same flags, so the long s
 * folds to "s" as there): where the street-type-first pattern ("Via Roma 10", "Calle Mayor 5")
 * can match.
 */
const TYPE_WORD = new RegExp(String.raw`${PREFIX_TYPE}\s`, "giu");

/**
 * Appends what a global `TYPE_FIRST` scan finds, running the pattern only from near each
 * street-type word. Every match has its type word and white space before its house number,
 * which follows white space and has at most five digits, so before `lastNumber`, the last
 * such number; and it starts at the type word, or at a number in the white-space separated
 * chunk before it. So the scan may start at the chunk before the first type word at or after
 * where it stands, and stop when no type word comes before `lastNumber`: it finds the same
 * matches as a scan of the whole text from the start.
 */
function scanTypeFirst(text: string, lastNumber: number, out: Span[]): void {
  // A prefix: the same indices as `text`.
  const head = text.slice(0, lastNumber);
  let from = 0;
  for (;;) {
    TYPE_WORD.lastIndex = from;
    const t = TYPE_WORD.exec(head);
    if (t === null) return;
    TYPE_FIRST.lastIndex = Math.max(from, chunkBefore(text, t.index));
    const m = TYPE_FIRST.exec(text);
    if (m === null) return;
    record(text, m, out);
    from = TYPE_FIRST.lastIndex;
  }
}

/** Where the white-space separated chunk before the one holding `at` starts (or 0). */
function chunkBefore(text: string, at: number): number {
  let i = at;
  while (i > 0 && !isRegExpSpace(text.charCodeAt(i - 1))) i--;
  while (i > 0 && isRegExpSpace(text.charCodeAt(i - 1))) i--;
  while (i > 0 && !isRegExpSpace(text.charCodeAt(i - 1))) i--;
  return i;
}
/** A compound street name's ending, at the end of the word before a house number. */
const COMPOUND_END =
  /(?:straße|strasse|str\.|weg|platz|allee|gasse|ring|damm|ufer|chaussee|straat|laan|gracht|plein|gade|gatan|vägen|veien|gata|katu|utca)$/i;
/** Longest ending above, in code units. */
const COMPOUND_END_LENGTH = 8;

/** Whether `c` is a white-space character as `\s` sees it in a Unicode regular expression. */
function isRegExpSpace(c: number): boolean {
  // Most code units are letters between the two ranges: two comparisons decide them.
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  return (
    c >= 0xa0 &&
    (c === 0xa0 ||
      c === 0x1680 ||
      (c >= 0x2000 && c <= 0x200a) ||
      c === 0x2028 ||
      c === 0x2029 ||
      c === 0x202f ||
      c === 0x205f ||
      c === 0x3000 ||
      c === 0xfeff)
  );
}

/**
 * Whether a number-first pattern can match at a run of `digits` digits ending at `end`. Every
 * one needs a house number (`NUM`: at most five digits, maybe a letter, maybe "-12" or "/3"
 * and a letter), then an optional comma, white space and a letter or an ordinal ("5th").
 * Each way `NUM` can end is tried; a non-ASCII character on the way passes (case-insensitive
 * Unicode matching folds a few to ASCII letters). Rejects the times, versions, prices, phone
 * groups and ids that most numbers in posts are without running a pattern.
 */
function mayStartNumberFirst(text: string, end: number, digits: number): boolean {
  if (digits > 5 || end >= text.length) return false;
  if (restFits(text, end)) return true;
  if (isLatinLetter(text.charCodeAt(end)))
    return restFits(text, end + 1) || unitPartFits(text, end + 1);
  return unitPartFits(text, end);
}

/** Whether the character at `i` is a letter (`\p{L}`), astral ones included. */
function isLetterAt(text: string, i: number): boolean {
  // Past the end (a text that ends in a number and white space, "I'm 30 "): no letter.
  if (i >= text.length) return false;
  const c = text.charCodeAt(i);
  if (c < 128) return isAsciiLetter(c);
  return LETTER.test(String.fromCodePoint(text.codePointAt(i)!));
}

const LETTER = /^\p{L}$/u;

/** Whether a "-12" or "/3" part (and maybe a letter) at `at` can end `NUM` before the rest fits. */
function unitPartFits(text: string, at: number): boolean {
  const c = text.charCodeAt(at);
  if (c !== 45 && c !== 47) return false;
  let i = at + 1;
  while (i < text.length && i - at <= 5 && isDigitCode(text.charCodeAt(i))) i++;
  const n = i - at - 1;
  if (n < 1 || n > 4) return false;
  return restFits(text, i) || (isLatinLetter(text.charCodeAt(i)) && restFits(text, i + 1));
}

/** Whether `,?\s+` and then a letter or an ordinal can follow `NUM` ending at `at`. */
function restFits(text: string, at: number): boolean {
  let i = at;
  let c = text.charCodeAt(i);
  if (c === 44) c = text.charCodeAt(++i);
  if (!isRegExpSpace(c)) return false;
  while (i < text.length && isRegExpSpace(text.charCodeAt(i))) i++;
  if (isLetterAt(text, i)) return true;
  // A digit there can only start an ordinal street name ("100 5th Avenue"): 1–3 digits and
  // st/nd/rd/th; otherwise it is the next group of a phone number, a date or an amount.
  let d = i;
  while (d < text.length && d - i < 4 && isDigitCode(text.charCodeAt(d))) d++;
  if (d === i || d - i > 3) return false;
  const a = text.charCodeAt(d);
  const b = text.charCodeAt(d + 1);
  if (a === 0x17f || b === 0x17f) return true;
  const pair = String.fromCharCode(a | 32, b | 32);
  return pair === "st" || pair === "nd" || pair === "rd" || pair === "th";
}

/** Bits of `ahead`: a street suffix starts chunk 2–6, a comma and a postcode start end chunk 1–6. */
const SUFFIX_AHEAD = 1;
const COMMA_AHEAD = 2;

/**
 * What can follow the number chunk at `from` (a house number ends there), in one walk over
 * the next six white-space separated chunks. `SUFFIX_AHEAD`: one of the 2nd to 6th chunks
 * starts with a street suffix ("Street", "Rd.", "Ave,"), where `NUMBER_FIRST` puts it (after
 * up to four name words and a compass word). The suffix is then exactly the chunk's leading
 * ASCII letters (a letter after them would fail the pattern's `(?![\p{L}\p{N}])`), unless a
 * long s or Kelvin sign follows them, which case-insensitive Unicode matching folds to ASCII:
 * such a chunk passes. A chunk that cannot be a name word (see `nameWordEnd`) ends the suffix
 * search. `COMMA_AHEAD`: one of the 1st to 6th chunks ends with a comma followed by white
 * space and a digit or capital, the postcode both comma patterns need after at most six
 * words (", 75002 Paris", ", SW1A 1AA"); a chunk that starts with ASCII punctuation can be
 * none of their words and ends that search.
 */
function ahead(text: string, from: number): number {
  const n = text.length;
  let i = from;
  while (i < n && !isRegExpSpace(text.charCodeAt(i))) i++;
  let found = 0;
  // Which searches are still open.
  let open = SUFFIX_AHEAD | COMMA_AHEAD;
  for (let chunk = 1; chunk <= 6 && open !== 0; chunk++) {
    while (i < n && isRegExpSpace(text.charCodeAt(i))) i++;
    if (i >= n) break;
    const start = i;
    let c = text.charCodeAt(i);
    let h = FNV_OFFSET;
    while (isAsciiLetter(c)) {
      h = Math.imul(h ^ (c | 32), FNV_PRIME);
      c = text.charCodeAt(++i);
    }
    if ((open & SUFFIX_AHEAD) !== 0) {
      if (chunk >= 2 && (c === 0x17f || c === 0x212a || (i > start && SUFFIX_HASHES.has(h)))) {
        found |= SUFFIX_AHEAD;
        open &= ~SUFFIX_AHEAD;
      } else if (!nameWordEnd(text, start, i)) {
        // Not the suffix, so a name word (or the compass word) before it: a chunk that
        // cannot be one ends the search.
        open &= ~SUFFIX_AHEAD;
      }
    }
    if (i === start && c < 128 && !isAsciiLetter(c) && !isDigitCode(c)) open &= ~COMMA_AHEAD;
    while (i < n && !isRegExpSpace(text.charCodeAt(i))) i++;
    if ((open & COMMA_AHEAD) !== 0 && text.charCodeAt(i - 1) === 44) {
      let k = i;
      while (k < n && isRegExpSpace(text.charCodeAt(k))) k++;
      const d = text.charCodeAt(k);
      if ((d >= 48 && d <= 57) || (d >= 65 && d <= 90)) {
        found |= COMMA_AHEAD;
        open &= ~COMMA_AHEAD;
      }
    }
  }
  return found;
}

/**
 * Whether the chunk starting at `start` (up to white space) can be one of `NUMBER_FIRST`'s
 * name words, given that `[start, from)` are ASCII letters: a letter and then letters, marks,
 * apostrophes, full stops and hyphens, or an ordinal ("5th", left to the pattern). Emoji
 * (astral U+1F000–U+1FFFF, no letters there), lone surrogates and punctuation end it; other
 * non-ASCII characters pass unless the word-character table rules them out.
 */
function nameWordEnd(text: string, start: number, from: number): boolean {
  const n = text.length;
  if (from === start && isDigitCode(text.charCodeAt(start))) return true;
  for (let i = from; i < n; i++) {
    const c = text.charCodeAt(i);
    if (isRegExpSpace(c)) return i > start;
    if (c < 128) {
      if (isAsciiLetter(c) || (i > start && (c === 39 || c === 46 || c === 45))) continue;
      return false;
    }
    if (c >= 0xd800 && c <= 0xdbff) {
      const cp = text.codePointAt(i)!;
      if (cp < 0x10000 || (cp >= 0x1f000 && cp <= 0x1ffff)) return false;
      i++;
      continue;
    }
    if (c === 0x2019 && i > start) continue;
    if (!isWordChar(c)) return false;
  }
  return n > start;
}

/**
 * Whether the word before the white space ending just before `at` can be a compound street
 * name: capitalised (`COMPOUND` needs `\p{Lu}` at the start of the word, so "is 5" and
 * "at 10" are rejected without a pattern) and ending like one ("…straße", "…weg", "…str.").
 */
function compoundBefore(text: string, at: number): boolean {
  let k = at;
  while (k > 0 && isRegExpSpace(text.charCodeAt(k - 1))) k--;
  let s = k;
  if (s > 0 && text.charCodeAt(s - 1) === 46) s--;
  while (s > 0 && (isWordChar(text.charCodeAt(s - 1)) || text.charCodeAt(s - 1) === 45)) s--;
  // The pattern's word starts at a capital that no letter or digit precedes, so a hyphen, a
  // mark or an emoji may stand before it ("x-Hauptstraße 5", "😀Hauptstraße 5"): any capital
  // in the run walked over lets the pattern decide. An astral capital is a surrogate pair,
  // which the table does not classify: it passes too.
  let j = s;
  for (; j < k; j++) {
    const c = text.charCodeAt(j);
    if (isUpper(c) || (c >= 0xd800 && c <= 0xdfff)) break;
  }
  if (j === k) return false;
  return COMPOUND_END.test(text.slice(Math.max(0, k - COMPOUND_END_LENGTH), k));
}

/**
 * Appends an `address` span for each street address (or UK postcode) in `text`. Every form
 * holds a house number (or a postcode's digit), so one pass over the digit runs decides which
 * patterns can match: the number-first ones only where `mayStartNumberFirst` allows, the
 * compound form only after a word with a compound street ending, the street-type-first form
 * only from near a street-type word before the last number that follows white space.
 */
export function detectAddresses(text: string, out: Span[], facts: TextFacts = factsOf(text)): void {
  // Where the last run of at most five digits after white space starts: `TYPE_FIRST` ends
  // its matches with such a house number.
  let lastNumber = -1;
  let compound = false;
  // The first digit run after a capital letter, where a UK postcode ("SW1A 1AA") can start its
  // digits (one or two capitals earlier): no postcode starts before.
  let postcode = -1;
  for (let r = 0; r < facts.runs; r++) {
    const i = facts.runStart[r]!;
    const e = facts.runEnd[r]!;
    const before = i === 0 ? -1 : text.charCodeAt(i - 1);
    if (postcode < 0 && before >= 65 && before <= 90) postcode = i;
    if ((before < 0 || !isWordChar(before)) && mayStartNumberFirst(text, e, e - i)) {
      const next = ahead(text, e);
      if (next !== 0)
        tryNumberFirst(text, i, (next & SUFFIX_AHEAD) !== 0, (next & COMMA_AHEAD) !== 0, out);
    }
    if (before >= 0 && isRegExpSpace(before)) {
      if (e - i <= 5) lastNumber = i;
      if (!compound) compound = compoundBefore(text, i);
    }
  }
  if (lastNumber > 0) scanTypeFirst(text, lastNumber, out);
  if (compound) scan(text, COMPOUND, out);
  if (postcode >= 0) scan(text, POSTCODE_ONLY, out, postcode < 2 ? 0 : postcode - 2);
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * `detectAddresses` without its pre-checks, for tests: every number-first pattern at every
 * digit run that does not follow a word character, the other patterns over the whole text.
 */
export function detectAddressesUngated(text: string, out: Span[]): void {
  const facts = factsOf(text);
  for (let r = 0; r < facts.runs; r++) {
    const i = facts.runStart[r]!;
    if (i === 0 || !isWordChar(text.charCodeAt(i - 1))) tryNumberFirst(text, i, true, true, out);
  }
  scan(text, TYPE_FIRST, out);
  scan(text, COMPOUND, out);
  scan(text, POSTCODE_ONLY, out);
}
