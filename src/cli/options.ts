/** Options shared by several commands, parsed and checked once. */
import type { Command } from "commander";
import { TrainGateError } from "../errors.js";
import { PURPOSE_PATTERN } from "../policy/domain.js";
import { parseTimestamp } from "../policy/time.js";

/** Parses `--as-of`: an RFC 3339 timestamp. */
export function parseAsOf(value: string | undefined): number {
  if (value === undefined)
    throw new TrainGateError(
      "TG_E_USAGE",
      "--as-of TIMESTAMP is required (RFC 3339, e.g. 2025-01-01T00:00:00Z)",
    );
  const t = parseTimestamp(value);
  if (t === null) {
    throw new TrainGateError(
      "TG_E_USAGE",
      `--as-of ${JSON.stringify(value)} is not an RFC 3339 timestamp (e.g. 2025-01-01T00:00:00Z)`,
    );
  }
  return t;
}

/** Checks `--purpose`. */
export function parsePurpose(value: string | undefined): string {
  if (value === undefined)
    throw new TrainGateError("TG_E_USAGE", "--purpose PURPOSE is required (e.g. genai_training)");
  if (!PURPOSE_PATTERN.test(value)) {
    throw new TrainGateError(
      "TG_E_USAGE",
      `--purpose ${JSON.stringify(value)} is not a purpose name (e.g. genai_training)`,
    );
  }
  return value;
}

/** Adds `--preset`/`--policy`. */
export function withPolicyOptions(cmd: Command): Command {
  return cmd
    .option(
      "--preset <name>",
      "a shipped preset: recommended, linkedin-2024, linkedin-2025, meta-2024, x-2024",
    )
    .option("--policy <file>", "a policy file (YAML)");
}

/** Adds the export's table options. */
export function withExportOptions(cmd: Command): Command {
  return cmd
    .option("--members <path>", "members table (.jsonl, .jsonl.gz, .csv or .parquet)")
    .option("--items <path>", "items table")
    .option("--consent <path>", "consent_events table (without it: the configured consent ledger)");
}

/** Requires an option that commander cannot require because it is shared. */
export function required<T>(value: T | undefined, flag: string): T {
  if (value === undefined) throw new TrainGateError("TG_E_USAGE", `${flag} is required`);
  return value;
}
