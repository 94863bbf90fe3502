/**
 * The dataset Merkle tree: a commitment to the sorted ids of a build's included items that
 * proves both presence and absence of an id without the dataset.
 *
 * Leaves are chunks of CHUNK_SIZE consecutive sorted ids (byte order of UTF-8), hashed as
 * sha256(0x00 || for each id: uint32 big-endian byte length || bytes). Interior nodes follow
 * RFC 6962 (Certificate Transparency): sha256(0x01 || left || right), splitting n leaves at the
 * largest power of two below n. The root of no ids is sha256 of the empty string.
 *
 * Why chunks: one sha256 per id and per interior node costs ~2 µs each in Node, 20+ s for ten
 * million ids; hashing chunks costs about the bytes of the ids. A proof then carries the ids of
 * one chunk (or two adjacent ones), which are ids of the same published dataset.
 */
import { createHash, hash } from "node:crypto";

/** Ids per leaf chunk. Part of the format: changing it changes every root. */
export const CHUNK_SIZE = 256;

function sha256(data: Buffer): Buffer {
  return hash("sha256", data, "buffer") as unknown as Buffer;
}

/**
 * Byte-order comparison of two ids' UTF-8 encodings (the dataset's sort order), without
 * encoding them: UTF-8 byte order is code point order, and UTF-16 code units give code point
 * order once surrogates (0xD800-0xDFFF) are moved above 0xE000-0xFFFF.
 */
export function compareIds(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800) x += x >= 0xe000 ? -0x800 : 0x2000;
    if (y >= 0xd800) y += y >= 0xe000 ? -0x800 : 0x2000;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/** The leaf hash of one chunk of sorted ids. */
export function chunkHash(ids: readonly string[]): Buffer {
  const parts: Buffer[] = [Buffer.from([0])];
  for (const id of ids) {
    const bytes = Buffer.from(id, "utf8");
    const len = Buffer.alloc(4);
    len.writeUInt32BE(bytes.length);
    parts.push(len, bytes);
  }
  return sha256(Buffer.concat(parts));
}

/** RFC 6962 interior node. */
export function nodeHash(left: Buffer, right: Buffer): Buffer {
  return sha256(Buffer.concat([Buffer.from([1]), left, right]));
}

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Root over leaf hashes (RFC 6962 Merkle Tree Hash). */
export function treeRoot(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return createHash("sha256").digest();
  if (leaves.length === 1) return leaves[0]!;
  const k = largestPowerOfTwoBelow(leaves.length);
  return nodeHash(treeRoot(leaves.slice(0, k)), treeRoot(leaves.slice(k)));
}

/** Audit path of leaf `index` (RFC 6962 PATH), bottom-up sibling hashes. */
export function auditPath(index: number, leaves: readonly Buffer[]): Buffer[] {
  if (leaves.length <= 1) return [];
  const k = largestPowerOfTwoBelow(leaves.length);
  if (index < k) return [...auditPath(index, leaves.slice(0, k)), treeRoot(leaves.slice(k))];
  return [...auditPath(index - k, leaves.slice(k)), treeRoot(leaves.slice(0, k))];
}

/** Recomputes the root from a leaf, its index, the tree size and its audit path. */
export function rootFromPath(
  leaf: Buffer,
  index: number,
  size: number,
  path: readonly Buffer[],
): Buffer | null {
  if (index < 0 || index >= size) return null;
  // RFC 9162 §2.1.3.2 verification of an inclusion proof.
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn === 0 ? r : null;
}

/** Splits sorted ids into leaf chunks. */
export function chunksOf(sortedIds: readonly string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < sortedIds.length; i += CHUNK_SIZE)
    out.push(sortedIds.slice(i, i + CHUNK_SIZE));
  return out;
}

/**
 * Incremental root builder for ids arriving in sorted order (a build streams them):
 * memory is one chunk plus one hash per chunk.
 */
export class MerkleBuilder {
  private readonly leaves: Buffer[] = [];
  private chunk: string[] = [];
  private last: string | null = null;
  private count = 0;

  /** Adds the next id; ids must arrive in strictly ascending byte order. */
  add(id: string): void {
    if (this.last !== null && compareIds(this.last, id) >= 0) {
      throw new Error(
        `Merkle ids must be strictly ascending: ${JSON.stringify(this.last)} then ${JSON.stringify(id)}`,
      );
    }
    this.last = id;
    this.count++;
    this.chunk.push(id);
    if (this.chunk.length === CHUNK_SIZE) {
      this.leaves.push(chunkHash(this.chunk));
      this.chunk = [];
    }
  }

  /** Number of ids added. */
  get size(): number {
    return this.count;
  }

  /** The root (hex). */
  root(): string {
    const leaves = this.chunk.length > 0 ? [...this.leaves, chunkHash(this.chunk)] : this.leaves;
    return treeRoot(leaves).toString("hex");
  }
}

/** The Merkle root (hex) of ids, which are sorted here. */
export function merkleRoot(ids: readonly string[]): string {
  const b = new MerkleBuilder();
  for (const id of [...ids].sort(compareIds)) b.add(id);
  return b.root();
}
