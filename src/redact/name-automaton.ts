/**
 * A compact Aho-Corasick automaton over case-folded UTF-16 code units, for finding every
 * occurrence of a very large set of names in one pass over a text: the cost per text grows
 * with the text's length, not with the number of names.
 *
 * Built breadth-first from the sorted, de-duplicated patterns, so each node's children are
 * contiguous and sorted by code unit: a transition is a binary search in typed arrays, and a
 * million names cost tens of bytes each instead of a JavaScript object per trie node.
 */
import { foldCase } from "./chars.js";

/** Case- and whitespace-insensitive key of a code unit: every kind of space matches a space. */
function keyOf(code: number): number {
  // Tab, newline, vertical tab, form feed, carriage return, no-break space, narrow no-break space.
  if (code === 9 || code === 10 || code === 11 || code === 12 || code === 13) return 32;
  if (code === 0xa0 || code === 0x202f || code === 0x2007) return 32;
  return foldCase(code);
}

/** `keyOf` of every code unit, so the matching loops do one table lookup per character. */
const KEY = new Uint16Array(65536);
for (let c = 0; c < 65536; c++) KEY[c] = keyOf(c);

/** The automaton's key of each code unit (case folded, every kind of space a space). */
export const AUTOMATON_KEY: Readonly<Uint16Array> = KEY;

function key(code: number): number {
  return KEY[code]!;
}

/** Normalises a pattern as the automaton sees it: trimmed, spaces collapsed, case folded. */
export function automatonKey(pattern: string): string {
  const collapsed = pattern.trim().replace(/\s+/gu, " ");
  let out = "";
  for (let i = 0; i < collapsed.length; i++)
    out += String.fromCharCode(key(collapsed.charCodeAt(i)));
  return out;
}

/** A match: `[start, end)` in the text and the index of the pattern in `patterns`. */
export type OnMatch = (start: number, end: number, pattern: number) => void;

/** Depth-2 nodes beyond which the third level is not made dense (8,192 × 512 B = 4 MiB). */
const MAX_DENSE_THIRD = 8192;

/** An immutable multi-pattern matcher; build once, share across texts (and threads). */
export class NameAutomaton {
  /** The distinct normalised patterns, sorted; a match reports an index into this. */
  readonly patterns: readonly string[];
  private readonly firstChild: Int32Array;
  private readonly childCount: Int32Array;
  private readonly edge: Uint16Array;
  private readonly fail: Int32Array;
  /** Pattern index ending at this node, or -1. */
  private readonly terminal: Int32Array;
  /** Nearest node on the failure chain that ends a pattern, or -1. */
  private readonly outLink: Int32Array;
  private readonly depth: Int32Array;
  /** Dense transitions of the root, the busiest node. */
  private readonly rootNext: Int32Array;
  /**
   * Dense ASCII transitions of the root's children (nodes 1 to `rootChildren`), the next
   * busiest: 128 entries each, child of node `v` along `c` at `(v - 1) * 128 + c`.
   */
  private readonly secondNext: Int32Array;
  private readonly rootChildren: number;
  /**
   * Dense ASCII transitions of the nodes at depth 2 (numbered `rootChildren + 1` to
   * `thirdEnd - 1` in breadth-first order), where most walks from a word start end: child of
   * `v` along `c` at `(v - rootChildren - 1) * 128 + c`. Empty (and `thirdEnd` is then
   * `rootChildren + 1`) when there are more than `MAX_DENSE_THIRD` such nodes.
   */
  private readonly thirdNext: Int32Array;
  private readonly thirdEnd: number;

  constructor(patterns: Iterable<string>) {
    const set = new Set<string>();
    for (const p of patterns) {
      const k = automatonKey(p);
      if (k.length > 0) set.add(k);
    }
    const keys = [...set].sort();
    this.patterns = keys;

    const firstChild: number[] = [];
    const childCount: number[] = [];
    const edge: number[] = [0];
    const terminal: number[] = [];
    const depth: number[] = [0];
    const lo: number[] = [0];
    const hi: number[] = [keys.length];
    // Node ids are assigned in breadth-first order, so iterating ids is the BFS.
    for (let v = 0; v < depth.length; v++) {
      const d = depth[v]!;
      let i = lo[v]!;
      const end = hi[v]!;
      terminal[v] = -1;
      // Sorted order puts a pattern before every longer pattern it prefixes.
      if (i < end && keys[i]!.length === d) terminal[v] = i++;
      firstChild[v] = depth.length;
      while (i < end) {
        const c = keys[i]!.charCodeAt(d);
        let j = i + 1;
        while (j < end && keys[j]!.charCodeAt(d) === c) j++;
        edge.push(c);
        depth.push(d + 1);
        lo.push(i);
        hi.push(j);
        i = j;
      }
      childCount[v] = depth.length - firstChild[v]!;
    }
    const n = depth.length;
    this.firstChild = Int32Array.from(firstChild);
    this.childCount = Int32Array.from(childCount);
    this.edge = Uint16Array.from(edge);
    this.terminal = Int32Array.from(terminal);
    this.depth = Int32Array.from(depth);
    this.rootNext = new Int32Array(65536).fill(0);
    for (let u = this.firstChild[0]!, e = u + this.childCount[0]!; u < e; u++) {
      this.rootNext[this.edge[u]!] = u;
    }
    this.rootChildren = this.childCount[0]!;
    this.secondNext = new Int32Array(this.rootChildren * 128);
    for (let v = 1; v <= this.rootChildren; v++) {
      for (let u = this.firstChild[v]!, e = u + this.childCount[v]!; u < e; u++) {
        const c = this.edge[u]!;
        if (c < 128) this.secondNext[(v - 1) * 128 + c] = u;
      }
    }
    // Breadth-first: the depth-2 nodes follow the root's children, up to the first child of
    // the first depth-2 node (or the end, when no name is longer than two units).
    let thirdEnd = this.rootChildren + 1;
    while (thirdEnd < n && depth[thirdEnd] === 2) thirdEnd++;
    if (thirdEnd - this.rootChildren - 1 > MAX_DENSE_THIRD) thirdEnd = this.rootChildren + 1;
    this.thirdEnd = thirdEnd;
    this.thirdNext = new Int32Array((thirdEnd - this.rootChildren - 1) * 128);
    for (let v = this.rootChildren + 1; v < thirdEnd; v++) {
      for (let u = this.firstChild[v]!, e = u + this.childCount[v]!; u < e; u++) {
        const c = this.edge[u]!;
        if (c < 128) this.thirdNext[(v - this.rootChildren - 1) * 128 + c] = u;
      }
    }
    this.fail = new Int32Array(n);
    this.outLink = new Int32Array(n).fill(-1);
    for (let v = 0; v < n; v++) {
      for (let u = this.firstChild[v]!, e = u + this.childCount[v]!; u < e; u++) {
        const c = this.edge[u]!;
        let f = v === 0 ? -1 : this.fail[v]!;
        let target = 0;
        while (f >= 0) {
          const g = this.next(f, c);
          if (g > 0) {
            target = g;
            break;
          }
          f = f === 0 ? -1 : this.fail[f]!;
        }
        this.fail[u] = target;
        this.outLink[u] = this.terminal[target]! >= 0 ? target : this.outLink[target]!;
      }
    }
  }

  /** Number of trie nodes (for sizing reports). */
  get size(): number {
    return this.depth.length;
  }

  /** The child of `v` along code unit `c`, or 0 when there is none. */
  private next(v: number, c: number): number {
    if (v === 0) return this.rootNext[c]!;
    if (c < 128 && v < this.thirdEnd) {
      if (v <= this.rootChildren) return this.secondNext[(v - 1) * 128 + c]!;
      return this.thirdNext[(v - this.rootChildren - 1) * 128 + c]!;
    }
    let a = this.firstChild[v]!;
    let b = a + this.childCount[v]! - 1;
    const edge = this.edge;
    while (a <= b) {
      const m = (a + b) >>> 1;
      const x = edge[m]!;
      if (x === c) return m;
      if (x < c) a = m + 1;
      else b = m - 1;
    }
    return 0;
  }

  /**
   * Calls `onMatch` for every pattern that occurs in `text` starting exactly at `start`,
   * shortest first. Walks the trie from the root without failure links, so a caller that
   * only wants matches at chosen positions (word starts) pays for those positions alone; the
   * cost is bounded by the longest pattern, whatever the number of patterns.
   */
  findAt(text: string, start: number, onMatch: OnMatch): void {
    const n = text.length;
    const terminal = this.terminal;
    // The first two steps through the dense tables, the rest by binary search.
    let state = this.rootNext[KEY[text.charCodeAt(start)]!]!;
    for (let i = start; state !== 0; ) {
      const p = terminal[state]!;
      if (p >= 0) onMatch(start, i + 1, p);
      if (++i >= n) return;
      state = this.next(state, KEY[text.charCodeAt(i)]!);
    }
  }

  /** Whether some pattern starts with the code unit `code` (case- and space-folded). */
  startsSome(code: number): boolean {
    return this.rootNext[key(code)]! !== 0;
  }

  /** Calls `onMatch` for every occurrence of every pattern in `text`, overlapping ones included. */
  findAll(text: string, onMatch: OnMatch): void {
    if (this.patterns.length === 0) return;
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      const c = key(text.charCodeAt(i));
      let g = this.next(state, c);
      while (g === 0 && state !== 0) {
        state = this.fail[state]!;
        g = this.next(state, c);
      }
      state = g;
      if (state === 0) continue;
      let t = this.terminal[state]! >= 0 ? state : this.outLink[state]!;
      while (t >= 0) {
        onMatch(i + 1 - this.depth[t]!, i + 1, this.terminal[t]!);
        t = this.outLink[t]!;
      }
    }
  }
}
