/**
 * What kind of export file a path names, from its name alone. Kept apart from the readers
 * (read-rows.ts), which load the CSV and Parquet libraries: the build needs only this and
 * starts ~0.1 s faster without them.
 */
import { TrainGateError } from "../errors.js";

/** The formats the export may come in. */
export type ExportFormat = "jsonl" | "csv" | "parquet";

/** The format of a file, from its name. Throws a usage error for anything else. */
export function formatOf(path: string): { format: ExportFormat; gzip: boolean } {
  const lower = path.toLowerCase();
  const gzip = lower.endsWith(".gz");
  const base = gzip ? lower.slice(0, -3) : lower;
  if (base.endsWith(".jsonl") || base.endsWith(".ndjson") || base.endsWith(".json"))
    return { format: "jsonl", gzip };
  if (base.endsWith(".csv")) return { format: "csv", gzip };
  if (base.endsWith(".parquet") && !gzip) return { format: "parquet", gzip };
  throw new TrainGateError(
    "TG_E_USAGE",
    `${path}: unknown file type; expected .jsonl, .jsonl.gz, .csv, .csv.gz or .parquet`,
    { file: path },
  );
}

/** How a position is named in messages: `line N`, or `row N` for Parquet. */
export function positionName(path: string): "line" | "row" {
  return formatOf(path).format === "parquet" ? "row" : "line";
}
