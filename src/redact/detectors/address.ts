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

import { isWordChar } from "../chars.js";
import { isStopword } from "../lexicon.js";
import type { Span } from "../span.js";

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

function scan(text: string, re: RegExp, out: Span[]): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) record(text, m, out);
}

/** Runs the sticky number-first patterns at `at`, the start of a house number. */
function tryNumberFirst(text: string, at: number, out: Span[]): void {
  for (const re of [NUMBER_FIRST, NUMBER_TYPE_FIRST, STREET_POSTCODE_TOWN]) {
    re.lastIndex = at;
    const m = re.exec(text);
    if (m !== null && (re !== NUMBER_FIRST || plausibleName(m[1]))) record(text, m, out);
  }
}

/** Cheap literal pre-checks for the patterns that do not start with the house number. */
const HAS_TYPE_WORD = new RegExp(String.raw`${PREFIX_TYPE}\s`, "i");
const HAS_COMPOUND =
  /(?:straße|strasse|str\.|weg|platz|allee|gasse|ring|damm|ufer|chaussee|straat|laan|gracht|plein|gade|gatan|vägen|veien|gata|katu|utca)\s+\d/i;

/** Appends an `address` span for each street address (or UK postcode) in `text`. */
export function detectAddresses(text: string, out: Span[]): void {
  // The number-first forms start at a digit run that follows no letter or digit.
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) continue;
    if (i === 0 || !isWordChar(text.charCodeAt(i - 1))) tryNumberFirst(text, i, out);
    while (i + 1 < text.length && isDigitCode(text.charCodeAt(i + 1))) i++;
  }
  if (HAS_TYPE_WORD.test(text)) scan(text, TYPE_FIRST, out);
  if (HAS_COMPOUND.test(text)) scan(text, COMPOUND, out);
  if (/[A-Z]\d/.test(text)) scan(text, POSTCODE_ONLY, out);
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}
