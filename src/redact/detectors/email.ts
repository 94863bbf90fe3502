/**
 * Email addresses: found from each `@` outwards (no regular expression over the whole text),
 * local part per RFC 5322's common subset, a domain with at least one dot and a letter TLD.
 */
import { isAsciiLetter, isDigit } from "../chars.js";
import type { Span } from "../span.js";

function isLocalChar(c: number): boolean {
  return (
    isAsciiLetter(c) ||
    isDigit(c) ||
    c === 46 /* . */ ||
    c === 95 /* _ */ ||
    c === 37 /* % */ ||
    c === 43 /* + */ ||
    c === 45 /* - */ ||
    c === 39 /* ' */ ||
    c >= 0xc0 /* internationalised local parts (RFC 6531) */
  );
}

function isDomainChar(c: number): boolean {
  return isAsciiLetter(c) || isDigit(c) || c === 46 || c === 45 || (c >= 0xc0 && c < 0xd800);
}

/** Appends an `email` span for each address in `text`. */
export function detectEmails(text: string, out: Span[]): void {
  let at = text.indexOf("@");
  while (at >= 0) {
    let s = at;
    while (s > 0 && isLocalChar(text.charCodeAt(s - 1))) s--;
    // A local part never starts or ends with a dot or an apostrophe.
    while (s < at && (text.charCodeAt(s) === 46 || text.charCodeAt(s) === 39)) s++;
    let e = at + 1;
    while (e < text.length && isDomainChar(text.charCodeAt(e))) e++;
    while (e > at + 1 && (text.charCodeAt(e - 1) === 46 || text.charCodeAt(e - 1) === 45)) e--;
    const domain = text.slice(at + 1, e);
    const dot = domain.lastIndexOf(".");
    if (s < at && dot > 0) {
      const tld = domain.slice(dot + 1);
      if (tld.length >= 2 && /^[\p{L}]+$/u.test(tld)) out.push({ start: s, end: e, type: "email" });
    }
    at = text.indexOf("@", Math.max(e, at + 1));
  }
}
