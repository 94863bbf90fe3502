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

/** Appends a `url` span for each URL in `text`. */
export function detectUrls(text: string, out: Span[]): void {
  const hasScheme = text.includes("://");
  const hasWww = hasScheme || /www\./i.test(text);
  if (hasScheme || hasWww) scan(text, SCHEME_OR_WWW, out);
  if (text.includes("/") && text.includes(".")) scan(text, DOMAIN_WITH_PATH, out);
}
