import { join } from "node:path";
import type { Command } from "commander";
import { TrainGateError } from "../../errors.js";
import { compareIds } from "../../lineage/merkle.js";
import { proveId } from "../../lineage/merkle-proof.js";
import { withLineage } from "../../lineage/open-lineage.js";
import { datasetIds, readManifest, verifyDataset } from "../../lineage/verify-dataset.js";
import type { RegisterCommand } from "../command.js";
import { out } from "../command.js";

interface ProveOptions {
  run?: string;
  dataset?: string;
  item?: string;
  dataDir?: string;
  database?: string;
}

async function idsOfDataset(dir: string): Promise<{ ids: string[]; runId: string; root: string }> {
  const check = await verifyDataset(dir);
  if (!check.ok)
    throw new TrainGateError(
      "TG_E_VERIFY_FAILED",
      `${dir}: the dataset does not match its manifest; run traingate verify ${dir}`,
    );
  const ids: string[] = [];
  for await (const id of datasetIds(check.dataset)) ids.push(id);
  const manifest = readManifest(join(dir, "manifest.json"));
  return { ids: ids.sort(compareIds), runId: manifest.run_id, root: manifest.merkle_root };
}

/**
 * `traingate prove --run R --item ID` (from the lineage registry) or `--dataset DIR --item ID`
 * (from a dataset folder): prints a JSON proof that the item is or is not in the run's
 * dataset, which `traingate verify-proof` checks against the manifest's root alone.
 */
export const registerProve: RegisterCommand = (program: Command) => {
  program
    .command("prove")
    .description("print a JSON inclusion or exclusion proof of an item id for a run's dataset")
    .option("--run <runId>", "a registered run")
    .option("--dataset <dir>", "a dataset folder (instead of --run)")
    .option("--item <id>", "the item id")
    .option("--data-dir <dir>", "TrainGate's data directory (default .traingate/)")
    .option("--database <url>", "ledger URL (default: the SQLite file in the data directory)")
    .addHelpText(
      "after",
      "\nExamples:\n  $ traingate prove --run run-1 --item item-42 > proof.json\n  $ traingate prove --dataset out/run-1 --item item-42 > proof.json",
    )
    .action(async (opts: ProveOptions) => {
      if (opts.item === undefined) throw new TrainGateError("TG_E_USAGE", "--item ID is required");
      if ((opts.run === undefined) === (opts.dataset === undefined))
        throw new TrainGateError("TG_E_USAGE", "give exactly one of --run RUN_ID or --dataset DIR");
      const item = opts.item;
      let source: { ids: string[]; runId: string; root: string };
      if (opts.dataset !== undefined) source = await idsOfDataset(opts.dataset);
      else {
        const runId = opts.run!;
        source = await withLineage(opts, async ({ lineage }) => {
          const run = await lineage.getRun(runId);
          return { ids: await lineage.runItemIds(runId), runId, root: run.merkleRoot };
        });
      }
      const proof = proveId(source.ids, item, source.runId);
      if (proof.root !== source.root)
        throw new TrainGateError(
          "TG_E_VERIFY_FAILED",
          `run ${source.runId}: the stored ids hash to ${proof.root}, not the manifest's ${source.root}`,
        );
      out(JSON.stringify(proof, null, 2));
    });
};
