/**
 * Phone numbers in international and national forms. A cheap scan finds candidate runs of
 * digits and phone punctuation; only those go to libphonenumber-js (full metadata), which
 * decides international numbers and unformatted digit runs. National numbers written with
 * the usual grouping ("020 7946 0958", "(555) 123-4567", "06 12 34 56 78") are accepted by
 * their shape, because libphonenumber's national patterns need the country, which a post
 * does not state.
 */

import type { CountryCode } from "libphonenumber-js/max";
import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import { isDigit, isWordChar } from "../chars.js";
import type { Span } from "../span.js";
import type { TextFacts } from "../text-facts.js";
import { factsOf } from "../text-facts.js";

/** Countries whose national numbering an unformatted digit run is checked against. */
const NATIONAL_GUESSES: readonly CountryCode[] = ["US", "GB", "DE", "FR", "IN", "BR", "ES", "IT"];

const MIN_DIGITS = 7;
/** Six-digit local numbers exist (small countries, old plans) but need a phone word nearby. */
const MIN_DIGITS_IN_CONTEXT = 6;
const MAX_DIGITS = 15;

function isSeparator(c: number): boolean {
  return c === 32 || c === 45 || c === 46 || c === 40 || c === 41 || c === 47 || c === 0xa0;
}

/** A date ("2024-01-15", "15/01/2024", "1.2.99"), maybe with a time after it. */
const DATE = /^(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.](?:\d{4}|\d{2}))$/;

/** Words that announce a phone number just before it, in several languages. */
const PHONE_BEFORE =
  /(?:^|[^\p{L}])(?:(?:my|new|our|his|her|their) (?:phone |mobile |cell )?(?:number|no\.?|nr)|call|phone|tel|telephone|mobile|cell|fax|whatsapp|sms|text|ring|reach me|téléphone|tél|portable|appelle[rz]?|telefon|handy|ruf|anrufen|teléfono|móvil|llama(?:me)?|telefono|cellulare|chiama(?:mi)?|telefone|celular|liga|ligue|bel|zadzwoń)(?:[^\p{L}]|$)/iu;
/** Labels right after a phone number ("… 06-1234 5678 office"). */
const PHONE_AFTER = /^[\s-]*\(?(?:office|fax|mobile|cell|home|work|tel)\b/i;

/** Words just before or after a number that make it part of an address, not a phone number. */
const ADDRESS_BEFORE = /(?:apt|apartment|suite|ste|unit|flat|room|box|floor)\.?\s*#?\s*$/i;
const ADDRESS_AFTER =
  /^\s+(?:rue|avenue|av|boulevard|bd|street|st|road|rd|lane|ln|drive|dr|via|viale|piazza|calle|rua|avenida|straße|strasse|weg|place|chemin)\b/i;

/** ISBN-13 ("978-3-16-148410-0"): the EAN check over 13 digits starting 978 or 979. */
function isIsbn13(digits: string): boolean {
  if (digits.length !== 13 || !/^97[89]/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 13; i++) sum += (digits.charCodeAt(i) - 48) * (i % 2 === 0 ? 1 : 3);
  return sum % 10 === 0;
}

function phoneContext(text: string, start: number, end: number): boolean {
  return (
    PHONE_BEFORE.test(text.slice(Math.max(0, start - 30), start)) ||
    PHONE_AFTER.test(text.slice(end, end + 12))
  );
}

/**
 * Lengths of the digit groups of the candidate being checked ("(020) 7946-0958" -> 3, 4, 4),
 * reused: a candidate has at most `MAX_DIGITS` digits, so at most that many groups.
 */
const groupLength = new Int32Array(MAX_DIGITS + 1);

/** Fills `groupLength` for `text[start, end)`; returns the number of groups. */
function groupsOf(text: string, start: number, end: number): number {
  let count = 0;
  let run = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) run++;
    else if (run > 0) {
      groupLength[count++] = run;
      run = 0;
    }
  }
  if (run > 0) groupLength[count++] = run;
  return count;
}

function contains(text: string, start: number, end: number, code: number): boolean {
  for (let i = start; i < end; i++) if (text.charCodeAt(i) === code) return true;
  return false;
}

/** "1.234.567", "12 345 678 000": digits grouped in thousands, a quantity not a number to call. */
function looksLikeQuantity(text: string, start: number, end: number, count: number): boolean {
  if (groupLength[0]! > 3) return false;
  for (let k = 1; k < count; k++) if (groupLength[k] !== 3) return false;
  // The candidate ends with its last digit, so "000" is its last three characters.
  const thousands =
    groupLength[count - 1] === 3 &&
    text.charCodeAt(end - 1) === 48 &&
    text.charCodeAt(end - 2) === 48 &&
    text.charCodeAt(end - 3) === 48;
  return contains(text, start, end, 46) || thousands;
}

function looksLikeDottedQuad(s: string, count: number): boolean {
  return count === 4 && /^\d{1,3}(\.\d{1,3}){3}$/.test(s);
}

function phoneShaped(count: number): boolean {
  if (count < 2) return false;
  let long = 0;
  for (let k = 0; k < count; k++) {
    const n = groupLength[k]!;
    if (n > 8) return false;
    if (n > 5) long++;
  }
  return long <= 1;
}

/** Whether the first group, starting at `first`, begins with an international prefix (00, 011). */
function internationalPrefix(text: string, first: number): boolean {
  const g = groupLength[0]!;
  if (text.charCodeAt(first) !== 48) return false;
  const c1 = text.charCodeAt(first + 1);
  const c2 = text.charCodeAt(first + 2);
  if (g >= 3 && c1 === 48 && c2 >= 49 && c2 <= 57) return true;
  const c3 = text.charCodeAt(first + 3);
  return g >= 4 && c1 === 49 && c2 === 49 && c3 >= 49 && c3 <= 57;
}

function digitsOf(text: string, start: number, end: number): string {
  let out = "";
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) out += text[i];
  }
  return out;
}

function internationalValid(s: string): boolean {
  const digits = s.replace(/[^0-9]/g, "");
  const n = parsePhoneNumberFromString(`+${digits.replace(/^(00|011)/, "")}`);
  return n?.isPossible() === true;
}

function nationalValid(s: string): boolean {
  for (const country of NATIONAL_GUESSES) {
    const n = parsePhoneNumberFromString(s, country);
    if (n?.isValid()) return true;
  }
  return false;
}

/**
 * Whether the candidate `text[start, end)` (digits and phone punctuation, trimmed; its first
 * digit at `first`, `digits` digits in all) is a phone number. Decided from the lengths of its
 * digit groups first; the candidate's string is made only for the rare checks that need it
 * (dates, dotted quads, ISBNs, libphonenumber). A phone word nearby is looked for only when the
 * shape alone does not decide.
 */
function isPhone(
  text: string,
  start: number,
  first: number,
  end: number,
  plus: boolean,
  digits: number,
): boolean {
  if (digits < MIN_DIGITS_IN_CONTEXT || digits > MAX_DIGITS) return false;
  const count = groupsOf(text, start, end);
  // Written with a plus, it is meant as an international number (E.164 has 8 to 15 digits).
  if (plus) return digits >= 8 || internationalValid(text.slice(start, end));
  // A date has three groups, a dotted quad four.
  if ((count === 3 || count === 4) && looksLikeDateOrQuad(text.slice(start, end), count))
    return false;
  if (looksLikeQuantity(text, start, end, count)) return false;
  if (digits === 13 && isIsbn13(digitsOf(text, start, end))) return false;
  // ZIP+4 and Brazilian CEP ("12345-6789", "12345-678") are postcodes.
  if (
    count === 2 &&
    groupLength[0] === 5 &&
    groupLength[1]! >= 3 &&
    groupLength[1]! <= 4 &&
    contains(text, start, end, 45)
  )
    return false;
  if (digits < MIN_DIGITS)
    return (count === 1 || (count >= 3 && phoneShaped(count))) && phoneContext(text, start, end);
  if (count > 1 && internationalPrefix(text, first) && internationalValid(text.slice(start, end)))
    return true;
  if (phoneShaped(count)) return true;
  if (count !== 1) return false;
  // An unbroken run of digits: national numbers have at most 12 digits, so longer runs are
  // ids or account numbers; shorter ones are phones when a phone word stands nearby or
  // libphonenumber validates them for one of the likely countries (the costly check, last).
  if (digits > 12) return false;
  return phoneContext(text, start, end) || (digits >= 10 && nationalValid(text.slice(start, end)));
}

function looksLikeDateOrQuad(s: string, count: number): boolean {
  return looksLikeDottedQuad(s, count) || DATE.test(s);
}

const EXTENSION = /\s?(?:x|ext\.?|extension|#)\s?\d{1,6}(?![\p{L}\p{N}])/iuy;

/** Length of a trailing extension (" x818", "x818", " ext. 12", "#12") at `i`, or 0. */
function extensionAt(text: string, i: number): number {
  EXTENSION.lastIndex = i;
  const r = EXTENSION.exec(text);
  return r === null ? 0 : r[0].length;
}

/** Appends a `phone` span for each phone number in `text`. */
export function detectPhones(text: string, out: Span[], facts: TextFacts = factsOf(text)): void {
  const n = text.length;
  // Where the next candidate may start: a candidate covers the digit runs it joins.
  let next = 0;
  for (let r = 0; r < facts.runs; r++) {
    const i = facts.runStart[r]!;
    if (i < next) continue;
    // Walk back over an opening parenthesis or plus sign that belongs to the number.
    let start = i;
    let plus = false;
    if (start > 0 && text.charCodeAt(start - 1) === 40) start--;
    if (start > 0 && text.charCodeAt(start - 1) === 43) {
      start--;
      plus = true;
    }
    // Glued to a word ("A56319335", "abc123"): not a phone number; on to the next run.
    if (start > 0 && isWordChar(text.charCodeAt(start - 1))) continue;
    let end = i;
    let j = i;
    let runOfSeparators = 0;
    let digits = 0;
    while (j < n) {
      const d = text.charCodeAt(j);
      if (isDigit(d)) {
        end = j + 1;
        runOfSeparators = 0;
        digits++;
      } else if (isSeparator(d) && runOfSeparators < 2) {
        runOfSeparators++;
      } else break;
      j++;
    }
    // Too few or too many digits for any phone number: decided before any string is made.
    next = end + 1;
    if (digits < MIN_DIGITS_IN_CONTEXT || digits > MAX_DIGITS) continue;
    const extension = extensionAt(text, end);
    // A time after it ("2024-01-15 14:56") makes it a timestamp.
    const timeAfter = text.charCodeAt(end) === 58 && isDigit(text.charCodeAt(end + 1));
    if (
      (extension === 0 && isWordChar(text.charCodeAt(end))) ||
      timeAfter ||
      !isPhone(text, start, i, end, plus, digits) ||
      ADDRESS_BEFORE.test(text.slice(Math.max(0, start - 12), start)) ||
      ADDRESS_AFTER.test(text.slice(end, end + 12))
    )
      continue;
    out.push({ start, end: end + extension, type: "phone" });
  }
}
