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

/** Countries whose national numbering an unformatted digit run is checked against. */
const NATIONAL_GUESSES: readonly CountryCode[] = ["US", "GB", "DE", "FR", "IN", "BR", "ES", "IT"];

const MIN_DIGITS = 7;
/** Six-digit local numbers exist (small countries, old plans) but need a phone word nearby. */
const MIN_DIGITS_IN_CONTEXT = 6;
const MAX_DIGITS = 15;

function isSeparator(c: number): boolean {
  return c === 32 || c === 45 || c === 46 || c === 40 || c === 41 || c === 47 || c === 0xa0;
}

/** Digit groups of a candidate, e.g. "(020) 7946-0958" -> ["020", "7946", "0958"]. */
function groups(s: string): string[] {
  return s.split(/[^0-9]+/).filter((g) => g.length > 0);
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

/** "1.234.567", "12 345 678 000": digits grouped in thousands, a quantity not a number to call. */
function looksLikeQuantity(g: readonly string[], s: string): boolean {
  if (g[0]!.length > 3 || !g.slice(1).every((x) => x.length === 3)) return false;
  return /[.,]/.test(s) || g[g.length - 1] === "000";
}

function looksLikeDottedQuad(g: readonly string[], s: string): boolean {
  return g.length === 4 && /^\d{1,3}(\.\d{1,3}){3}$/.test(s);
}

function phoneShaped(g: readonly string[]): boolean {
  if (g.length < 2) return false;
  let long = 0;
  for (const x of g) {
    if (x.length > 8) return false;
    if (x.length > 5) long++;
  }
  return long <= 1;
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
 * Whether the candidate (digits and phone punctuation, trimmed) is a phone number.
 * `context` says whether a phone word stands nearby; it is asked only when the shape alone
 * does not decide.
 */
function isPhone(s: string, plus: boolean, context: () => boolean): boolean {
  const g = groups(s);
  const all = g.join("");
  const digits = all.length;
  if (digits < MIN_DIGITS_IN_CONTEXT || digits > MAX_DIGITS) return false;
  // Written with a plus, it is meant as an international number (E.164 has 8 to 15 digits).
  if (plus) return digits >= 8 || internationalValid(s);
  if (looksLikeDottedQuad(g, s) || DATE.test(s) || looksLikeQuantity(g, s) || isIsbn13(all))
    return false;
  // ZIP+4 and Brazilian CEP ("12345-6789", "12345-678") are postcodes.
  if (
    g.length === 2 &&
    g[0]!.length === 5 &&
    g[1]!.length >= 3 &&
    g[1]!.length <= 4 &&
    s.includes("-")
  )
    return false;
  if (digits < MIN_DIGITS)
    return (g.length === 1 || (g.length >= 3 && phoneShaped(g))) && context();
  if (/^(00|011)[1-9]/.test(g[0]!) && g.length > 1 && internationalValid(s)) return true;
  if (phoneShaped(g)) return true;
  if (g.length !== 1) return false;
  // An unbroken run of digits: national numbers have at most 12 digits, so longer runs are
  // ids or account numbers; shorter ones are phones when a phone word stands nearby or
  // libphonenumber validates them for one of the likely countries (the costly check, last).
  if (digits > 12) return false;
  return context() || (digits >= 10 && nationalValid(s));
}

const EXTENSION = /\s?(?:x|ext\.?|extension|#)\s?\d{1,6}(?![\p{L}\p{N}])/iuy;

/** Length of a trailing extension (" x818", "x818", " ext. 12", "#12") at `i`, or 0. */
function extensionAt(text: string, i: number): number {
  EXTENSION.lastIndex = i;
  const r = EXTENSION.exec(text);
  return r === null ? 0 : r[0].length;
}

/** Appends a `phone` span for each phone number in `text`. */
export function detectPhones(text: string, out: Span[]): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (!isDigit(c)) {
      i++;
      continue;
    }
    // Walk back over an opening parenthesis or plus sign that belongs to the number.
    let start = i;
    let plus = false;
    if (start > 0 && text.charCodeAt(start - 1) === 40) start--;
    if (start > 0 && text.charCodeAt(start - 1) === 43) {
      start--;
      plus = true;
    }
    if (start > 0 && isWordChar(text.charCodeAt(start - 1))) {
      // Glued to a word ("A56319335", "abc123"): not a phone number; skip the digit run.
      while (i < n && isDigit(text.charCodeAt(i))) i++;
      continue;
    }
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
    if (digits < MIN_DIGITS_IN_CONTEXT || digits > MAX_DIGITS) {
      i = end + 1;
      continue;
    }
    const candidate = text.slice(start, end);
    const extension = extensionAt(text, end);
    // A time after it ("2024-01-15 14:56") makes it a timestamp.
    const timeAfter = text.charCodeAt(end) === 58 && isDigit(text.charCodeAt(end + 1));
    if (
      (extension === 0 && isWordChar(text.charCodeAt(end))) ||
      timeAfter ||
      ADDRESS_BEFORE.test(text.slice(Math.max(0, start - 12), start)) ||
      ADDRESS_AFTER.test(text.slice(end, end + 12)) ||
      !isPhone(candidate, plus, () => phoneContext(text, start, end))
    ) {
      i = end + 1;
      continue;
    }
    out.push({ start, end: end + extension, type: "phone" });
    i = end + 1;
  }
}
