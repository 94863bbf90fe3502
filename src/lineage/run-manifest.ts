/**
 * The part of a build's manifest.json (contract §5) that lineage reads. Extra fields are kept
 * as they are: the registry stores the manifest verbatim.
 */
import { z } from "zod";
import { REASONS } from "../policy/domain.js";

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, "a lower-case sha256 hex digest");

/** Zod schema of the manifest fields lineage relies on. */
export const RunManifestSchema = z
  .looseObject({
    run_id: z.string().min(1),
    purpose: z.string().min(1),
    as_of: z.string().min(1),
    policy: z.looseObject({ name: z.string(), sha256: hex64 }),
    inputs: z.unknown(),
    counts: z.looseObject({
      input: z.number().int().nonnegative(),
      included: z.number().int().nonnegative(),
      excluded: z.record(z.string(), z.number().int().nonnegative()),
    }),
    output: z.looseObject({ path: z.string(), sha256: hex64 }),
    merkle_root: hex64,
  })
  .refine((m) => REASONS.every((r) => r in m.counts.excluded), {
    message: "counts.excluded must list every reason of contract §3",
  });

/** A parsed manifest. */
export type RunManifest = z.infer<typeof RunManifestSchema>;

/** One input file entry of a manifest, as far as lineage can read it. */
export interface ManifestInput {
  readonly name: string;
  readonly path: string;
  readonly sha256: string | null;
  readonly rows: number | null;
}

/**
 * The manifest's `inputs` as a list, whether the build wrote an array of `{path, ...}` or an
 * object keyed by table name. Unknown shapes give an empty list rather than a guess.
 */
export function manifestInputs(manifest: RunManifest): ManifestInput[] {
  const raw = manifest.inputs;
  const entries: [string, unknown][] = Array.isArray(raw)
    ? raw.map((v, i) => [String(i), v])
    : raw !== null && typeof raw === "object"
      ? Object.entries(raw as Record<string, unknown>)
      : [];
  const out: ManifestInput[] = [];
  for (const [key, v] of entries) {
    if (v === null || typeof v !== "object") continue;
    const o = v as Record<string, unknown>;
    if (typeof o["path"] !== "string") continue;
    const rows = o["rows"] ?? o["row_count"] ?? o["count"];
    out.push({
      name:
        typeof o["table"] === "string"
          ? o["table"]
          : typeof o["name"] === "string"
            ? o["name"]
            : key,
      path: o["path"],
      sha256: typeof o["sha256"] === "string" ? o["sha256"] : null,
      rows: typeof rows === "number" ? rows : null,
    });
  }
  return out;
}
