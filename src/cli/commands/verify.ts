import type { Command } from "commander";
import { TrainGateError } from "../../errors.js";
import { verifyDataset } from "../../lineage/verify-dataset.js";
import type { RegisterCommand } from "../command.js";
import { out } from "../command.js";

/**
 * `traingate verify DIR`: recomputes the dataset's sha256, row count and Merkle root and
 * compares them with DIR/manifest.json. Exit 0 when everything matches; exit 1
 * (TG_E_VERIFY_FAILED) listing each difference otherwise.
 */
export const registerVerify: RegisterCommand = (program: Command) => {
  program
    .command("verify")
    .description("check a dataset folder against its manifest.json (sha256, rows, Merkle root)")
    .argument("<dir>", "the folder `traingate build --out` wrote")
    .addHelpText("after", "\nExample:\n  $ traingate verify out/run-1")
    .action(async (dir: string) => {
      const v = await verifyDataset(dir);
      if (!v.ok) {
        const lines = v.differences.map(
          (d) => `  ${d.field}: manifest says ${d.manifest}, dataset has ${d.actual}`,
        );
        throw new TrainGateError(
          "TG_E_VERIFY_FAILED",
          `${dir}: the dataset does not match its manifest:\n${lines.join("\n")}`,
          { differences: v.differences },
        );
      }
      out(`ok: ${v.dataset}`);
      out(`  rows ${v.rows}, sha256 ${v.sha256}`);
      out(`  merkle_root ${v.merkleRoot}`);
    });
};
