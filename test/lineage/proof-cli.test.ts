import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareIds } from "../../src/lineage/merkle.js";
import { openLineage } from "../../src/lineage/open-lineage.js";
import { runCli } from "../support/run-cli.js";
import { manifestFor } from "./lineage-fixtures.js";

let root: string;
let stdout: string[];
let stderr: string[];

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "tg-proof-cli-"));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function run(...argv: string[]): Promise<number> {
  const r = await runCli(argv);
  stdout = [r.stdout];
  stderr = [r.stderr];
  return r.code;
}

/** Writes a dataset folder as `traingate build` does: sorted rows and a manifest. */
function writeDataset(name: string, ids: string[]): string {
  const dir = join(root, name);
  const sorted = [...ids].sort(compareIds);
  const text = sorted
    .map((id) => `${JSON.stringify({ id, author: "p", kind: "post", text: "x" })}\n`)
    .join("");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "dataset.jsonl"), text);
  const manifest = manifestFor(name, sorted, { input: sorted.length + 2 });
  manifest["output"] = {
    path: join(dir, "dataset.jsonl"),
    sha256: createHash("sha256").update(text).digest("hex"),
  };
  writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest, null, 2));
  return dir;
}

const ids = Array.from({ length: 600 }, (_, i) => `item-${String(i * 2).padStart(5, "0")}`);

describe("traingate verify, prove and verify-proof", () => {
  it("verifies an untouched dataset folder", async () => {
    const dir = writeDataset("ok", ids);
    expect(await run("verify", dir)).toBe(0);
    expect(stdout.join("")).toMatch(/^ok: .*\n {2}rows 600/);
  });

  it("fails with what differs when the manifest or the dataset was tampered with", async () => {
    const dir = writeDataset("tampered", ids);
    const file = join(dir, "manifest.json");
    const manifest = JSON.parse(readFileSync(file, "utf8"));
    writeFileSync(file, JSON.stringify({ ...manifest, merkle_root: "0".repeat(64) }));
    expect(await run("verify", dir)).toBe(1);
    expect(stderr.join("")).toMatch(/merkle_root: manifest says 0{64}, dataset has [0-9a-f]{64}/);
    writeFileSync(
      file,
      JSON.stringify({ ...manifest, counts: { ...manifest.counts, included: 599 } }),
    );
    expect(await run("verify", dir)).toBe(1);
    expect(stderr.join("")).toMatch(/counts.included: manifest says 599, dataset has 600/);
    writeFileSync(file, JSON.stringify(manifest));
    const data = readFileSync(join(dir, "dataset.jsonl"), "utf8").split("\n");
    writeFileSync(join(dir, "dataset.jsonl"), [...data.slice(0, 10), ...data.slice(11)].join("\n"));
    expect(await run("verify", dir)).toBe(1);
    expect(stderr.join("")).toMatch(/output.sha256.*\n.*counts.included.*\n.*merkle_root/);
  });

  it("proves ids in and out from a dataset folder, checked against the manifest alone", async () => {
    const dir = writeDataset("proofs", ids);
    for (const [id, result] of [
      ["item-00000", "in"],
      ["item-01198", "in"],
      ["item-00511", "not in"], // between two chunks (ids 255 and 256 are item-00510, item-00512)
      ["item-00003", "not in"],
      ["zzz", "not in"],
      ["a", "not in"],
    ] as const) {
      expect(await run("prove", "--dataset", dir, "--item", id)).toBe(0);
      const proofFile = join(root, `proof-${id}.json`);
      writeFileSync(proofFile, stdout.join(""));
      expect(await run("verify-proof", proofFile, "--manifest", join(dir, "manifest.json"))).toBe(
        0,
      );
      expect(stdout.join("")).toContain(`"${id}" is ${result} the dataset`);
      // Tampered proof: claim the opposite.
      const p = JSON.parse(readFileSync(proofFile, "utf8"));
      writeFileSync(
        proofFile,
        JSON.stringify({ ...p, result: p.result === "included" ? "excluded" : "included" }),
      );
      expect(await run("verify-proof", proofFile, "--root", p.root)).toBe(1);
      expect(stderr.join("")).toContain("the proof does not hold");
    }
    // A tampered manifest (another root) rejects a genuine proof.
    expect(await run("prove", "--dataset", dir, "--item", "item-00002")).toBe(0);
    writeFileSync(join(root, "p.json"), stdout.join(""));
    const m = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
    writeFileSync(
      join(root, "bad-manifest.json"),
      JSON.stringify({ ...m, merkle_root: "f".repeat(64) }),
    );
    expect(
      await run(
        "verify-proof",
        join(root, "p.json"),
        "--manifest",
        join(root, "bad-manifest.json"),
      ),
    ).toBe(1);
  });

  it("proves from the lineage registry by run id", async () => {
    const database = `sqlite:${join(root, "ledger.sqlite")}`;
    const open = await openLineage({ dataDir: root, database }, () => 1_700_000_000_000_000);
    await open.lineage.registerRun({
      manifest: manifestFor("run-7", ids),
      itemIds: ids,
      memberIds: ["m1"],
      memberConsent: { allow: 1, none: 0 },
    });
    await open.close();
    expect(
      await run(
        "prove",
        "--run",
        "run-7",
        "--item",
        "item-00100",
        "--database",
        database,
        "--data-dir",
        root,
      ),
    ).toBe(0);
    const proof = JSON.parse(stdout.join(""));
    expect(proof).toMatchObject({ run_id: "run-7", result: "included" });
    writeFileSync(join(root, "run7.json"), JSON.stringify(proof));
    expect(
      await run(
        "verify-proof",
        join(root, "run7.json"),
        "--root",
        manifestFor("run-7", ids)["merkle_root"] as string,
      ),
    ).toBe(0);
    expect(
      await run(
        "prove",
        "--run",
        "nope",
        "--item",
        "x",
        "--database",
        database,
        "--data-dir",
        root,
      ),
    ).toBe(2);
  });

  it("fails on usage errors with exit 2", async () => {
    expect(await run("prove", "--item", "x")).toBe(2);
    expect(await run("verify-proof", "x.json")).toBe(2);
    expect(await run("verify", join(root, "missing"))).toBe(2);
  });
});
