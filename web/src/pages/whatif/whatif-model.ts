/**
 * The what-if request and the reading of its answer, shared by the single comparison and the
 * preset comparison.
 */
import type { WhatIf } from "../../api/schemas.js";

/** A policy choice as the what-if request takes it. */
export type PolicyRef = { readonly preset: string } | { readonly yaml: string };

/** The presets every server ships (contract §4). */
export const PRESETS = [
  "recommended",
  "linkedin-2024",
  "linkedin-2025",
  "meta-2024",
  "x-2024",
] as const;

/** Export files on the server; without `consent`, consent comes from the live ledger. */
export interface ExportPaths {
  readonly members: string;
  readonly items: string;
  readonly consent?: string;
}

/** Shared inputs of the what-if form and the preset comparison. */
export interface WhatIfInputs {
  readonly baseline: PolicyRef;
  readonly baselineName: string;
  readonly purpose: string;
  /** RFC 3339. */
  readonly asOf: string;
  /** null: the server's own export (`--export-dir`) with consent from the live ledger. */
  readonly exportPaths: ExportPaths | null;
}

/** The request body of POST /v1/admin/whatif. */
export function whatIfBody(policy: PolicyRef, inputs: WhatIfInputs): Record<string, unknown> {
  return {
    policy,
    baseline: inputs.baseline,
    purpose: inputs.purpose,
    as_of: inputs.asOf,
    ...(inputs.exportPaths === null ? {} : { export: inputs.exportPaths }),
  };
}

/** The largest entry of a count map, or null when it is empty. */
export function topEntry(
  counts: Readonly<Record<string, number>>,
): { key: string; count: number } | null {
  let best: { key: string; count: number } | null = null;
  for (const [key, count] of Object.entries(counts)) {
    if (count > 0 && (best === null || count > best.count)) best = { key, count };
  }
  return best;
}

/** Sum of a count map. */
export function total(counts: Readonly<Record<string, number>>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

/** The entries of a count map, largest first, zeros left out. */
export function sortedCounts(counts: Readonly<Record<string, number>>): [string, number][] {
  return Object.entries(counts)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
}

/** A one-line summary of an answer, for the live region. */
export function summary(r: WhatIf): string {
  const c = r.changes;
  return `${r.policy} would include ${c.includedB} of ${c.items} items against ${c.includedA} under ${r.baseline}; ${c.membersChanged} members change status.`;
}
