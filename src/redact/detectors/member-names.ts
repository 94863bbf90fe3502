/**
 * Mentions of platform members by display name: every name at once through one
 * `NameAutomaton`, accepted only on word boundaries.
 */
import { FNV_OFFSET, FNV_PRIME, isUpper, isWordChar, WORD_CHAR, wordEndsAt } from "../chars.js";
import { AUTOMATON_KEY, NameAutomaton } from "../name-automaton.js";
import type { Span } from "../span.js";
import type { Words } from "../text-facts.js";
import { JOINED } from "../text-facts.js";

/** A display name needs at least this many letters or digits to be worth matching. */
const MIN_WORD_CHARS = 2;

/** A hash of a run of keys, never 0 (0 marks a free slot of `leadHashes`). */
function leadHash(h: number): number {
  return h === 0 ? 1 : h;
}

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
  /**
   * Open-addressed set of the hashes (FNV-1a over the keys) of every name's leading word:
   * its keys up to the first one that is not a word character. Names that start with a
   * non-word character have none.
   */
  private readonly leadHashes: Int32Array;
  private readonly leadMask: number;
  /** Whether some name starts with a character that is not a word character ("(Jo)"). */
  private readonly nonWordLead: boolean;
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
    const leads = new Set<number>();
    let nonWordLead = false;
    for (const p of this.automaton.patterns) {
      let h = FNV_OFFSET;
      let k = 0;
      for (; k < p.length && WORD_CHAR[p.charCodeAt(k)] === 1; k++)
        h = Math.imul(h ^ p.charCodeAt(k), FNV_PRIME);
      if (k > 0) leads.add(leadHash(h));
      else nonWordLead = true;
    }
    this.nonWordLead = nonWordLead;
    let size = 16;
    while (size < leads.size * 2) size *= 2;
    this.leadHashes = new Int32Array(size);
    this.leadMask = size - 1;
    for (const h of leads) {
      let slot = h & this.leadMask;
      while (this.leadHashes[slot] !== 0) slot = (slot + 1) & this.leadMask;
      this.leadHashes[slot] = h;
    }
  }

  /** Whether some name's leading word has the hash `h` (a `leadHash`). */
  private hasLead(h: number): boolean {
    const table = this.leadHashes;
    for (let slot = h & this.leadMask; ; slot = (slot + 1) & this.leadMask) {
      const x = table[slot]!;
      if (x === h) return true;
      if (x === 0) return false;
    }
  }

  /** Number of distinct names matched. */
  get count(): number {
    return this.automaton.patterns.length;
  }

  /**
   * Appends a `member_name` span for each whole-word mention. A mention starts where a word
   * may start (after a non-word character), so the trie is walked only from those positions.
   * At a word, only when the word as a whole (up to the next non-word character) is some
   * name's leading word: a mention must end where a word ends, and the automaton's keys are
   * word characters exactly where the text's characters are (`AUTOMATON_KEY` keeps the
   * class), so a name that matches there, one word or several, starts with that very word.
   * Most words of a post lead no name and cost one hash probe instead of a walk. At any
   * other character, when some name starts with it. The same matches as the full
   * Aho-Corasick scan filtered to word boundaries, for a fraction of the work.
   */
  detect(text: string, out: Span[]): void {
    if (this.automaton.patterns.length === 0) return;
    this.text = text;
    this.out = out;
    const a = this.automaton;
    const n = text.length;
    // `i` is always where a word may start: the text's start or after a non-word character.
    let i = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (WORD_CHAR[c] === 0) {
        if (a.startsSome(c)) a.findAt(text, i, this.onMatch);
        i++;
        continue;
      }
      // The character after the word follows a word character, so no word starts there.
      i = this.word(text, i, n) + 1;
    }
    this.out = [];
  }

  /**
   * Finds the names that start at the word starting at `i` (before `end`), when the word
   * leads one; returns where the word ends.
   */
  private word(text: string, i: number, end: number): number {
    let h = FNV_OFFSET;
    let j = i;
    do h = Math.imul(h ^ AUTOMATON_KEY[text.charCodeAt(j)]!, FNV_PRIME);
    while (++j < end && WORD_CHAR[text.charCodeAt(j)] === 1);
    if (this.hasLead(leadHash(h))) this.automaton.findAt(text, i, this.onMatch);
    return j;
  }

  /**
   * `detect` from the words the person detector's tokeniser found in `text` and hashed on
   * its way (`Words`), without reading the text again: every word start is a token's start
   * or follows a hyphen or apostrophe inside one. Falls back to `detect` when some name
   * starts with a character that is not a word character, which only a scan of every
   * character finds.
   */
  detectWords(text: string, out: Span[], words: Words): void {
    if (this.automaton.patterns.length === 0) return;
    if (this.nonWordLead) {
      this.detect(text, out);
      return;
    }
    this.text = text;
    this.out = out;
    const a = this.automaton;
    const { count, start, end, flags, keyHash } = words;
    for (let t = 0; t < count; t++) {
      const s = start[t]!;
      if ((flags[t]! & JOINED) === 0) {
        if (this.hasLead(leadHash(keyHash[t]!))) a.findAt(text, s, this.onMatch);
        continue;
      }
      // Words joined by single hyphens or apostrophes: each is hashed here.
      const e = end[t]!;
      for (let i = s; i < e; ) i = this.word(text, i, e) + 1;
    }
    this.out = [];
  }
}
