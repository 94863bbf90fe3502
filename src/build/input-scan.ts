/**
 * SQL that reads one export file inside DuckDB and normalises it the way
 * `src/export/parse-rows.ts` reads rows in JavaScript: empty text is NULL, numbers are text,
 * timestamps are strict RFC 3339 (DuckDB's own casts accept more, so strings go through a
 * regular expression and range checks instead), dates are `YYYY-MM-DD`. Every timestamp and
 * date column gets a `<name>__bad` flag for a value that is present but invalid.
 * Tests hold the two readings together (test/build/input-agreement.test.ts).
 */
import { formatOf } from "../export/file-format.js";

/** How a column of the export is read. */
export type ColumnKind =
  /** Text: empty is NULL, numbers become their digits, other JSON types are NULL. */
  | "text"
  /** Item text: like text, but an empty JSON or Parquet string stays empty (parse-rows does). */
  | "body"
  /** An enum compared as written (choice, source): only a string can match. */
  | "raw"
  | "instant"
  | "date";

/** The columns of each table, in the contract's order (§1). */
export const TABLE_COLUMNS = {
  members: {
    id: "text",
    country: "text",
    birth_date: "date",
    display_name: "text",
    created_at: "instant",
    deleted_at: "instant",
  },
  items: {
    id: "text",
    author_id: "text",
    kind: "text",
    visibility: "text",
    created_at: "instant",
    deleted_at: "instant",
    text: "body",
    lang: "text",
  },
  consent_events: {
    member_id: "text",
    purpose: "text",
    choice: "raw",
    at: "instant",
    source: "raw",
  },
} as const satisfies Record<string, Record<string, ColumnKind>>;
export type TableName = keyof typeof TABLE_COLUMNS;

/** SQL macros the scans use; run once per connection before any scan. */
export const SCAN_MACROS = [
  // One regular expression for RFC 3339 (contract §1), as parseTimestamp in policy/time.ts.
  `CREATE OR REPLACE MACRO tg_ts_parts(s) AS regexp_extract(s, '^(\\d{4})-(\\d{2})-(\\d{2})[Tt ](\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,9}))?(?:([Zz])|([+-])(\\d{2}):(\\d{2}))$', ['y', 'mo', 'd', 'h', 'mi', 'sec', 'f', 'z', 'sg', 'oh', 'om'])`,
  `CREATE OR REPLACE MACRO tg_ts_day(p) AS try_cast(p.y || '-' || p.mo || '-' || p.d AS DATE)`,
  // Range checks of parseTimestamp; a leap second (:60) is the last microsecond of its minute.
  `CREATE OR REPLACE MACRO tg_ts_from(p) AS CASE
    WHEN p.y = '' OR tg_ts_day(p) IS NULL OR CAST(p.h AS INTEGER) > 23 OR CAST(p.mi AS INTEGER) > 59
      OR CAST(p.sec AS INTEGER) > 60
      OR (p.z = '' AND (CAST(p.oh AS INTEGER) > 23 OR CAST(p.om AS INTEGER) > 59)) THEN NULL
    ELSE make_timestamptz(
      CAST(tg_ts_day(p) - DATE '1970-01-01' AS BIGINT) * 86400000000
      + ((CAST(p.h AS BIGINT) * 60 + CAST(p.mi AS BIGINT)
          - CASE WHEN p.z <> '' THEN 0
              ELSE (CASE WHEN p.sg = '-' THEN -1 ELSE 1 END)
                * (CAST(p.oh AS BIGINT) * 60 + CAST(p.om AS BIGINT)) END) * 60
         + least(CAST(p.sec AS BIGINT), 59)) * 1000000
      + CASE WHEN p.sec = '60' THEN 999999 WHEN p.f = '' THEN 0
          ELSE CAST(rpad(left(p.f, 6), 6, '0') AS BIGINT) END)
    END`,
  // The common shape (upper-case T and Z, hours 00-23, minutes and seconds 00-59, at most six
  // fractional digits, offset hours 00-23) is where DuckDB's own cast reads exactly what
  // parseTimestamp does; a regular-expression test (no captures) and the cast cost about a
  // third of splitting every value into eleven captured parts. Anything else, valid or not
  // (a leap second, a lower-case t, nine fractional digits, a bad value), takes the full path.
  `CREATE OR REPLACE MACRO tg_ts(s) AS CASE
    WHEN s IS NULL THEN NULL
    WHEN regexp_full_match(s, '\\d{4}-\\d{2}-\\d{2}T(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d{1,6})?(?:Z|[+-](?:[01]\\d|2[0-3]):[0-5]\\d)')
      THEN try_cast(s AS TIMESTAMPTZ)
    ELSE tg_ts_from(tg_ts_parts(s)) END`,
  `CREATE OR REPLACE MACRO tg_date(s) AS CASE WHEN regexp_full_match(s, '\\d{4}-\\d{2}-\\d{2}') THEN try_cast(s AS DATE) END`,
] as const;

/** One column of a scanned file as DuckDB describes it (absent: the file lacks the column). */
export type SourceColumns = ReadonlyMap<string, string>;

/** The table function that scans `path` (format from its name); `columns` for JSON Lines. */
export function scanFunction(path: string, table: TableName, lenient: boolean): string {
  const { format } = formatOf(path);
  const p = sqlString(path);
  if (format === "parquet") return `read_parquet(${p})`;
  if (format === "csv")
    return `read_csv(${p}, header = true, all_varchar = true, delim = ',', quote = '"', escape = '"', auto_detect = true)`;
  const cols = Object.keys(TABLE_COLUMNS[table])
    .map((c) => `${sqlString(c)}: 'JSON'`)
    .join(", ");
  // Lenient (items only): an unreadable line becomes a row of NULLs, i.e. a malformed item.
  return `read_json(${p}, format = 'newline_delimited', columns = {${cols}}${lenient ? ", ignore_errors = true" : ""})`;
}

/** A SQL string literal (DuckDB: single quotes doubled). */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

const NUMERIC =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL.*)$/;

/** Text of a JSON value as parse-rows' `text()` reads it. */
function jsonText(c: string, keepEmpty: boolean): string {
  const s = `json_extract_string(${c}, '$')`;
  return `CASE json_type(${c}) WHEN 'VARCHAR' THEN ${keepEmpty ? s : `NULLIF(${s}, '')`} WHEN 'BIGINT' THEN CAST(${c} AS VARCHAR) WHEN 'UBIGINT' THEN CAST(${c} AS VARCHAR) WHEN 'DOUBLE' THEN CAST(${c} AS VARCHAR) END`;
}

/**
 * The SELECT list that normalises one file's columns to the table's schema: each column under
 * its contract name, plus `<name>__bad` for timestamps and dates that are present but invalid.
 * `types` are the file's column types (for CSV all VARCHAR; for JSON Lines all JSON).
 */
export function normalisedColumns(table: TableName, path: string, types: SourceColumns): string[] {
  const { format } = formatOf(path);
  const out: string[] = [];
  for (const [name, kind] of Object.entries(TABLE_COLUMNS[table]) as [string, ColumnKind][]) {
    const type = types.get(name);
    const c = ident(name);
    if (type === undefined) {
      // Typed: an untyped NULL becomes an INTEGER column in a table (JSON Lines and CSV are
      // loaded into tables), which the decision cannot compare with an instant.
      const sqlType = kind === "instant" ? "TIMESTAMPTZ" : kind === "date" ? "DATE" : "VARCHAR";
      out.push(`CAST(NULL AS ${sqlType}) AS ${c}`);
      if (kind === "instant" || kind === "date") out.push(`FALSE AS ${ident(`${name}__bad`)}`);
      continue;
    }
    const json = format === "jsonl";
    const isString = json ? `json_type(${c}) = 'VARCHAR'` : type === "VARCHAR" ? "TRUE" : "FALSE";
    const str = json
      ? `NULLIF(json_extract_string(${c}, '$'), '')`
      : `NULLIF(CAST(${c} AS VARCHAR), '')`;
    // A value that is neither NULL nor (for JSON) a JSON null.
    const present = json ? `(${c} IS NOT NULL AND json_type(${c}) <> 'NULL')` : `${c} IS NOT NULL`;
    switch (kind) {
      case "text":
      case "body": {
        const keep = kind === "body" && format !== "csv";
        if (json) out.push(`${jsonText(c, keep)} AS ${c}`);
        else if (type === "VARCHAR") out.push(`${keep ? c : `NULLIF(${c}, '')`} AS ${c}`);
        else if (NUMERIC.test(type)) out.push(`CAST(${c} AS VARCHAR) AS ${c}`);
        else out.push(`CAST(NULL AS VARCHAR) AS ${c}`);
        break;
      }
      case "raw":
        out.push(
          `CASE WHEN ${isString} THEN ${json ? `json_extract_string(${c}, '$')` : `CAST(${c} AS VARCHAR)`} END AS ${c}`,
        );
        break;
      case "instant": {
        let value: string;
        if (
          !json &&
          (type === "TIMESTAMP WITH TIME ZONE" || type.startsWith("TIMESTAMP") || type === "DATE")
        )
          value = `CAST(${c} AS TIMESTAMPTZ)`;
        else if (json || type === "VARCHAR") value = `CASE WHEN ${isString} THEN tg_ts(${str}) END`;
        else value = "CAST(NULL AS TIMESTAMPTZ)";
        const empty = json || type === "VARCHAR" ? `${str} IS NULL AND ${isString}` : "FALSE";
        out.push(`${value} AS ${c}`);
        out.push(
          `(${present} AND NOT (${empty}) AND ${value} IS NULL) AS ${ident(`${name}__bad`)}`,
        );
        break;
      }
      case "date": {
        let value: string;
        if (!json && (type === "DATE" || type.startsWith("TIMESTAMP")))
          value = `CAST(${c} AS DATE)`;
        else if (json || type === "VARCHAR")
          value = `CASE WHEN ${isString} THEN tg_date(${str}) END`;
        else value = "CAST(NULL AS DATE)";
        const empty = json || type === "VARCHAR" ? `${str} IS NULL AND ${isString}` : "FALSE";
        out.push(`${value} AS ${c}`);
        out.push(
          `(${present} AND NOT (${empty}) AND ${value} IS NULL) AS ${ident(`${name}__bad`)}`,
        );
        break;
      }
    }
  }
  return out;
}
