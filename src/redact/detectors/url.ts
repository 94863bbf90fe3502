/**
 * URLs: anything with a scheme (`https://…`) or starting `www.`, and bare domains followed by
 * a path (`instagram.com/jane.doe`, `linkedin.com/in/jdoe?trk=…`), whose paths and queries so
 * often name a person. A bare domain alone ("example.com") is not personal and stays.
 */
import { isWordChar } from "../chars.js";
import type { Span } from "../span.js";

const SCHEME_OR_WWW = /\b(?:[a-z][a-z0-9+.-]{1,15}:\/\/|www\.)[^\s<>"'`]+/giu;
const DOMAIN_WITH_PATH =
  /(?<![\w@.-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}\/[^\s<>"'`]*/giu;

/** Trailing punctuation that ends a sentence rather than the URL. */
function trimEnd(text: string, start: number, end: number): number {
  let e = end;
  while (e > start) {
    const c = text.charCodeAt(e - 1);
    // . , ; : ! ? ' "
    if (
      c === 46 ||
      c === 44 ||
      c === 59 ||
      c === 58 ||
      c === 33 ||
      c === 63 ||
      c === 39 ||
      c === 34
    ) {
      e--;
      continue;
    }
    // A closing bracket that was not opened inside the URL.
    if (c === 41 || c === 93) {
      const open = c === 41 ? "(" : "[";
      const close = c === 41 ? ")" : "]";
      const body = text.slice(start, e);
      if (body.split(close).length > body.split(open).length) {
        e--;
        continue;
      }
    }
    break;
  }
  return e;
}

function scan(text: string, re: RegExp, out: Span[]): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const start = m.index;
    const end = trimEnd(text, start, start + m[0].length);
    if (
      end - start > 4 &&
      (start === 0 || !isWordChar(text.charCodeAt(start - 1)) || m[0].includes("://"))
    )
      out.push({ start, end, type: "url" });
  }
}

/** Whether "www." occurs in `text`, in any case: looked for from each full stop. */
function hasWww(text: string): boolean {
  for (let i = text.indexOf(".", 3); i >= 0; i = text.indexOf(".", i + 1)) {
    if (
      (text.charCodeAt(i - 1) | 32) === 119 &&
      (text.charCodeAt(i - 2) | 32) === 119 &&
      (text.charCodeAt(i - 3) | 32) === 119
    )
      return true;
  }
  return false;
}

/** Letters `[a-z]` matches under the `iu` flags: ASCII letters, long s and the Kelvin sign. */
function isTldLetter(c: number): boolean {
  return ((c | 32) >= 97 && (c | 32) <= 122) || c === 0x17f || c === 0x212a;
}

/**
 * Whether some slash follows a top-level domain: two or more letters after a full stop
 * ("instagram.com/"), which `DOMAIN_WITH_PATH` needs; checked from each slash backwards.
 */
function hasDomainSlash(text: string): boolean {
  for (let i = text.indexOf("/"); i >= 0; i = text.indexOf("/", i + 1)) {
    let k = i;
    while (k > 0 && i - k < 25 && isTldLetter(text.charCodeAt(k - 1))) k--;
    if (i - k >= 2 && k > 0 && text.charCodeAt(k - 1) === 46) return true;
  }
  return false;
}

/** Appends a `url` span for each URL in `text`. */
export function detectUrls(text: string, out: Span[]): void {
  if (text.includes("://") || hasWww(text)) scan(text, SCHEME_OR_WWW, out);
  if (hasDomainSlash(text)) scan(text, DOMAIN_WITH_PATH, out);
}
