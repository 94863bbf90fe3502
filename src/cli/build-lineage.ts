/**
 * The lineage side of `traingate build`: its options and the registration after a successful
 * build. Kept here so the build command needs one line for the options and one call.
 */
import type { Command } from "commander";
import type { BuildResult } from "../build/run-build.js";
import { TrainGateError } from "../errors.js";
import { err } from "./command.js";

/** The build's lineage options as commander parses them. */
export interface BuildLineageOptions {
  /** False with `--no-lineage`. */
  lineage?: boolean;
  openlineageFile?: string;
  openlineageUrl?: string;
  openlineageNamespace?: string;
  dataDir?: string;
  database?: string;
}

/** Adds `--no-lineage` and the OpenLineage options to the build command. */
export function withLineageOptions(cmd: Command): Command {
  return cmd
    .option("--no-lineage", "do not register the run in the lineage registry")
    .option("--openlineage-file <file>", "append the run's OpenLineage event (JSON line) here")
    .option("--openlineage-url <url>", "POST the run's OpenLineage event here (e.g. Marquez)")
    .option("--openlineage-namespace <ns>", "the OpenLineage job namespace", "traingate");
}

/** True unless `--no-lineage`: the build then collects the ids lineage needs. */
export function wantsLineage(opts: BuildLineageOptions): boolean {
  return opts.lineage !== false;
}

/**
 * Registers a finished build's run and emits its OpenLineage event. The dataset is already
 * in place, so a failure here does not undo the build: it is reported on stderr and the
 * build's exit code stays 0 (run `traingate verify` and register again later).
 */
export async function recordBuildLineage(
  opts: BuildLineageOptions,
  result: BuildResult,
): Promise<void> {
  if (!wantsLineage(opts)) return;
  try {
    if (
      result.includedIds === undefined ||
      result.authorIds === undefined ||
      result.facts === undefined
    )
      throw new TrainGateError("TG_E_INTERNAL", "the build did not collect the run's ids");
    // Loaded only when a run is registered: the lineage store and its database drivers cost
    // ~0.2 s of start-up, which a `--no-lineage` build should not pay.
    const { registerBuild } = await import("../lineage/record-build.js");
    await registerBuild({
      manifest: result.manifest,
      includedIds: result.includedIds,
      authorIds: result.authorIds,
      facts: result.facts,
      where: { dataDir: opts.dataDir, database: opts.database },
      openLineage: {
        file: opts.openlineageFile,
        url: opts.openlineageUrl,
        namespace: opts.openlineageNamespace,
      },
    });
  } catch (e) {
    err(
      `traingate: warning: ${result.manifest.run_id} was built but not recorded in lineage: ${(e as Error).message}`,
    );
  }
}
