/**
 * One cheap pass over a text before any detector runs: counts of the characters that every
 * kind of PII needs (digits for numbers, `@` for emails and handles, `.` and `/` for URLs,
 * `:` for IPv6), and where the runs of digits are. The redactor asks each detector whether
 * these facts allow a match at all and skips it when they do not; the number-based detectors
 * then visit the digit runs instead of scanning the text again.
 */

/** What the pre-scan learnt about a text. */
export interface TextFacts {
  /** ASCII digits. */
  digits: number;
  /** `@` signs. */
  ats: number;
  /** Full stops. */
  dots: number;
  /** Colons. */
  colons: number;
  /** Slashes. */
  slashes: number;
  /** Number of maximal runs of ASCII digits. */
  runs: number;
  /** Where each run starts (index into the text); entries past `runs` are stale. */
  runStart: Int32Array;
  /** Where each run ends (exclusive). */
  runEnd: Int32Array;
}

/**
 * The words of a text as the person detector's tokeniser found them, for the member-name
 * detector (see `wordsOf` in `detectors/person.ts`): `count` tokens, each from `start` to
 * `end` (the whole token, a possessive "'s" included), a maximal run of word characters or
 * several joined by single hyphens or apostrophes (`JOINED` in `flags`); for a token that is
 * one run, `keyHash` is FNV-1a over the member-name automaton's keys of its characters
 * (`AUTOMATON_KEY`). The arrays are reused; entries past `count` are stale.
 */
export interface Words {
  count: number;
  start: Int32Array;
  end: Int32Array;
  flags: Uint8Array;
  keyHash: Int32Array;
}

/** Bit of `Words.flags`: a hyphen or apostrophe joins two words inside the token. */
export const JOINED = 4;

/** Fills `facts` for `text` (reused across texts so the pre-scan allocates nothing). */
export function scanFacts(text: string, facts: TextFacts): TextFacts {
  let digits = 0;
  let ats = 0;
  let dots = 0;
  let colons = 0;
  let slashes = 0;
  let runs = 0;
  let inRun = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // Letters and everything else above "@" first: most characters of a post.
    if (c > 64) {
      if (inRun) {
        facts.runEnd[runs++] = i;
        inRun = false;
      }
      continue;
    }
    if (c >= 48 && c <= 57) {
      digits++;
      if (!inRun) {
        if (runs === facts.runStart.length) grow(facts);
        facts.runStart[runs] = i;
        inRun = true;
      }
      continue;
    }
    if (inRun) {
      facts.runEnd[runs++] = i;
      inRun = false;
    }
    if (c === 64) ats++;
    else if (c === 58) colons++;
    else if (c === 46) dots++;
    else if (c === 47) slashes++;
  }
  if (inRun) facts.runEnd[runs++] = text.length;
  facts.digits = digits;
  facts.ats = ats;
  facts.dots = dots;
  facts.colons = colons;
  facts.slashes = slashes;
  facts.runs = runs;
  return facts;
}

/**
 * Appends the run of ASCII digits `[start, end)` to `facts.runStart`/`runEnd` (runs must come
 * in text order), for a pre-scan made elsewhere (the person detector's tokeniser).
 */
export function addRun(facts: TextFacts, start: number, end: number): void {
  if (facts.runs === facts.runStart.length) grow(facts);
  facts.runStart[facts.runs] = start;
  facts.runEnd[facts.runs++] = end;
}

function grow(facts: TextFacts): void {
  const start = new Int32Array(facts.runStart.length * 2);
  const end = new Int32Array(start.length);
  start.set(facts.runStart);
  end.set(facts.runEnd);
  facts.runStart = start;
  facts.runEnd = end;
}

/** Facts of no text, to start from. */
export function emptyFacts(): TextFacts {
  return {
    digits: 0,
    ats: 0,
    dots: 0,
    colons: 0,
    slashes: 0,
    runs: 0,
    runStart: new Int32Array(16),
    runEnd: new Int32Array(16),
  };
}

/** The facts of `text` alone, for a detector called without the redactor's pre-scan. */
export function factsOf(text: string): TextFacts {
  return scanFacts(text, emptyFacts());
}
