/**
 * The build's one seam to text redaction: everything else in src/build sees only
 * `TextRedactor`. Redaction runs on worker threads (src/redact/redaction-pool.ts), fed in
 * batches of texts pulled from DuckDB column by column.
 */
import { RedactionPool } from "../redact/redaction-pool.js";

/** Redacts batches of texts, keeping order and length; null stays null. */
export interface TextRedactor {
  redactMany(texts: readonly (string | null)[]): Promise<(string | null)[]>;
  close(): Promise<void>;
}

/** Starts redaction with members' display names and the policy's `redact` switches. */
export function startRedaction(options: {
  readonly memberNames: readonly string[];
  readonly enabled: Readonly<Record<string, boolean>>;
  readonly threads?: number;
}): Promise<TextRedactor> {
  return RedactionPool.create(options);
}
