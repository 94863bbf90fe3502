import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  auditPath,
  CHUNK_SIZE,
  chunkHash,
  chunksOf,
  compareIds,
  merkleRoot,
  rootFromPath,
  treeRoot,
} from "./merkle.js";

describe("merkle", () => {
  it("has the RFC 6962 empty root", () => {
    expect(merkleRoot([])).toBe(createHash("sha256").digest("hex"));
  });

  it("does not depend on input order, and changes when an id changes", () => {
    const ids = Array.from({ length: 1000 }, (_, i) => `item-${i}`);
    const root = merkleRoot(ids);
    expect(merkleRoot([...ids].reverse())).toBe(root);
    expect(merkleRoot([...ids.slice(1), "item-x"])).not.toBe(root);
  });

  it("sorts by UTF-8 bytes, not UTF-16 code units", () => {
    // In UTF-16 a surrogate pair (0xD83D...) sorts before U+FF5E; in UTF-8 bytes it sorts after.
    expect(["\u{1F600}", "\uFF5E"].sort(compareIds)).toEqual(["\uFF5E", "\u{1F600}"]);
  });

  it("audit paths verify for every leaf of trees of many sizes", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), (n) => {
        const leaves = Array.from({ length: n }, (_, i) => chunkHash([`id-${i}`]));
        const root = treeRoot(leaves);
        for (let i = 0; i < n; i++) {
          expect(rootFromPath(leaves[i]!, i, n, auditPath(i, leaves))?.equals(root)).toBe(true);
          if (n > 1)
            expect(
              rootFromPath(leaves[i]!, (i + 1) % n, n, auditPath(i, leaves))?.equals(root) ?? false,
            ).toBe(false);
        }
      }),
    );
  });

  it("chunks ids in CHUNK_SIZE leaves", () => {
    const ids = Array.from({ length: CHUNK_SIZE * 2 + 1 }, (_, i) => String(i).padStart(6, "0"));
    const chunks = chunksOf(ids);
    expect(chunks.map((c) => c.length)).toEqual([CHUNK_SIZE, CHUNK_SIZE, 1]);
    expect(merkleRoot(ids)).toBe(treeRoot(chunks.map(chunkHash)).toString("hex"));
  });
});

describe("compareIds", () => {
  it("orders every pair of strings exactly as their UTF-8 bytes", () => {
    const sign = (n: number) => Math.sign(n);
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), fc.string({ unit: "binary" }), (a, b) => {
        expect(sign(compareIds(a, b))).toBe(
          sign(Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"))),
        );
      }),
      { numRuns: 2000 },
    );
    expect(compareIds("\uE000", "\u{10000}")).toBeLessThan(0);
    expect(compareIds("\uD7FF", "\u{10000}")).toBeLessThan(0);
    expect(compareIds("ab", "abc")).toBeLessThan(0);
    expect(compareIds("abc", "abc")).toBe(0);
  });
});
