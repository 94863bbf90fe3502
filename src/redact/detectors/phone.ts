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
const MAX_DIGITS = 15;

function isSeparator(c: number): boolean {
  return c === 32 || c === 45 || c === 46 || c === 40 || c === 41 || c === 47 || c === 0xa0;
}

/** Digit groups of a candidate, e.g. "(020) 7946-0958" -> ["020", "7946", "0958"]. */
function groups(s: string): string[] {
  return s.split(/[^0-9]+/).filter((g) => g.length > 0);
}

function looksLikeDate(g: readonly string[], seps: string): boolean {
  if (g.length !== 3 || seps.includes("(")) return false;
  const [a, b, c] = [g[0]!.length, g[1]!.length, g[2]!.length];
  return (a === 4 && b <= 2 && c <= 2) || (a <= 2 && b <= 2 && (c === 4 || c === 2));
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

/** Whether the candidate (digits and phone punctuation, trimmed) is a phone number. */
function isPhone(s: string, plus: boolean): boolean {
  const g = groups(s);
  const digits = g.reduce((n, x) => n + x.length, 0);
  if (digits < MIN_DIGITS || digits > MAX_DIGITS) return false;
  if (plus) return internationalValid(s);
  if (looksLikeDottedQuad(g, s) || looksLikeDate(g, s) || looksLikeQuantity(g, s)) return false;
  if (/^(00|011)[1-9]/.test(g[0]!) && g.length > 1 && internationalValid(s)) return true;
  if (phoneShaped(g)) return true;
  return g.length === 1 && digits >= 10 && nationalValid(s);
}

/** Length of a trailing extension (" x818", " ext. 12", "#12") at `i`, or 0. */
function extensionAt(text: string, i: number): number {
  const m = /^\s?(?:x|ext\.?|extension|#)\s?\d{1,6}\b/iy;
  m.lastIndex = 0;
  const r = m.exec(text.slice(i, i + 20));
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
    while (j < n) {
      const d = text.charCodeAt(j);
      if (isDigit(d)) {
        end = j + 1;
        runOfSeparators = 0;
      } else if (isSeparator(d) && runOfSeparators < 2) {
        runOfSeparators++;
      } else break;
      j++;
    }
    const candidate = text.slice(start, end);
    if (isWordChar(text.charCodeAt(end)) || !isPhone(candidate, plus)) {
      i = end + 1;
      continue;
    }
    out.push({ start, end: end + extensionAt(text, end), type: "phone" });
    i = end + 1;
  }
}
