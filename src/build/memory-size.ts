/**
 * `--memory-limit` read the way DuckDB reads a size, but checked here: DuckDB refuses a value
 * it cannot read with a bare "Failed to set config" (no name, no value), so a typo such as
 * `80%` or `1G` would be an unexpected failure instead of a usage error.
 */
import { TrainGateError } from "../errors.js";

/** Bytes per unit, as DuckDB counts them: KB, MB, … are powers of 1000, KiB, MiB, … of 1024. */
const UNITS: Readonly<Record<string, number>> = {
  b: 1,
  byte: 1,
  bytes: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/** The smallest limit accepted: below it DuckDB cannot run the build's queries at all. */
const MINIMUM = 16 * 2 ** 20;

/**
 * The size in bytes of a memory limit such as `1GB`, `400MB`, `1.5 GiB` or `2000000000 bytes`
 * (a number and a unit; units are not case-sensitive). Anything else, or less than 16 MiB, is
 * a usage error naming the option and the value.
 */
export function memorySizeBytes(value: string): number {
  const option = "--memory-limit";
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/i.exec(value);
  const unit = m === null ? undefined : UNITS[m[2]!.toLowerCase()];
  if (m === null || unit === undefined)
    throw new TrainGateError(
      "TG_E_USAGE",
      `${option} ${JSON.stringify(value)} is not a size: write a number and a unit, such as 1GB, 400MB or 2GiB (units: B, KB, MB, GB, TB, KiB, MiB, GiB, TiB)`,
      { option, value },
    );
  const bytes = Math.floor(Number(m[1]) * unit);
  if (bytes < MINIMUM)
    throw new TrainGateError(
      "TG_E_USAGE",
      `${option} ${JSON.stringify(value)} is below the 16 MiB a build needs at the least`,
      { option, value },
    );
  return bytes;
}
