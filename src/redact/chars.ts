/**
 * Character classes shared by the detectors, as lookup tables over UTF-16 code units so the
 * scanning loops never allocate or run a regular expression per character.
 */

const LETTER_OR_DIGIT = /[\p{L}\p{N}\p{M}]/u;
const UPPER = /\p{Lu}/u;

/** 1 for a letter, digit or combining mark (a "word" character in any script). */
const WORD = new Uint8Array(65536);
/** The lower-case form of each code unit when it is one code unit long, else itself. */
const FOLD = new Uint16Array(65536);
/** 1 for an upper-case letter. */
const UPPER_TABLE = new Uint8Array(65536);

for (let c = 0; c < 65536; c++) {
  const ch = String.fromCharCode(c);
  // Surrogate halves count as word characters: astral letters (and emoji) are rare in
  // names, and treating them as word characters errs towards not splitting a token.
  WORD[c] = (c >= 0xd800 && c <= 0xdfff) || LETTER_OR_DIGIT.test(ch) ? 1 : 0;
  const low = ch.toLowerCase();
  FOLD[c] = low.length === 1 ? low.charCodeAt(0) : c;
  UPPER_TABLE[c] = UPPER.test(ch) ? 1 : 0;
}

/**
 * The `isWordChar` table itself (1 for a word character), for the hottest loops: indexing it
 * directly saves a call per character where the compiler does not inline one.
 */
export const WORD_CHAR: Readonly<Uint8Array> = WORD;

/** Whether the code unit is a letter, digit or mark of any script. */
export function isWordChar(code: number): boolean {
  return WORD[code] === 1;
}

/** Whether the code unit is an upper-case letter. */
export function isUpper(code: number): boolean {
  return UPPER_TABLE[code] === 1;
}

/** The lower-case code unit (identity when lower-casing changes the length). */
export function foldCase(code: number): number {
  return FOLD[code]!;
}

/** Whether `code` is an ASCII digit. */
export function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Whether `code` is an ASCII letter. */
export function isAsciiLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/**
 * Whether `[a-z]` matches `code` in a case-insensitive Unicode pattern (flags `iu`): the ASCII
 * letters, and the long s and the Kelvin sign, which fold to "s" and "k".
 */
export function isLatinLetter(code: number): boolean {
  return isAsciiLetter(code) || code === 0x17f || code === 0x212a;
}

/**
 * FNV-1a's 32-bit offset basis and prime, for the detectors' hashes of words: one definition,
 * since the person tokeniser's word hashes must equal the member-name detector's.
 */
export const FNV_OFFSET = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;

/** Whether position `i` of `text` starts a word (the previous code unit is not a word char). */
export function wordStartsAt(text: string, i: number): boolean {
  return i === 0 || WORD[text.charCodeAt(i - 1)] === 0;
}

/** Whether a word can end just before position `i` (the code unit at `i` is not a word char). */
export function wordEndsAt(text: string, i: number): boolean {
  return i >= text.length || WORD[text.charCodeAt(i)] === 0;
}
