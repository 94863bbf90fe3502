/**
 * `POST /v1/admin/whatif`: how many items and members change status between a baseline policy
 * and a candidate, by reason and region, on an export (the request's paths, or the server's
 * `--export-dir`) with consent from the request's file or the live ledger. The counting is
 * `countChanges`, shared with `traingate policy diff`.
 */
import { stat } from "node:fs/promises";
import { z } from "zod";
import { buildEvents } from "../../../cli/consent-from-ledger.js";
import { loadPolicyText, loadPreset } from "../../../config/load-policy.js";
import { TrainGateError } from "../../../errors.js";
import {
  type ExportPaths,
  loadConsent,
  loadItems,
  loadMembers,
} from "../../../export/load-export.js";
import type { ConsentEvent, Item, Member } from "../../../policy/domain.js";
import { PURPOSE_PATTERN } from "../../../policy/domain.js";
import { countChanges, type StatusChanges } from "../../../policy/evaluate/count-changes.js";
import type { Policy } from "../../../policy/model.js";
import { parseTimestamp } from "../../../policy/time.js";
import type { ServerContext } from "../../context.js";

const PolicyRef = z.union([
  z.strictObject({ preset: z.string().min(1).max(64) }),
  z.strictObject({ yaml: z.string().min(1).max(1_000_000) }),
]);

/** The what-if request body. */
export const WhatIfBody = z.strictObject({
  policy: PolicyRef,
  baseline: PolicyRef,
  purpose: z.string().regex(PURPOSE_PATTERN).default("genai_training"),
  as_of: z.string().refine((s) => parseTimestamp(s) !== null, "expected an RFC 3339 timestamp"),
  export: z
    .strictObject({
      members: z.string().min(1).max(4096),
      items: z.string().min(1).max(4096),
      consent: z.string().min(1).max(4096).optional(),
    })
    .optional(),
});
export type WhatIfRequest = z.infer<typeof WhatIfBody>;

function policyOf(ref: z.infer<typeof PolicyRef>): Policy {
  return "preset" in ref ? loadPreset(ref.preset) : loadPolicyText(ref.yaml);
}

interface Loaded {
  readonly key: string;
  readonly members: Member[];
  readonly items: Item[];
}
let cache: Loaded | null = null;

/** Members and items of an export, kept in memory while the files are unchanged. */
async function loadTables(paths: ExportPaths): Promise<Loaded> {
  const [ms, is] = await Promise.all([stat(paths.members), stat(paths.items)]).catch(() => {
    throw new TrainGateError(
      "TG_E_NOT_FOUND",
      `the export files ${paths.members} and ${paths.items} must exist on the server`,
    );
  });
  const key = `${paths.members}:${ms.mtimeMs}:${ms.size}|${paths.items}:${is.mtimeMs}:${is.size}`;
  if (cache?.key === key) return cache;
  const loaded = {
    key,
    members: await loadMembers(paths.members),
    items: await loadItems(paths.items),
  };
  cache = loaded;
  return loaded;
}

/** The live ledger's events as builds see them (erased members denied at every instant). */
async function ledgerEvents(ctx: ServerContext): Promise<ConsentEvent[]> {
  return buildEvents(ctx.store.iterateEvents(), new Set(await ctx.store.erasedMembers()));
}

/** Runs a what-if; the result names both policies and where the data came from. */
export async function runWhatIf(
  ctx: ServerContext,
  body: WhatIfRequest,
): Promise<{
  policy: string;
  baseline: string;
  purpose: string;
  as_of: string;
  data: { members: string; items: string; consent: string };
  changes: StatusChanges;
}> {
  const paths = body.export ?? ctx.defaultExport;
  if (paths === undefined) {
    throw new TrainGateError(
      "TG_E_USAGE",
      "no export to count on: pass export {members, items} or start the server with --export-dir",
    );
  }
  const candidate = policyOf(body.policy);
  const baseline = policyOf(body.baseline);
  const tables = await loadTables(paths);
  const consentPath = body.export?.consent;
  const events =
    consentPath !== undefined ? await loadConsent(consentPath) : await ledgerEvents(ctx);
  const asOf = parseTimestamp(body.as_of)!;
  const changes = countChanges(
    baseline,
    candidate,
    body.purpose,
    asOf,
    tables.items,
    tables.members,
    events,
  );
  return {
    policy: candidate.name,
    baseline: baseline.name,
    purpose: body.purpose,
    as_of: body.as_of,
    data: { members: paths.members, items: paths.items, consent: consentPath ?? "ledger" },
    changes,
  };
}
