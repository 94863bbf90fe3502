import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { TrainGateError } from "../../errors.js";
import { verifyProof } from "../../lineage/merkle-proof.js";
import { readManifest } from "../../lineage/verify-dataset.js";
import type { RegisterCommand } from "../command.js";
import { out } from "../command.js";

/**
 * `traingate verify-proof PROOF.json --root HEX | --manifest manifest.json`: checks a proof
 * from `traingate prove` without the dataset. Exit 0 and the claim when it holds; exit 1
 * (TG_E_VERIFY_FAILED) with the reason otherwise.
 */
export const registerVerifyProof: RegisterCommand = (program: Command) => {
  program
    .command("verify-proof")
    .description("check an inclusion or exclusion proof against a Merkle root or a manifest")
    .argument("<proof>", "the proof JSON file")
    .option("--root <hex>", "the trusted Merkle root (64 hex digits)")
    .option("--manifest <file>", "a manifest.json whose merkle_root to trust")
    .addHelpText(
      "after",
      "\nExample:\n  $ traingate verify-proof proof.json --manifest out/run-1/manifest.json",
    )
    .action((file: string, opts: { root?: string; manifest?: string }) => {
      if ((opts.root === undefined) === (opts.manifest === undefined))
        throw new TrainGateError("TG_E_USAGE", "give exactly one of --root HEX or --manifest FILE");
      let root: string;
      if (opts.root !== undefined) {
        if (!/^[0-9a-fA-F]{64}$/.test(opts.root))
          throw new TrainGateError("TG_E_USAGE", "--root must be 64 hex digits (a sha256)");
        root = opts.root.toLowerCase();
      } else root = readManifest(opts.manifest!).merkle_root;
      let proof: unknown;
      try {
        proof = JSON.parse(readFileSync(file, "utf8"));
      } catch (e) {
        throw new TrainGateError(
          "TG_E_BAD_INPUT",
          `${file}: cannot read a JSON proof: ${(e as Error).message}`,
        );
      }
      const check = verifyProof(proof, root);
      if (!check.ok)
        throw new TrainGateError(
          "TG_E_VERIFY_FAILED",
          `${file}: the proof does not hold: ${check.problem}`,
        );
      out(
        `ok: ${JSON.stringify(check.id)} is ${check.result === "included" ? "in" : "not in"} the dataset with Merkle root ${root}`,
      );
    });
};
