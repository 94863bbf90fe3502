/**
 * One cheap pass over a text before any detector runs: counts of the characters that every
 * kind of PII needs (digits for numbers, `@` for emails and handles, `.` and `/` for URLs,
 * `:` for IPv6). The redactor asks each detector whether these facts allow a match at all and
 * skips it when they do not, so the costly work runs only on the texts that can hold its kind.
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
}

/** Fills `facts` for `text` (reused across texts so the pre-scan allocates nothing). */
export function scanFacts(text: string, facts: TextFacts): TextFacts {
  let digits = 0;
  let ats = 0;
  let dots = 0;
  let colons = 0;
  let slashes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // Every character counted is ASCII below "A".
    if (c > 64) continue;
    if (c >= 48) {
      if (c <= 57) digits++;
      else if (c === 58) colons++;
      else if (c === 64) ats++;
    } else if (c === 46) dots++;
    else if (c === 47) slashes++;
  }
  facts.digits = digits;
  facts.ats = ats;
  facts.dots = dots;
  facts.colons = colons;
  facts.slashes = slashes;
  return facts;
}

/** Facts of no text, to start from. */
export function emptyFacts(): TextFacts {
  return { digits: 0, ats: 0, dots: 0, colons: 0, slashes: 0 };
}
