/**
 * The dataset's JSON Lines written by DuckDB's CSV writer from one text column that SQL builds
 * per row, instead of `COPY … (FORMAT json)`: the JSON writer packs each row into a struct and
 * serialises it through a JSON document (a quarter of the write stage's CPU at 290k rows; at
 * 1.4M rows the sort dominates and the two cost the same). The
 * line is the same bytes: keys in column order, strings through `to_json` (the escaping of
 * DuckDB's JSON writer), NULL as `null`, no spaces. The CSV writer adds only the newline: the
 * line holds no delimiter (U+0001 is escaped by to_json) and quoting is off.
 * test/build/jsonl-line.test.ts compares the bytes with `FORMAT json` on hostile strings.
 */

/** One output field: its JSON key, the SQL expression of its value, and how to write it. */
export interface JsonField {
  readonly key: string;
  readonly expr: string;
  /**
   * `string`: any text, escaped by to_json, NULL as null. `plain`: text that never needs
   * escaping (hex digests), written between quotes, NULL as null.
   */
  readonly as: "string" | "plain";
}

/** The SQL expression of one JSON object per row (a VARCHAR), fields in the given order. */
export function jsonLineExpr(fields: readonly JsonField[]): string {
  const parts = fields.flatMap((f, i) => {
    const key = `${i === 0 ? "{" : ","}"${f.key}":`;
    const value =
      f.as === "plain"
        ? `COALESCE('"' || ${f.expr} || '"', 'null')`
        : `COALESCE(CAST(to_json(${f.expr}) AS VARCHAR), 'null')`;
    return [`'${key}'`, value];
  });
  // One concat of every piece: a chain of `||` builds a new, longer string at each step
  // (a third of the write stage's CPU at 1.3M rows of ~250 bytes).
  return `concat(${parts.join(", ")}, '}')`;
}

/**
 * COPY options that write each row's one VARCHAR column as it is, one line per row.
 * `FORCE_QUOTE *` with an empty quote writes the value without looking at it: otherwise the
 * CSV writer scans every byte of every line for characters that would need quotes, only to
 * write no quotes (a third of the write's CPU at 1.3M lines of ~330 bytes; same bytes).
 */
export const JSONL_COPY_OPTIONS =
  "FORMAT csv, HEADER false, QUOTE '', ESCAPE '', DELIMITER E'\\x01', FORCE_QUOTE *";
