/**
 * Reading a what-if answer: the included items and members of each side and the exclusion
 * counts by reason, whichever of the documented field names the server uses.
 */
import type { WhatIf, WhatIfSide } from "../../api/schemas.js";

/** A policy choice as the what-if request takes it. */
export type PolicyRef = { readonly preset: string } | { readonly yaml: string };

/** Where the items come from. */
export type DataSource = "demo" | "ledger";

/** The presets every server ships (contract §4). */
export const PRESETS = [
  "recommended",
  "linkedin-2024",
  "linkedin-2025",
  "meta-2024",
  "x-2024",
] as const;

/** Shared inputs of the what-if form and the preset comparison. */
export interface WhatIfInputs {
  readonly baseline: PolicyRef;
  readonly baselineName: string;
  readonly purpose: string;
  readonly source: DataSource;
  readonly asOf: string;
}

/** The figures of one side of a comparison. */
export interface SideFigures {
  readonly items: number;
  readonly members: number | null;
  readonly excluded: Readonly<Record<string, number>>;
}

/** Extracts a side's figures. */
export function figures(side: WhatIfSide | undefined): SideFigures {
  return {
    items: side?.included_items ?? side?.counts?.included ?? 0,
    members: side?.included_members ?? side?.members?.included ?? null,
    excluded: side?.counts?.excluded ?? {},
  };
}

/** The candidate policy's side of an answer. */
export function candidateOf(r: WhatIf): WhatIfSide | undefined {
  return r.policy ?? r.candidate;
}

/** The largest exclusion reason of a side, or null when nothing is excluded. */
export function mainReason(f: SideFigures): { reason: string; count: number } | null {
  let best: { reason: string; count: number } | null = null;
  for (const [reason, count] of Object.entries(f.excluded)) {
    if (count > 0 && (best === null || count > best.count)) best = { reason, count };
  }
  return best;
}

/** The request body of POST /v1/admin/whatif. */
export function whatIfBody(
  policy: PolicyRef,
  baseline: PolicyRef,
  purpose: string,
  source: DataSource,
  asOf: string,
): Record<string, unknown> {
  return {
    policy,
    baseline,
    purpose,
    source,
    ...(asOf === "" ? {} : { as_of: new Date(asOf).toISOString() }),
  };
}
