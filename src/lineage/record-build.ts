/**
 * The one call a build makes after its output is in place: register the run in the lineage
 * registry, bring obligations up to date, and emit the OpenLineage event.
 */

import type { RegisterRunInput, Run } from "./lineage-store.js";
import { type LineageLocation, withLineage } from "./open-lineage.js";
import type { OpenLineageTarget } from "./openlineage-event.js";
import { buildRunEvent, emitRunEvent } from "./openlineage-event.js";
import { RunManifestSchema } from "./run-manifest.js";

/** What `recordBuild` needs: the run's ids, where the ledger is, where to send the event. */
export interface RecordBuildInput extends RegisterRunInput {
  readonly where: LineageLocation;
  readonly openLineage?: (OpenLineageTarget & { readonly namespace?: string }) | undefined;
}

/**
 * Registers the build's run (see `LineageStore.registerRun`) and, when a target is given,
 * emits its OpenLineage COMPLETE event. Resolves to the registered run.
 */
export async function recordBuild(input: RecordBuildInput): Promise<Run> {
  const run = await withLineage(input.where, ({ lineage }) => lineage.registerRun(input));
  const target = input.openLineage;
  if (target !== undefined && (target.file !== undefined || target.url !== undefined)) {
    const manifest = RunManifestSchema.parse(input.manifest);
    await emitRunEvent(
      buildRunEvent(manifest, {
        eventTime: run.registeredAt,
        ...(target.namespace === undefined ? {} : { namespace: target.namespace }),
      }),
      target,
    );
  }
  return run;
}
