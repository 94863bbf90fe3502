/**
 * Mentions of platform members by display name: every name at once through one
 * `NameAutomaton`, accepted only on word boundaries.
 */
import { isUpper, isWordChar, WORD_CHAR, wordEndsAt } from "../chars.js";
import { NameAutomaton } from "../name-automaton.js";
import type { Span } from "../span.js";

/** A display name needs at least this many letters or digits to be worth matching. */
const MIN_WORD_CHARS = 2;

function wordChars(name: string): number {
  let n = 0;
  for (let i = 0; i < name.length; i++) if (isWordChar(name.charCodeAt(i))) n++;
  return n;
}

/** Finds mentions of a fixed set of display names in texts. */
export class MemberNameDetector {
  private readonly automaton: NameAutomaton;
  /** Per pattern: 1 when it is one word and must be capitalised in the text to count. */
  private readonly needsCapital: Uint8Array;
  /** The text and output of the current `detect` call, for `onMatch`. */
  private text = "";
  private out: Span[] = [];
  private readonly onMatch = (start: number, end: number, pattern: number): void => {
    const text = this.text;
    if (!wordEndsAt(text, end)) return;
    if (this.needsCapital[pattern] === 1 && !isUpper(text.charCodeAt(start))) return;
    this.out.push({ start, end, type: "member_name" });
  };

  /**
   * `names`: display names as members chose them. Names with fewer than two letters or
   * digits are ignored (they would match everywhere). A multi-word name matches in any
   * case ("maria garcia"); a one-word name only when it starts with a capital in the text,
   * because one-word names are so often ordinary words ("Hope", "Will", "Rose").
   */
  constructor(names: Iterable<string>) {
    const usable: string[] = [];
    for (const name of names) if (wordChars(name) >= MIN_WORD_CHARS) usable.push(name);
    this.automaton = new NameAutomaton(usable);
    this.needsCapital = Uint8Array.from(this.automaton.patterns, (p) => (p.includes(" ") ? 0 : 1));
  }

  /** Number of distinct names matched. */
  get count(): number {
    return this.automaton.patterns.length;
  }

  /**
   * Appends a `member_name` span for each whole-word mention. A mention starts where a word
   * may start (after a non-word character), so the trie is walked only from those positions
   * whose first character starts some name: the same matches as the full Aho-Corasick scan
   * filtered to word boundaries, for a fraction of the work.
   */
  detect(text: string, out: Span[]): void {
    if (this.automaton.patterns.length === 0) return;
    this.text = text;
    this.out = out;
    const a = this.automaton;
    let boundary = true;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (boundary && a.startsSome(c)) a.findAt(text, i, this.onMatch);
      boundary = WORD_CHAR[c] === 0;
    }
    this.out = [];
  }
}
