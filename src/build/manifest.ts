/**
 * The build manifest (contract §5): what was decided, from what, under which rules, and a
 * commitment to exactly which items are in the dataset. Immutable data; written as
 * `manifest.json` with two-space indentation and a final newline.
 */
import { readFileSync } from "node:fs";
import type { Reason } from "../policy/domain.js";
import { REASONS } from "../policy/domain.js";

/** One input file. */
export interface ManifestInput {
  readonly table: "members" | "items" | "consent_events";
  readonly path: string;
  readonly format: string;
  readonly sha256: string;
  readonly rows: number;
}

/** Consent read from the configured ledger rather than a file. */
export interface ManifestLedgerInput {
  readonly table: "consent_events";
  readonly source: "ledger";
  readonly rows: number;
}

/** Counts of a build: included plus every excluded count equals input. */
export interface ManifestCounts {
  readonly input: number;
  readonly included: number;
  readonly excluded: Readonly<Record<Reason, number>>;
}

/** The manifest of one build. */
export interface Manifest {
  readonly run_id: string;
  readonly purpose: string;
  readonly as_of: string;
  readonly policy: {
    readonly name: string;
    readonly sha256: string;
    readonly fides_data_use: string;
  };
  readonly inputs: readonly (ManifestInput | ManifestLedgerInput)[];
  readonly counts: ManifestCounts;
  /** Included items by Fides data category (user.content.public / user.content.private). */
  readonly data_categories: Readonly<Record<string, number>>;
  readonly output: {
    readonly path: string;
    readonly format: "jsonl" | "parquet";
    readonly sha256: string;
    readonly rows: number;
  };
  /** Root of the chunked RFC 6962 tree over the sorted included ids (src/lineage/merkle.ts). */
  readonly merkle_root: string;
  readonly pseudonym_key: {
    readonly algorithm: "HMAC-SHA-256";
    readonly fingerprint: string;
    readonly source: string;
  };
  readonly redaction: { readonly enabled: boolean; readonly types: readonly string[] };
  readonly tool: { readonly name: "traingate"; readonly version: string };
  readonly created_at: string;
}

/** Excluded counts with every reason present, zero where none (contract §5). */
export function excludedCounts(found: ReadonlyMap<string | null, number>): Record<Reason, number> {
  const out = {} as Record<Reason, number>;
  for (const r of REASONS) out[r] = found.get(r) ?? 0;
  return out;
}

/** Throws unless included plus every excluded count equals input. */
export function assertCountsBalance(counts: ManifestCounts): void {
  const sum = counts.included + REASONS.reduce((s, r) => s + counts.excluded[r], 0);
  if (sum !== counts.input) {
    throw new Error(
      `manifest counts do not balance: included ${counts.included} + excluded ${sum - counts.included} != input ${counts.input}`,
    );
  }
}

/** TrainGate's version, from package.json (the same relative place from src/ and dist/). */
export function toolVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version?: unknown;
  };
  return typeof pkg.version === "string" ? pkg.version : "unknown";
}

/** The manifest as written to disk. */
export function manifestText(m: Manifest): string {
  return `${JSON.stringify(m, null, 2)}\n`;
}
