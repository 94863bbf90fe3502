/**
 * Payment card numbers: 13 to 19 digits, unbroken or in groups split by single spaces or
 * dashes, with the issuer prefix of a real card scheme and a valid Luhn check digit.
 */
import type { Span } from "../span.js";

const CANDIDATE = /(?<![\d\w-])\d(?:[ -]?\d){12,18}(?![\d\w]|-\d)/g;

/**
 * Issuer prefixes (IIN ranges) of Visa, Mastercard, American Express, Discover, JCB,
 * Diners Club, UnionPay and Maestro, with the lengths each issues.
 */
function knownIssuer(d: string): boolean {
  const n = d.length;
  const p2 = Number(d.slice(0, 2));
  const p4 = Number(d.slice(0, 4));
  const p3 = Number(d.slice(0, 3));
  if (d[0] === "4") return n === 13 || n === 16 || n === 19;
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return n === 16;
  if (p2 === 34 || p2 === 37) return n === 15;
  if (p4 === 6011 || p2 === 65 || (p3 >= 644 && p3 <= 649)) return n >= 16;
  if (p4 >= 3528 && p4 <= 3589) return n >= 16;
  if (p2 === 36 || p2 === 38 || p2 === 39 || (p3 >= 300 && p3 <= 305) || p3 === 309) return n >= 14;
  if (p2 === 62) return n >= 16;
  if (p2 === 50 || (p2 >= 56 && p2 <= 69)) return n >= 12;
  return false;
}

/** The Luhn (mod 10) check of a digit string. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let v = digits.charCodeAt(i) - 48;
    if (double) {
      v *= 2;
      if (v > 9) v -= 9;
    }
    sum += v;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Appends a `card` span for each Luhn-valid card number in `text`. */
export function detectCards(text: string, out: Span[]): void {
  CANDIDATE.lastIndex = 0;
  for (let m = CANDIDATE.exec(text); m !== null; m = CANDIDATE.exec(text)) {
    const raw = m[0];
    // One kind of separator, used consistently, or none.
    if (raw.includes(" ") && raw.includes("-")) continue;
    const digits = raw.replace(/[ -]/g, "");
    if (digits.length < 13 || digits.length > 19) continue;
    if (knownIssuer(digits) && luhnValid(digits)) {
      out.push({ start: m.index, end: m.index + raw.length, type: "card" });
    }
  }
}
