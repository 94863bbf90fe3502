import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CHUNK_SIZE, compareIds, merkleRoot } from "../../src/lineage/merkle.js";
import { proveId, verifyProof } from "../../src/lineage/merkle-proof.js";

const idsOf = (n: number, step = 2): string[] =>
  Array.from({ length: n }, (_, i) => `item-${String(i * step + 1).padStart(6, "0")}`).sort(
    compareIds,
  );

function check(ids: string[], id: string) {
  const root = merkleRoot(ids);
  const proof = proveId(ids, id);
  return { proof, root, check: verifyProof(JSON.parse(JSON.stringify(proof)), root) };
}

describe("merkle proofs", () => {
  const ids = idsOf(CHUNK_SIZE * 3 + 17);

  it.each([
    ["the first id", ids[0]!],
    ["the last id", ids[ids.length - 1]!],
    ["the last id of a chunk", ids[CHUNK_SIZE - 1]!],
    ["the first id of a chunk", ids[CHUNK_SIZE]!],
    ["an id in the middle", ids[500]!],
  ])("proves inclusion of %s", (_, id) => {
    const r = check(ids, id);
    expect(r.proof.result).toBe("included");
    expect(r.check).toEqual({ ok: true, result: "included", id });
  });

  it.each([
    ["before every id", "item-000000", 1],
    ["after every id", "item-999999", 1],
    ["inside a chunk's range", "item-000004", 1],
    // ids[255] = item-000511, ids[256] = item-000513: item-000512 falls between two chunks.
    ["between two chunks", "item-000512", 2],
  ])("proves exclusion of an id %s", (_, id, leaves) => {
    const r = check(ids, id);
    expect(r.proof.result).toBe("excluded");
    expect(r.proof.leaves).toHaveLength(leaves);
    expect(r.check).toEqual({ ok: true, result: "excluded", id });
  });

  it("proves absence in an empty dataset and in a single chunk", () => {
    expect(check([], "x").check).toEqual({ ok: true, result: "excluded", id: "x" });
    const one = ["b", "d", "f"];
    expect(check(one, "a").check).toMatchObject({ ok: true, result: "excluded" });
    expect(check(one, "c").check).toMatchObject({ ok: true, result: "excluded" });
    expect(check(one, "g").check).toMatchObject({ ok: true, result: "excluded" });
    expect(check(one, "d").check).toMatchObject({ ok: true, result: "included" });
  });

  it("agrees with plain membership on random datasets", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 4 }), { maxLength: 700 }),
        fc.string({ minLength: 1, maxLength: 4 }),
        (raw, probe) => {
          const sorted = [...raw].sort(compareIds);
          const r = check(sorted, probe);
          expect(r.check).toEqual({
            ok: true,
            result: sorted.includes(probe) ? "included" : "excluded",
            id: probe,
          });
        },
      ),
      { numRuns: 150 },
    );
  });

  it("fails for a tampered proof or another root", () => {
    const { proof, root } = check(ids, ids[300]!);
    const flip = (h: string) => (h[0] === "0" ? "1" : "0") + h.slice(1);
    const variants: unknown[] = [
      { ...proof, id: "item-000004" },
      { ...proof, result: "excluded" },
      { ...proof, leaves: [{ ...proof.leaves[0]!, ids: proof.leaves[0]!.ids.slice(1) }] },
      { ...proof, leaves: [{ ...proof.leaves[0]!, index: 0 }] },
      {
        ...proof,
        leaves: [
          {
            ...proof.leaves[0]!,
            path: [flip(proof.leaves[0]!.path[0]!), ...proof.leaves[0]!.path.slice(1)],
          },
        ],
      },
      { ...proof, tree_size: proof.tree_size + 1 },
      { ...proof, format: "other" },
    ];
    for (const v of variants) expect(verifyProof(v, root).ok).toBe(false);
    expect(verifyProof(proof, flip(root)).ok).toBe(false);
    // An absent id claimed present by dropping it from the bracketing chunk also fails.
    const absent = check(ids, "item-000512").proof;
    expect(verifyProof({ ...absent, leaves: [absent.leaves[0]!] }, root).ok).toBe(false);
    const dropped = check(ids, ids[10]!).proof;
    const forged = {
      ...dropped,
      result: "excluded",
      leaves: [{ ...dropped.leaves[0]!, ids: dropped.leaves[0]!.ids.filter((x) => x !== ids[10]) }],
    };
    expect(verifyProof(forged, root).ok).toBe(false);
  });
});
