/**
 * OpenLineage (https://openlineage.io, spec 2-0-2) run events for builds, so the lineage tools
 * data teams already run (Marquez, DataHub, ...) see every TrainGate build: a COMPLETE event
 * with the export files as inputs, the dataset as output, and a custom run facet `traingate`
 * carrying the policy hash, as-of, counts and Merkle root.
 */
import { createHash } from "node:crypto";
import { appendFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import { TrainGateError } from "../errors.js";
import { manifestInputs, type RunManifest } from "./run-manifest.js";

/** This producer's URI (`producer` and every facet's `_producer`). */
export const OPENLINEAGE_PRODUCER = "https://github.com/traingate/traingate/tree/v0.1.0";

/** The RunEvent schema this module emits. */
export const RUN_EVENT_SCHEMA_URL =
  "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent";

/** Where the `traingate` run facet is described. */
export const TRAINGATE_FACET_SCHEMA_URL =
  "https://github.com/traingate/traingate/blob/main/docs/lineage.md#the-traingate-run-facet";

const OUTPUT_STATISTICS_SCHEMA_URL =
  "https://openlineage.io/spec/facets/1-0-2/OutputStatisticsOutputDatasetFacet.json#/$defs/OutputStatisticsOutputDatasetFacet";

const facet = z.looseObject({ _producer: z.url(), _schemaURL: z.url() });
const dataset = z.object({
  namespace: z.string().min(1),
  name: z.string().min(1),
  facets: z.record(z.string(), facet).optional(),
  outputFacets: z.record(z.string(), facet).optional(),
});

/**
 * The fields of the OpenLineage RunEvent this module relies on (BaseEvent's required
 * eventTime/producer/schemaURL; run.runId a UUID; job namespace and name; datasets with
 * namespace and name; every facet with `_producer` and `_schemaURL`).
 */
export const RunEventSchema = z.object({
  eventType: z.enum(["START", "RUNNING", "COMPLETE", "ABORT", "FAIL", "OTHER"]),
  eventTime: z.iso.datetime({ offset: true }),
  run: z.object({ runId: z.uuid(), facets: z.record(z.string(), facet).optional() }),
  job: z.object({
    namespace: z.string().min(1),
    name: z.string().min(1),
    facets: z.record(z.string(), facet).optional(),
  }),
  inputs: z.array(dataset),
  outputs: z.array(dataset),
  producer: z.url(),
  schemaURL: z.url(),
});
export type RunEvent = z.infer<typeof RunEventSchema>;

/**
 * The OpenLineage run id of a TrainGate run: the run id itself when it is a UUID, else a
 * name-based UUID (version 5, RFC 9562) of it, so the same run always maps to the same id.
 */
export function openLineageRunId(runId: string): string {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(runId))
    return runId.toLowerCase();
  // RFC 9562 namespace for URLs.
  const ns = Buffer.from("6ba7b8119dad11d180b400c04fd430c8", "hex");
  const h = createHash("sha1")
    .update(Buffer.concat([ns, Buffer.from(`traingate:run:${runId}`, "utf8")]))
    .digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString("hex");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** Options of an event: the job namespace and the instant it is emitted (epoch µs). */
export interface EventOptions {
  readonly namespace?: string;
  readonly eventTime: number;
}

/** The COMPLETE event of a build, from its manifest. */
export function buildRunEvent(manifest: RunManifest, options: EventOptions): RunEvent {
  const file = (path: string) => ({ namespace: "file", name: resolve(path) });
  const stamp = { _producer: OPENLINEAGE_PRODUCER };
  return {
    eventType: "COMPLETE",
    eventTime: new Date(Math.floor(options.eventTime / 1000)).toISOString(),
    run: {
      runId: openLineageRunId(manifest.run_id),
      facets: {
        traingate: {
          ...stamp,
          _schemaURL: TRAINGATE_FACET_SCHEMA_URL,
          runId: manifest.run_id,
          purpose: manifest.purpose,
          asOf: manifest.as_of,
          policy: { name: manifest.policy.name, sha256: manifest.policy.sha256 },
          counts: manifest.counts,
          merkleRoot: manifest.merkle_root,
        },
      },
    },
    job: { namespace: options.namespace ?? "traingate", name: `build.${manifest.purpose}` },
    inputs: manifestInputs(manifest).map((i) => file(i.path)),
    outputs: [
      {
        ...file(manifest.output.path),
        outputFacets: {
          outputStatistics: {
            ...stamp,
            _schemaURL: OUTPUT_STATISTICS_SCHEMA_URL,
            rowCount: manifest.counts.included,
          },
        },
      },
    ],
    producer: OPENLINEAGE_PRODUCER,
    schemaURL: RUN_EVENT_SCHEMA_URL,
  };
}

/** Where to send events: a file (one JSON event per line, appended) and/or an HTTP endpoint. */
export interface OpenLineageTarget {
  readonly file?: string | undefined;
  /** The endpoint, e.g. Marquez's http://host:5000/api/v1/lineage. */
  readonly url?: string | undefined;
}

/**
 * Sends `event` to the target: appends it to the file and/or POSTs it as JSON. Fails with
 * TG_E_INTERNAL naming the endpoint and status when the endpoint does not accept it.
 */
export async function emitRunEvent(event: RunEvent, target: OpenLineageTarget): Promise<void> {
  const checked = RunEventSchema.parse(event);
  if (target.file !== undefined) appendFileSync(target.file, `${JSON.stringify(checked)}\n`);
  if (target.url !== undefined) {
    let status: number;
    try {
      const res = await fetch(target.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(checked),
        signal: AbortSignal.timeout(10_000),
      });
      status = res.status;
    } catch (e) {
      throw new TrainGateError(
        "TG_E_INTERNAL",
        `OpenLineage endpoint ${target.url} is unreachable: ${(e as Error).message}`,
      );
    }
    if (status < 200 || status >= 300)
      throw new TrainGateError(
        "TG_E_INTERNAL",
        `OpenLineage endpoint ${target.url} answered HTTP ${status} to the run event`,
      );
  }
}
