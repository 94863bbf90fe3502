/**
 * National identifiers, each by its official shape and, where one exists, its check:
 * US Social Security numbers (SSA's rules: no area 000, 666 or 9xx, no group 00, no serial
 * 0000), UK National Insurance numbers (HMRC's prefix rules), Spanish DNI/NIE (mod-23 check
 * letter), French NIR (mod-97 key), Italian codice fiscale (check character) and Indian
 * Aadhaar (Verhoeff check digit).
 */
import type { Span } from "../span.js";
import type { TextFacts } from "../text-facts.js";
import { factsOf } from "../text-facts.js";

const SSN = /(?<![\w-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\w-])/g;
const NINO = /(?<![\p{L}\p{N}])([A-Z]{2}) ?(\d{2}) ?(\d{2}) ?(\d{2}) ?([A-D])(?![\p{L}\p{N}])/gu;
const DNI = /(?<![\p{L}\p{N}])([XYZ]?)(\d{7,8})-?([A-Z])(?![\p{L}\p{N}])/gu;
const NIR =
  /(?<![\p{L}\p{N}])([12]) ?(\d{2}) ?(\d{2}) ?(\d[\dAB]|\d{2}) ?(\d{3}) ?(\d{3}) ?(\d{2})(?![\p{L}\p{N}])/gu;
const CODICE_FISCALE =
  /(?<![\p{L}\p{N}])[A-Z]{6}\d{2}[A-EHLMPRST]\d{2}[A-Z]\d{3}[A-Z](?![\p{L}\p{N}])/gu;
const AADHAAR = /(?<![\p{L}\p{N}])[2-9]\d{3} \d{4} \d{4}(?![\p{L}\p{N}])/gu;

function ssnValid(area: string, group: string, serial: string): boolean {
  const a = Number(area);
  return a !== 0 && a !== 666 && a < 900 && group !== "00" && serial !== "0000";
}

function ninoValid(prefix: string): boolean {
  const [a, b] = [prefix[0]!, prefix[1]!];
  if ("DFIQUV".includes(a) || "DFIOQUV".includes(b)) return false;
  return !["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"].includes(prefix);
}

function dniValid(prefix: string, digits: string, letter: string): boolean {
  const lead = prefix === "" ? "" : String("XYZ".indexOf(prefix));
  if (prefix === "" && digits.length !== 8) return false;
  if (prefix !== "" && digits.length !== 7) return false;
  return "TRWAGMYFPDXBNJZSQVHLCKE"[Number(lead + digits) % 23] === letter;
}

function nirValid(raw: string): boolean {
  const s = raw.replace(/ /g, "");
  // Corsica's departments 2A and 2B count as 19 and 18 for the key.
  const body = Number(s.slice(0, 13).replace("2A", "19").replace("2B", "18"));
  return 97 - (body % 97) === Number(s.slice(13));
}

const CF_ODD = [
  1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23,
];

function codiceFiscaleValid(cf: string): boolean {
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const c = cf.charCodeAt(i);
    const v = c <= 57 ? c - 48 : c - 65;
    sum += i % 2 === 0 ? CF_ODD[v]! : v;
  }
  return String.fromCharCode(65 + (sum % 26)) === cf[15];
}

const VERHOEFF_D = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
  [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
  [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
  [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
  [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
  [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const VERHOEFF_P = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
  [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
  [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
  [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

/** The Verhoeff check of a digit string (Aadhaar's last digit). */
export function verhoeffValid(digits: string): boolean {
  let c = 0;
  for (let i = 0; i < digits.length; i++) {
    const d = digits.charCodeAt(digits.length - 1 - i) - 48;
    c = VERHOEFF_D[c]![VERHOEFF_P[i % 8]![d]!]!;
  }
  return c === 0;
}

/** Fewest digits each identifier holds: a text with fewer skips that pattern. */
const MIN_DIGITS = { ssn: 9, nino: 6, dni: 7, codiceFiscale: 7, nir: 14, aadhaar: 12 } as const;

/**
 * Whether three digit runs in a row, one character apart, have the lengths `a`, `b` and `c`:
 * an SSN's groups (3, 2, 4: each pattern group is a whole run, its look-arounds and
 * separators being no digits) or Aadhaar's (4, 4, 4).
 */
function runsInRow(facts: TextFacts, a: number, b: number, c: number): boolean {
  const start = facts.runStart;
  const end = facts.runEnd;
  for (let r = 0; r + 2 < facts.runs; r++) {
    if (
      end[r]! - start[r]! === a &&
      end[r + 1]! - start[r + 1]! === b &&
      end[r + 2]! - start[r + 2]! === c &&
      start[r + 1] === end[r]! + 1 &&
      start[r + 2] === end[r + 1]! + 1
    )
      return true;
  }
  return false;
}

/**
 * Whether a NINO's digits can start somewhere: its first run of digits ("12" of "QQ 12 34
 * 56 C", "123456" of "AB123456C") is 2, 4 or 6 long and follows a capital letter, or a capital
 * and a space. A codice fiscale's first run ("85" of "RSSMRA85T…") passes too.
 */
function ninoDigitsAhead(text: string, facts: TextFacts): boolean {
  for (let r = 0; r < facts.runs; r++) {
    const s = facts.runStart[r]!;
    const len = facts.runEnd[r]! - s;
    if (len !== 2 && len !== 4 && len !== 6) continue;
    let c = s > 0 ? text.charCodeAt(s - 1) : 0;
    if (c === 32) c = s > 1 ? text.charCodeAt(s - 2) : 0;
    if (c >= 65 && c <= 90) return true;
  }
  return false;
}

/** Whether a run of exactly 7 or 8 digits stands in the text: a DNI's or NIE's number. */
function dniDigits(facts: TextFacts): boolean {
  for (let r = 0; r < facts.runs; r++) {
    const len = facts.runEnd[r]! - facts.runStart[r]!;
    if (len === 7 || len === 8) return true;
  }
  return false;
}

/**
 * The longest run of consecutive upper-case ASCII letters, counted up to `enough` (the
 * longest run any gate below asks for): the scan stops there.
 */
function upperRun(text: string, enough: number): number {
  let longest = 0;
  let u = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 65 && c <= 90) {
      u++;
      if (u > longest) {
        longest = u;
        if (longest >= enough) return longest;
      }
    } else u = 0;
  }
  return longest;
}

type Valid = (m: RegExpExecArray) => boolean;

function scan(text: string, re: RegExp, valid: Valid, out: Span[]): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (valid(m)) out.push({ start: m.index, end: m.index + m[0].length, type: "national_id" });
  }
}

const ssn: Valid = (m) => ssnValid(m[1]!, m[3]!, m[4]!);
const nir: Valid = (m) => nirValid(m[0]);
const aadhaar: Valid = (m) => verhoeffValid(m[0].replace(/ /g, ""));
const ninoCheck: Valid = (m) => ninoValid(m[1]!);
const dniCheck: Valid = (m) => dniValid(m[1]!, m[2]!, m[3]!);
const codiceFiscale: Valid = (m) => codiceFiscaleValid(m[0]);

/**
 * Appends a `national_id` span for each identifier in `text`. Each pattern runs only when the
 * text's digit runs (from the redactor's pre-scan, `facts`) can hold its number: an SSN's
 * groups of 3, 2 and 4 digits one character apart, Aadhaar's three groups of 4, a NIR's 14
 * digits, a DNI's run of 7 or 8, a NINO's (or codice fiscale's) first run after a capital;
 * and, for the letter-bearing ones, the run of capitals (a NINO's two, a codice fiscale's
 * six). Most texts run none.
 */
export function detectNationalIds(
  text: string,
  out: Span[],
  facts: TextFacts = factsOf(text),
): void {
  const digits = facts.digits;
  if (digits < MIN_DIGITS.nino) return;
  if (digits >= MIN_DIGITS.ssn && runsInRow(facts, 3, 2, 4)) scan(text, SSN, ssn, out);
  if (digits >= MIN_DIGITS.nir) scan(text, NIR, nir, out);
  if (digits >= MIN_DIGITS.aadhaar && runsInRow(facts, 4, 4, 4)) scan(text, AADHAAR, aadhaar, out);
  const nino = ninoDigitsAhead(text, facts);
  const dni = digits >= MIN_DIGITS.dni && dniDigits(facts);
  // A codice fiscale's first digits pass the NINO test, so neither test passing rules out all three.
  if (!nino && !dni) return;
  // A NINO has two capitals in a row, a DNI's check letter is one capital.
  const capitals = upperRun(text, 6);
  if (capitals < 1) return;
  if (nino && capitals >= 2) scan(text, NINO, ninoCheck, out);
  if (dni) scan(text, DNI, dniCheck, out);
  if (digits >= MIN_DIGITS.codiceFiscale && capitals >= 6)
    scan(text, CODICE_FISCALE, codiceFiscale, out);
}

/**
 * Every pattern on every text, without the digit gates above: what they must never change
 * (for tests). The capital-letter gates stay, as each pattern's own needs: a NINO's two
 * capitals in a row, a DNI's one, a codice fiscale's six.
 */
export function detectNationalIdsUngated(text: string, out: Span[]): void {
  scan(text, SSN, ssn, out);
  scan(text, NIR, nir, out);
  scan(text, AADHAAR, aadhaar, out);
  const capitals = upperRun(text, 6);
  if (capitals < 1) return;
  if (capitals >= 2) scan(text, NINO, ninoCheck, out);
  scan(text, DNI, dniCheck, out);
  if (capitals >= 6) scan(text, CODICE_FISCALE, codiceFiscale, out);
}
