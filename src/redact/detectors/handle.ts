/**
 * Social-media handles: `@name` (X, Instagram, TikTok, Threads, Mastodon's `@name@server`)
 * and Reddit's `u/name`. An `@` inside a word is an email's and is left to the email detector.
 */
import { isWordChar } from "../chars.js";
import type { Span } from "../span.js";

const AT_HANDLE = /@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,29}[A-Za-z0-9_])?(?:@[a-z0-9.-]+\.[a-z]{2,})?/gy;
const REDDIT_USER = /(?<![\w/])\/?u\/[A-Za-z0-9_-]{3,20}\b/g;

/** Appends a `handle` span for each handle in `text`. */
export function detectHandles(text: string, out: Span[]): void {
  let at = text.indexOf("@");
  while (at >= 0) {
    if (at === 0 || !isWordChar(text.charCodeAt(at - 1))) {
      AT_HANDLE.lastIndex = at;
      const m = AT_HANDLE.exec(text);
      if (m !== null) {
        out.push({ start: at, end: at + m[0].length, type: "handle" });
        at = text.indexOf("@", at + m[0].length);
        continue;
      }
    }
    at = text.indexOf("@", at + 1);
  }
  if (text.includes("u/")) {
    REDDIT_USER.lastIndex = 0;
    for (let m = REDDIT_USER.exec(text); m !== null; m = REDDIT_USER.exec(text)) {
      out.push({ start: m.index, end: m.index + m[0].length, type: "handle" });
    }
  }
}
