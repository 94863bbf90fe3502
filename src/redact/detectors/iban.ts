/**
 * IBANs: country code, two check digits and the national account number, printed unbroken
 * or in groups of four, accepted only with the registered length for the country and a valid
 * ISO 7064 mod-97 check.
 */
import { isLatinLetter } from "../chars.js";
import type { Span } from "../span.js";
import type { TextFacts } from "../text-facts.js";
import { factsOf } from "../text-facts.js";

/** IBAN length per country, from the SWIFT IBAN registry. */
const IBAN_LENGTH: Readonly<Record<string, number>> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BI: 27,
  BR: 29,
  BY: 28,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DJ: 27,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FK: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IQ: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LC: 32,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  LY: 25,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MN: 20,
  MR: 27,
  MT: 31,
  MU: 30,
  NI: 28,
  NL: 18,
  NO: 15,
  OM: 23,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  RU: 33,
  SA: 24,
  SC: 31,
  SD: 18,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  SO: 23,
  ST: 25,
  SV: 28,
  TL: 23,
  TN: 24,
  TR: 26,
  UA: 29,
  VA: 22,
  VG: 24,
  XK: 20,
  YE: 30,
};

const CANDIDATE = /(?<![\p{L}\p{N}])[a-z]{2}\d{2}(?: ?[a-z0-9]{1,4}){3,8}(?![\p{L}\p{N}])/giu;

/** The ISO 7064 mod-97-10 check of an IBAN without spaces (upper case). */
export function ibanValid(iban: string): boolean {
  if (IBAN_LENGTH[iban.slice(0, 2)] !== iban.length) return false;
  const moved = iban.slice(4) + iban.slice(0, 4);
  let rest = 0;
  for (let i = 0; i < moved.length; i++) {
    const c = moved.charCodeAt(i);
    const v = c <= 57 ? c - 48 : c - 55;
    rest = v >= 10 ? (rest * 100 + v) % 97 : (rest * 10 + v) % 97;
  }
  return rest === 1;
}

/**
 * Whether two letters and two digits (a country code and check digits) occur in `text`: a
 * digit run of two or more right after two letters.
 */
function hasIbanStart(text: string, facts: TextFacts): boolean {
  for (let r = 0; r < facts.runs; r++) {
    const i = facts.runStart[r]!;
    if (
      i >= 2 &&
      facts.runEnd[r]! - i >= 2 &&
      isLatinLetter(text.charCodeAt(i - 1)) &&
      isLatinLetter(text.charCodeAt(i - 2))
    )
      return true;
  }
  return false;
}

/**
 * The length of the longest prefix of `candidate` that is a valid IBAN, ending at the
 * candidate's end or before one of its spaces, or 0. The pattern's last groups may be a
 * short word after the IBAN ("DE89 3704 0044 0532 0130 00 for rent" takes " for"), so the
 * groups are dropped from the end until the check passes.
 */
function validPrefix(candidate: string): number {
  for (let end = candidate.length; end > 0; end = candidate.lastIndexOf(" ", end - 1)) {
    if (ibanValid(candidate.slice(0, end).replace(/ /g, "").toUpperCase())) return end;
  }
  return 0;
}

/** Appends an `iban` span for each valid IBAN in `text`. */
export function detectIbans(text: string, out: Span[], facts: TextFacts = factsOf(text)): void {
  if (!hasIbanStart(text, facts)) return;
  CANDIDATE.lastIndex = 0;
  for (let m = CANDIDATE.exec(text); m !== null; m = CANDIDATE.exec(text)) {
    const end = validPrefix(m[0]);
    if (end === 0) continue;
    out.push({ start: m.index, end: m.index + end, type: "iban" });
    // What followed a shortened IBAN is scanned again.
    CANDIDATE.lastIndex = m.index + end;
  }
}
