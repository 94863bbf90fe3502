/**
 * The one call a build makes after its output is in place: register the run in the lineage
 * registry (with its members' consent states and regions), bring obligations up to date, and
 * emit the OpenLineage event.
 */
import type { RunFacts } from "../build/run-facts.js";
import type { RegisterRunInput, Run } from "./lineage-store.js";
import { type LineageLocation, withLineage } from "./open-lineage.js";
import type { OpenLineageTarget } from "./openlineage-event.js";
import { buildRunEvent, emitRunEvent } from "./openlineage-event.js";
import { RunManifestSchema } from "./run-manifest.js";

/** Where to send the OpenLineage event, and under which job namespace. */
export type OpenLineageOptions = OpenLineageTarget & { readonly namespace?: string | undefined };

/** What `recordBuild` needs: the run's ids, where the ledger is, where to send the event. */
export interface RecordBuildInput extends RegisterRunInput {
  readonly where: LineageLocation;
  readonly openLineage?: OpenLineageOptions | undefined;
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

/** What `traingate build` hands over after a successful build (run with `collectIds`). */
export interface BuildLineageInput {
  readonly manifest: { readonly purpose: string; readonly as_of: string };
  readonly includedIds: readonly string[];
  readonly authorIds: readonly string[];
  /** The build's run facts (consent states and regions), computed inside DuckDB. */
  readonly facts: RunFacts;
  readonly where: LineageLocation;
  readonly openLineage?: OpenLineageOptions | undefined;
}

/**
 * Registers a finished build with the facts the build computed (src/build/run-facts.ts):
 * nothing is read again from the members table, the consent events or the ledger.
 */
export function registerBuild(input: BuildLineageInput): Promise<Run> {
  return recordBuild({
    manifest: input.manifest,
    itemIds: input.includedIds,
    memberIds: input.authorIds,
    memberConsent: input.facts.memberConsent,
    regions: input.facts.regions,
    where: input.where,
    openLineage: input.openLineage,
  });
}
