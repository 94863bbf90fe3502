import type { Command } from "commander";
import { currentKey, rotateKey } from "../../build/pseudonym-key.js";
import { dataDir } from "../../config/data-dir.js";
import { TrainGateError } from "../../errors.js";
import type { RegisterCommand } from "../command.js";
import { out } from "../command.js";

/**
 * `traingate keys show|rotate`: the data directory's pseudonym key, by fingerprint only.
 * Rotating keeps the old keys, so manifests made with them stay explainable.
 */
export const registerKeys: RegisterCommand = (program: Command) => {
  const keys = program
    .command("keys")
    .description("the pseudonym key of builds without --pseudonym-key-file (fingerprints only)")
    .addHelpText(
      "after",
      "\nExamples:\n  $ traingate keys show\n  $ traingate keys rotate --data-dir .traingate",
    );
  keys
    .command("show")
    .description("print the current key's fingerprint")
    .addHelpText("after", "\nExamples:\n  $ traingate keys show --data-dir .traingate/demo")
    .option("--data-dir <dir>", "TrainGate's data directory")
    .action((opts: { dataDir?: string }) => {
      const key = currentKey(dataDir(opts.dataDir));
      if (key === null) {
        throw new TrainGateError(
          "TG_E_NOT_FOUND",
          "no pseudonym key yet; the first build creates one, or run: traingate keys rotate",
        );
      }
      out(key.fingerprint);
    });
  keys
    .command("rotate")
    .description("start a new key for future builds (old keys are kept)")
    .addHelpText(
      "after",
      "\nExamples:\n  $ traingate keys rotate\nBuilds made before keep their manifests' key fingerprint; new builds use the new key.",
    )
    .option("--data-dir <dir>", "TrainGate's data directory")
    .action((opts: { dataDir?: string }) => {
      out(rotateKey(dataDir(opts.dataDir)).fingerprint);
    });
};
