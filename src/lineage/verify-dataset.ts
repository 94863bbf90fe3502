/**
 * `traingate verify DIR`: recomputes a dataset's sha256, row count and Merkle root and
 * compares them with its manifest.json, so anyone holding the folder can check what the
 * manifest claims.
 */
import { createReadStream, existsSync, readFileSync } from "node:fs";
import { basename, isAbsolute, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { asyncBufferFromFile, parquetReadObjects } from "hyparquet";
import { compressors } from "hyparquet-compressors";
import { TrainGateError } from "../errors.js";
import { sha256File } from "../export/file-hash.js";
import { compareIds, MerkleBuilder } from "./merkle.js";
import { type RunManifest, RunManifestSchema } from "./run-manifest.js";

/** One difference between a manifest and its dataset. */
export interface Difference {
  readonly field: string;
  readonly manifest: string | number;
  readonly actual: string | number;
}

/** Outcome of verifying a dataset folder. */
export interface DatasetVerification {
  readonly ok: boolean;
  readonly dataset: string;
  readonly rows: number;
  readonly sha256: string;
  readonly merkleRoot: string;
  readonly differences: readonly Difference[];
}

/** Reads and validates DIR/manifest.json; TG_E_NOT_FOUND or TG_E_BAD_INPUT otherwise. */
export function readManifest(file: string): RunManifest {
  if (!existsSync(file))
    throw new TrainGateError("TG_E_NOT_FOUND", `${file}: no such file`, { file });
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new TrainGateError("TG_E_BAD_INPUT", `${file}: not JSON: ${(e as Error).message}`);
  }
  const parsed = RunManifestSchema.safeParse(json);
  if (!parsed.success)
    throw new TrainGateError(
      "TG_E_BAD_INPUT",
      `${file}: not a TrainGate manifest: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`,
    );
  return parsed.data;
}

/** The dataset file of a manifest: its output path, else the file of that name beside it. */
function datasetFile(dir: string, manifest: RunManifest): string {
  const declared = manifest.output.path;
  const candidates = [
    isAbsolute(declared) ? declared : join(dir, declared),
    join(dir, basename(declared)),
    join(dir, "dataset.jsonl"),
    join(dir, "dataset.parquet"),
  ];
  const found = candidates.find((c) => existsSync(c));
  if (found === undefined)
    throw new TrainGateError(
      "TG_E_NOT_FOUND",
      `${dir}: no dataset file (looked for ${candidates.join(", ")})`,
    );
  return found;
}

/** Every row id of a dataset file, in file order. */
export async function* datasetIds(file: string): AsyncGenerator<string> {
  if (file.endsWith(".parquet")) {
    const rows = await parquetReadObjects({
      file: await asyncBufferFromFile(file),
      columns: ["id"],
      compressors,
    });
    for (const r of rows) yield String((r as { id: unknown }).id);
    return;
  }
  const lines = createInterface({
    input: createReadStream(file),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line === "") continue;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      throw new TrainGateError("TG_E_VERIFY_FAILED", `${file}:${n}: not a JSON row`);
    }
    const id = (row as { id?: unknown } | null)?.id;
    if (typeof id !== "string")
      throw new TrainGateError("TG_E_VERIFY_FAILED", `${file}:${n}: row has no string id`);
    yield id;
  }
}

/**
 * Verifies DIR against DIR/manifest.json: the output file's sha256, its row count against
 * counts.included, strictly ascending ids, and the Merkle root. Never throws for a mismatch:
 * the differences are listed.
 */
export async function verifyDataset(dirArg: string): Promise<DatasetVerification> {
  const dir = resolve(dirArg);
  const manifest = readManifest(join(dir, "manifest.json"));
  const file = datasetFile(dir, manifest);
  const sha256 = await sha256File(file);
  const builder = new MerkleBuilder();
  const differences: Difference[] = [];
  let prev: string | null = null;
  let sorted = true;
  let rows = 0;
  for await (const id of datasetIds(file)) {
    rows++;
    if (sorted && prev !== null && compareIds(prev, id) >= 0) sorted = false;
    if (sorted) builder.add(id);
    prev = id;
  }
  let root = "(not computed: ids out of order)";
  if (sorted) root = builder.root();
  else differences.push({ field: "order", manifest: "ascending ids", actual: "not ascending" });
  if (sha256 !== manifest.output.sha256)
    differences.push({ field: "output.sha256", manifest: manifest.output.sha256, actual: sha256 });
  if (rows !== manifest.counts.included)
    differences.push({
      field: "counts.included",
      manifest: manifest.counts.included,
      actual: rows,
    });
  if (root !== manifest.merkle_root)
    differences.push({ field: "merkle_root", manifest: manifest.merkle_root, actual: root });
  const excluded = Object.values(manifest.counts.excluded).reduce((a, b) => a + b, 0);
  if (manifest.counts.included + excluded !== manifest.counts.input)
    differences.push({
      field: "counts.input",
      manifest: manifest.counts.input,
      actual: manifest.counts.included + excluded,
    });
  return {
    ok: differences.length === 0,
    dataset: file,
    rows,
    sha256,
    merkleRoot: root,
    differences,
  };
}
