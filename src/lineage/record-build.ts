/**
 * The one call a build makes after its output is in place: register the run in the lineage
 * registry (with its members' consent states and regions), bring obligations up to date, and
 * emit the OpenLineage event.
 */
import { loadMembers } from "../export/load-export.js";
import type { ConsentEvent } from "../policy/domain.js";
import type { Policy } from "../policy/model.js";
import { parseTimestamp } from "../policy/time.js";
import type { RegisterRunInput, Run } from "./lineage-store.js";
import { type LineageLocation, withLineage } from "./open-lineage.js";
import type { OpenLineageTarget } from "./openlineage-event.js";
import { buildRunEvent, emitRunEvent } from "./openlineage-event.js";
import { RunManifestSchema } from "./run-manifest.js";
import { memberConsentCounts, regionMembers } from "./run-members.js";

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
  readonly policy: Policy;
  /** The members table the build read (for regions). */
  readonly membersPath: string;
  /** The consent events the build decided with (file or ledger). */
  readonly consent: () => Promise<readonly ConsentEvent[]>;
  readonly where: LineageLocation;
  readonly openLineage?: OpenLineageOptions | undefined;
}

/**
 * Registers a finished build: counts its authors by consent state and region, then
 * `recordBuild`. Reads the members table and the consent events once more.
 */
export async function registerBuild(input: BuildLineageInput): Promise<Run> {
  const { purpose } = input.manifest;
  const asOf = parseTimestamp(input.manifest.as_of) ?? Number.NaN;
  const honourGpc = input.policy.purposes[purpose]?.gpc ?? true;
  const memberConsent = memberConsentCounts(
    input.authorIds,
    await input.consent(),
    purpose,
    asOf,
    honourGpc,
  );
  const regions = regionMembers(await loadMembers(input.membersPath), input.authorIds);
  return recordBuild({
    manifest: input.manifest,
    itemIds: input.includedIds,
    memberIds: input.authorIds,
    memberConsent,
    regions,
    where: input.where,
    openLineage: input.openLineage,
  });
}
