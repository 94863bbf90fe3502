/**
 * Inclusion and exclusion proofs over the dataset Merkle tree (merkle.ts). The tree's leaves
 * are chunks of consecutive sorted ids, so a proof shows whole chunks with their audit paths:
 * - inclusion: the chunk that holds the id;
 * - exclusion: the chunk(s) whose range brackets the id: one chunk when the id falls inside
 *   its range (its ids are consecutive in the dataset, so a missing id is absent), the first
 *   chunk when the id sorts before every id, the last when after, or two adjacent chunks when
 *   the id falls between them; an empty tree proves absence by its root alone.
 * A verifier needs only the proof and the root (from a manifest); never the dataset.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import {
  auditPath,
  CHUNK_SIZE,
  chunkHash,
  chunksOf,
  compareIds,
  rootFromPath,
  treeRoot,
} from "./merkle.js";

/** The proof format's name and version. */
export const PROOF_FORMAT = "traingate-merkle-proof/1";

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);

/** Zod schema of a proof file. */
export const MerkleProofSchema = z.object({
  format: z.literal(PROOF_FORMAT),
  id: z.string(),
  result: z.enum(["included", "excluded"]),
  root: hex64,
  chunk_size: z.literal(CHUNK_SIZE),
  /** Number of leaves (chunks) in the tree. */
  tree_size: z.number().int().nonnegative(),
  leaves: z
    .array(
      z.object({
        index: z.number().int().nonnegative(),
        ids: z.array(z.string()).min(1).max(CHUNK_SIZE),
        path: z.array(hex64),
      }),
    )
    .max(2),
  run_id: z.string().optional(),
});
export type MerkleProof = z.infer<typeof MerkleProofSchema>;

/**
 * The proof that `id` is or is not among `sortedIds` (ascending byte order, unique), whose
 * root is computed here.
 */
export function proveId(sortedIds: readonly string[], id: string, runId?: string): MerkleProof {
  const chunks = chunksOf(sortedIds);
  const leaves = chunks.map(chunkHash);
  const root = treeRoot(leaves).toString("hex");
  const leaf = (index: number) => ({
    index,
    ids: [...chunks[index]!],
    path: auditPath(index, leaves).map((b) => b.toString("hex")),
  });
  const base = {
    format: PROOF_FORMAT,
    id,
    root,
    chunk_size: CHUNK_SIZE,
    tree_size: leaves.length,
    ...(runId === undefined ? {} : { run_id: runId }),
  } as const;
  if (chunks.length === 0) return { ...base, result: "excluded", leaves: [] };
  // The first chunk whose last id is >= id: the only chunk that could hold it.
  let lo = 0;
  let hi = chunks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const last = chunks[mid]![chunks[mid]!.length - 1]!;
    if (compareIds(last, id) < 0) lo = mid + 1;
    else hi = mid;
  }
  if (lo === chunks.length) return { ...base, result: "excluded", leaves: [leaf(lo - 1)] };
  const chunk = chunks[lo]!;
  if (chunk.includes(id)) return { ...base, result: "included", leaves: [leaf(lo)] };
  if (lo === 0 || compareIds(chunk[0]!, id) < 0)
    return { ...base, result: "excluded", leaves: [leaf(lo)] };
  return { ...base, result: "excluded", leaves: [leaf(lo - 1), leaf(lo)] };
}

/** Outcome of `verifyProof`: the claim it proves, or why it does not. */
export type ProofCheck =
  | { readonly ok: true; readonly result: "included" | "excluded"; readonly id: string }
  | { readonly ok: false; readonly problem: string };

const EMPTY_ROOT = createHash("sha256").digest("hex");

/**
 * Checks a proof against a trusted root (from a manifest), without the dataset. Parses the
 * proof with Zod first; a proof for another root fails.
 */
export function verifyProof(proofJson: unknown, trustedRoot: string): ProofCheck {
  const parsed = MerkleProofSchema.safeParse(proofJson);
  if (!parsed.success)
    return {
      ok: false,
      problem: `not a proof: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    };
  const p = parsed.data;
  const root = trustedRoot.toLowerCase();
  if (p.root !== root)
    return { ok: false, problem: `the proof is for root ${p.root}, not ${root}` };
  const fail = (problem: string): ProofCheck => ({ ok: false, problem });
  if (p.tree_size === 0) {
    if (p.leaves.length !== 0) return fail("an empty tree has no leaves");
    if (root !== EMPTY_ROOT) return fail("the tree is not empty: its root is not sha256('')");
    return p.result === "excluded"
      ? { ok: true, result: "excluded", id: p.id }
      : fail("nothing is included in an empty tree");
  }
  if (p.leaves.length === 0) return fail("a non-empty tree needs at least one leaf");
  for (const leaf of p.leaves) {
    if (leaf.index >= p.tree_size) return fail(`leaf ${leaf.index} is outside the tree`);
    const full = leaf.index < p.tree_size - 1;
    if (full && leaf.ids.length !== CHUNK_SIZE)
      return fail(`leaf ${leaf.index} must hold ${CHUNK_SIZE} ids, it holds ${leaf.ids.length}`);
    for (let i = 1; i < leaf.ids.length; i++) {
      if (compareIds(leaf.ids[i - 1]!, leaf.ids[i]!) >= 0)
        return fail(`leaf ${leaf.index}: ids are not strictly ascending`);
    }
    const got = rootFromPath(
      chunkHash(leaf.ids),
      leaf.index,
      p.tree_size,
      leaf.path.map((h) => Buffer.from(h, "hex")),
    );
    if (got === null || got.toString("hex") !== root)
      return fail(`leaf ${leaf.index} and its audit path do not lead to the root`);
  }
  const first = p.leaves[0]!;
  const firstId = first.ids[0]!;
  const lastId = first.ids[first.ids.length - 1]!;
  if (p.result === "included") {
    if (p.leaves.length !== 1) return fail("an inclusion proof shows exactly one leaf");
    return first.ids.includes(p.id)
      ? { ok: true, result: "included", id: p.id }
      : fail(`leaf ${first.index} does not contain ${JSON.stringify(p.id)}`);
  }
  if (p.leaves.some((l) => l.ids.includes(p.id)))
    return fail(`the id ${JSON.stringify(p.id)} is in the dataset`);
  const excluded: ProofCheck = { ok: true, result: "excluded", id: p.id };
  if (p.leaves.length === 2) {
    const second = p.leaves[1]!;
    if (second.index !== first.index + 1) return fail("the two leaves are not adjacent");
    return compareIds(lastId, p.id) < 0 && compareIds(p.id, second.ids[0]!) < 0
      ? excluded
      : fail("the id does not fall between the two leaves");
  }
  if (compareIds(firstId, p.id) < 0 && compareIds(p.id, lastId) < 0) return excluded;
  if (first.index === 0 && compareIds(p.id, firstId) < 0) return excluded;
  if (first.index === p.tree_size - 1 && compareIds(lastId, p.id) < 0) return excluded;
  return fail("the leaf's range does not bracket the id");
}
