import type { Command } from "commander";
import { withLineage } from "../../lineage/open-lineage.js";
import { formatInstant } from "../../policy/time.js";
import type { RegisterCommand } from "../command.js";
import { out } from "../command.js";

interface Where {
  dataDir?: string;
  database?: string;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/**
 * `traingate model register --run R [--run R2 ...] --name NAME [--version V]` records that a
 * model was trained on those runs (so an opt-out can name the models it affects);
 * `traingate model list [--run R]` lists models.
 */
export const registerModel: RegisterCommand = (program: Command) => {
  const model = program
    .command("model")
    .description("models trained on registered runs")
    .addHelpText(
      "after",
      "\nExamples:\n  $ traingate model register --run run-1 --name assistant --version 2025.1\n  $ traingate model list --run run-1",
    );
  model
    .command("register")
    .description("record a model trained on one or more runs")
    .option("--run <runId>", "a run the model was trained on (repeatable)", collect, [])
    .requiredOption("--name <name>", "the model's name")
    .option("--version <version>", "its version (default: the next integer for this name)")
    .option("--data-dir <dir>", "TrainGate's data directory (default .traingate/)")
    .option("--database <url>", "ledger URL (default: the SQLite file in the data directory)")
    .addHelpText(
      "after",
      "\nExample:\n  $ traingate model register --run run-1 --name assistant --version 2025.1",
    )
    .action(async (opts: Where & { run: string[]; name: string; version?: string }) => {
      const m = await withLineage(opts, ({ lineage }) =>
        lineage.registerModel({ name: opts.name, version: opts.version, runIds: opts.run }),
      );
      out(JSON.stringify(m, null, 2));
    });
  model
    .command("list")
    .description("list models, optionally those trained on a run")
    .addHelpText(
      "after",
      "\nExamples:\n  $ traingate model list\n  $ traingate model list --run run-1 --json",
    )
    .option("--run <runId>", "only models trained on this run")
    .option("--json", "print JSON")
    .option("--data-dir <dir>", "TrainGate's data directory (default .traingate/)")
    .option("--database <url>", "ledger URL (default: the SQLite file in the data directory)")
    .action(async (opts: Where & { run?: string; json?: boolean }) => {
      const models = await withLineage(opts, ({ lineage }) =>
        lineage.listModels(opts.run === undefined ? undefined : [opts.run]),
      );
      if (opts.json) return out(JSON.stringify(models, null, 2));
      if (models.length === 0) return out("no models registered");
      for (const m of models)
        out(
          `${m.modelId}  registered ${formatInstant(m.registeredAt)}  runs ${m.runIds.join(", ")}`,
        );
    });
};
