/**
 * Loads the export into DuckDB (plain tables and views of the build's private in-memory
 * database, not TEMP ones, so a second connection can append redacted text beside them) and checks it, failing closed as contract §3 asks: a member or
 * consent row that cannot be parsed fails the build with file and line, a duplicate member or
 * item id fails it naming the id and file, a bad item row is malformed (or fails with
 * `--strict`). DuckDB finds whether anything is wrong (fast, in bulk); when something is,
 * the JavaScript readers of src/export re-read that file to name the exact line, so the
 * message is the one `explain` and the tests know.
 */

import { stat } from "node:fs/promises";
import type { DuckDBConnection } from "@duckdb/node-api";
import { timestampTZValue } from "@duckdb/node-api";
import { badInput, TrainGateError } from "../errors.js";
import { type ExportFormat, formatOf, positionName } from "../export/file-format.js";
import { type ConsentEvent, REASONS, type Reason } from "../policy/domain.js";
import {
  normalisedColumns,
  SCAN_MACROS,
  scanFunction,
  TABLE_COLUMNS,
  type TableName,
} from "./input-scan.js";

/** One input file as loaded. */
export interface LoadedInput {
  readonly table: TableName;
  readonly path: string;
  readonly format: ExportFormat;
}

/** Installs the scan macros on a connection. */
export async function installScanMacros(conn: DuckDBConnection): Promise<void> {
  for (const m of SCAN_MACROS) await conn.run(m);
}

/**
 * The error for a file DuckDB could not read: with `explain`, the JS reader of that table
 * first re-reads it to name the bad line (its error is thrown instead); otherwise bad input
 * naming the file. DuckDB failing for want of memory or disk is not the input's fault: that
 * error passes through unchanged (the build reports it as TG_E_OUT_OF_MEMORY) instead of
 * becoming "file cannot be read" (bad input, exit 2).
 */
async function unreadable(e: unknown, path: string, explain?: TableName): Promise<never> {
  const message = e instanceof Error ? e.message : String(e);
  if (message.startsWith("Out of Memory Error") || message.includes("No space left on device"))
    throw e;
  if (explain !== undefined) await explainStrict(explain, path);
  throw badInput(path, null, `cannot be read: ${message.split("\n")[0]}`);
}

async function ensureFile(path: string): Promise<void> {
  try {
    if ((await stat(path)).isFile()) return;
  } catch {
    // reported below
  }
  throw new TrainGateError("TG_E_NOT_FOUND", `${path}: no such file`, { file: path });
}

async function describe(
  conn: DuckDBConnection,
  table: TableName,
  path: string,
  lenient: boolean,
): Promise<Map<string, string>> {
  if (formatOf(path).format === "jsonl")
    return new Map(Object.keys(TABLE_COLUMNS[table]).map((c) => [c, "JSON"]));
  const r = await conn.runAndReadAll(
    `DESCRIBE SELECT * FROM ${scanFunction(path, table, lenient)}`,
  );
  const types = new Map<string, string>();
  for (const row of r.getRowObjectsJS())
    types.set(String(row["column_name"]), String(row["column_type"]));
  return types;
}

/**
 * The JS reader of a strict table, which throws the error naming the line. Loaded only on
 * this failure path: the readers bring the CSV and Parquet libraries with them.
 */
async function explainStrict(table: TableName, path: string): Promise<void> {
  const { loadConsent, loadItems, loadMembers } = await import("../export/load-export.js");
  if (table === "members") await loadMembers(path);
  else if (table === "consent_events") await loadConsent(path);
  else await loadItems(path, true);
}

/**
 * Runs a DuckDB statement over a strict file; if DuckDB cannot read the file at all, the JS
 * reader names the bad line, or failing that DuckDB's message is passed on as bad input.
 */
async function strictRun(
  conn: DuckDBConnection,
  table: TableName,
  path: string,
  sql: string,
): Promise<void> {
  try {
    await conn.run(sql);
  } catch (e) {
    return unreadable(e, path, table);
  }
}

/**
 * Defines `table` as `select`: for Parquet a view (columnar: re-reading the few columns each
 * query needs costs less than holding every row in DuckDB's memory next to the decision),
 * for JSON Lines and CSV a table (parsed once). Then runs the first full scan, `check`, and
 * returns its first row; a file DuckDB cannot read is reported as `strictRun` does.
 */
async function defineInput(
  conn: DuckDBConnection,
  table: TableName,
  path: string,
  select: string,
  check: string,
): Promise<unknown[][]> {
  const kind = formatOf(path).format === "parquet" ? "VIEW" : "TABLE";
  await strictRun(conn, table, path, `CREATE OR REPLACE ${kind} ${table} AS ${select}`);
  try {
    return (await conn.runAndReadAll(check)).getRows() as unknown[][];
  } catch (e) {
    return unreadable(e, path, table);
  }
}

/**
 * Drops the members and consent tables and the decision's `decision_authors` (views cost
 * nothing), freeing their memory.
 */
export async function dropInputTables(conn: DuckDBConnection): Promise<void> {
  const r = await conn.runAndReadAll(
    "SELECT table_name FROM duckdb_tables() WHERE table_name IN ('members', 'consent_events', 'decision_authors') AND NOT temporary",
  );
  for (const [name] of r.getRows()) await conn.run(`DROP TABLE "${String(name)}"`);
}

async function scalar(
  conn: DuckDBConnection,
  sql: string,
): Promise<bigint | number | string | null> {
  const r = await conn.runAndReadAll(sql);
  const v = r.getRows()[0]?.[0];
  return v === undefined ? null : (v as bigint | number | string | null);
}

function badFlags(table: TableName): string[] {
  return Object.entries(TABLE_COLUMNS[table])
    .filter(([, kind]) => kind === "instant" || kind === "date")
    .map(([name]) => `"${name}__bad"`);
}

async function failOnDuplicate(
  conn: DuckDBConnection,
  relation: string,
  idColumn: string,
  what: "member" | "item",
  path: string,
): Promise<void> {
  const dup = await scalar(
    conn,
    `SELECT ${idColumn} FROM ${relation} WHERE ${idColumn} IS NOT NULL GROUP BY ${idColumn} HAVING COUNT(*) > 1 ORDER BY ${idColumn} LIMIT 1`,
  );
  if (dup !== null) {
    throw new TrainGateError(
      "TG_E_DUPLICATE_ID",
      `${path}: duplicate ${what} id ${JSON.stringify(String(dup))}; ${what} ids must be unique`,
      { file: path, id: String(dup) },
    );
  }
}

/** The hash expression the duplicate checks group by (64-bit; NULL for a NULL id). */
function idHash(idColumn: string): string {
  return `CASE WHEN ${idColumn} IS NOT NULL THEN hash(${idColumn}) END`;
}

/**
 * Fails the build naming the smallest id of `relation` that occurs more than once, given the
 * id hashes that occur more than once (as decimal text). Grouping 64-bit hashes of the ids is
 * cheaper than grouping the strings (2M member ids: 0.62 -> 0.4 s on one thread); only ids
 * whose hash repeats are compared as text here, so a hash collision never fails a build.
 */
async function failOnRepeatedHashes(
  conn: DuckDBConnection,
  relation: string,
  idColumn: string,
  what: "member" | "item",
  path: string,
  repeats: readonly string[],
): Promise<void> {
  const hashes = repeats.filter((h) => /^\d+$/.test(h)).map((h) => `${h}::UBIGINT`);
  if (hashes.length === 0) return;
  await failOnDuplicate(
    conn,
    `(SELECT ${idColumn} FROM ${relation} WHERE hash(${idColumn}) IN (${hashes.join(", ")}))`,
    idColumn,
    what,
    path,
  );
}

/** Loads and checks the members file as `members` (see `defineInput`); returns its row count. */
export async function loadMembersTable(conn: DuckDBConnection, path: string): Promise<number> {
  await ensureFile(path);
  const types = await describe(conn, "members", path, false).catch((e: unknown) =>
    unreadable(e, path, "members"),
  );
  const cols = normalisedColumns("members", path, types);
  // One scan, two groupings: the whole file (rows, bad rows) and per id hash (only the
  // repeated ones come back); two scans cost 0.9 s of wall time at 2M members.
  const found = await defineInput(
    conn,
    "members",
    path,
    `SELECT ${cols.join(", ")} FROM ${scanFunction(path, "members", false)}`,
    `SELECT GROUPING(h), CAST(h AS VARCHAR), COUNT(*), COUNT(*) FILTER (WHERE bad)
      FROM (SELECT ${idHash("id")} AS h, (id IS NULL OR ${badFlags("members").join(" OR ")}) AS bad FROM members)
      GROUP BY GROUPING SETS ((h), ())
      HAVING GROUPING(h) = 1 OR (h IS NOT NULL AND COUNT(*) > 1)`,
  );
  let rows = 0;
  let bad = 0;
  const repeats: string[] = [];
  for (const [whole, h, n, b] of found) {
    if (Number(whole) === 1) {
      rows = Number(n);
      bad = Number(b);
    } else repeats.push(String(h));
  }
  if (bad > 0) await rejectBadRows("members", path);
  await failOnRepeatedHashes(conn, "members", "id", "member", path, repeats);
  return rows;
}

/** Consent rows the JS parser would reject (parse-rows.ts consentSchema), besides `at__bad`. */
export const BAD_CONSENT = `member_id IS NULL OR purpose IS NULL
  OR NOT regexp_full_match(purpose, '[a-z][a-z0-9_]{0,63}')
  OR choice IS NULL OR choice NOT IN ('allow', 'deny')
  OR "at" IS NULL OR source IS NULL OR source NOT IN ('settings', 'api', 'gpc', 'import', 'admin')`;

/** Creates the empty `consent_events` table. */
async function createConsentTable(conn: DuckDBConnection): Promise<void> {
  await conn.run(
    `CREATE OR REPLACE TABLE consent_events (member_id VARCHAR, purpose VARCHAR, choice VARCHAR, "at" TIMESTAMPTZ, source VARCHAR)`,
  );
}

/**
 * Loads and checks a consent file as `consent_events` (see `defineInput`); returns its row
 * count. The row's `bad` flag is computed from the values as read, before a `gpc` event
 * becomes a deny.
 */
export async function loadConsentTable(conn: DuckDBConnection, path: string): Promise<number> {
  await ensureFile(path);
  const types = await describe(conn, "consent_events", path, false).catch((e: unknown) =>
    unreadable(e, path, "consent_events"),
  );
  const cols = normalisedColumns("consent_events", path, types);
  // A gpc event is a deny whatever it says (contract §1), as parseConsentRow reads it.
  const [[rows = 0, bad = 0] = []] = await defineInput(
    conn,
    "consent_events",
    path,
    `SELECT member_id, purpose, CASE WHEN source = 'gpc' THEN 'deny' ELSE choice END AS choice, "at", source, bad
      FROM (SELECT *, (${BAD_CONSENT} OR "at__bad") AS bad FROM (SELECT ${cols.join(", ")} FROM ${scanFunction(path, "consent_events", false)}))`,
    "SELECT COUNT(*), COUNT(*) FILTER (WHERE bad) FROM consent_events",
  );
  if (Number(bad) > 0) await rejectBadRows("consent_events", path);
  return Number(rows);
}

/** Appends consent events (from the ledger) into table `consent_events`. */
export async function appendConsentEvents(
  conn: DuckDBConnection,
  events: readonly ConsentEvent[],
): Promise<number> {
  await createConsentTable(conn);
  const a = await conn.createAppender("consent_events");
  for (const e of events) {
    a.appendVarchar(e.memberId);
    a.appendVarchar(e.purpose);
    a.appendVarchar(e.source === "gpc" ? "deny" : e.choice);
    a.appendTimestampTZ(timestampTZValue(BigInt(e.at)));
    a.appendVarchar(e.source);
    a.endRow();
  }
  a.closeSync();
  return events.length;
}

/** The JS reader names the first bad row; if it finds none, the disagreement is a bug. */
async function rejectBadRows(table: TableName, path: string): Promise<never> {
  await explainStrict(table, path);
  throw new TrainGateError(
    "TG_E_INTERNAL",
    `${path}: DuckDB found a bad ${table} row (by ${positionName(path)}) that the JavaScript reader accepts; please report this`,
    { file: path },
  );
}

/**
 * Makes `items` from the items file: the contract's columns, with `created_at` NULL for a row
 * whose timestamps cannot be parsed, so the decision calls it malformed, and `frn`, the row's
 * position in the file, by which the included rows are picked after the decision. For Parquet
 * a view (each pass reads only the columns it needs; `frn` is DuckDB's `file_row_number`); for
 * JSON Lines and CSV, and for a Parquet file that has a column of that name, a table, parsed
 * once, whose `rowid` is `frn`. Returns the row count. A file DuckDB cannot read is bad input;
 * with `strict` the JavaScript reader names the bad line first.
 */
export async function loadItems(
  conn: DuckDBConnection,
  path: string,
  strict: boolean,
): Promise<number> {
  await ensureFile(path);
  const types = await describe(conn, "items", path, true).catch((e: unknown) =>
    unreadable(e, path),
  );
  const cols = normalisedColumns("items", path, types);
  const view = formatOf(path).format === "parquet" && !types.has("file_row_number");
  const columns = `id, author_id, kind, visibility,
      CASE WHEN created_at__bad OR deleted_at__bad THEN NULL ELSE created_at END AS created_at,
      deleted_at, text, lang`;
  try {
    await conn.run(
      `CREATE OR REPLACE VIEW items_src AS SELECT ${cols.join(", ")}${view ? ", file_row_number AS frn" : ""} FROM ${scanFunction(path, "items", true)}`,
    );
    if (view) {
      await conn.run(`CREATE OR REPLACE VIEW items AS SELECT ${columns}, frn FROM items_src`);
    } else {
      await conn.run(`CREATE OR REPLACE TABLE items_rows AS SELECT ${columns} FROM items_src`);
      await conn.run("CREATE OR REPLACE VIEW items AS SELECT *, rowid AS frn FROM items_rows");
    }
    // Parquet keeps its row count in the footer; a table knows its own.
    return Number((await conn.runAndReadAll("SELECT COUNT(*) FROM items")).getRows()[0]?.[0]);
  } catch (e) {
    return itemsUnreadable(e, path, strict);
  }
}

/**
 * Runs `decision` (the compiled decision query with `reasonCodes`, carrying `frn`) over every
 * item into table `verdicts`: each row's position in the file, its reason's code (0 included,
 * else 1 + its place in REASONS) and its id's 64-bit
 * hash (for `checkItemIdsUnique`), nothing else, so the table stays small (10M items: 170 MB)
 * and cheap to fill. Returns the items per reason (null: included). With `strict` no row may
 * be malformed (the decision's first reason is exactly the strict check: no id, author, kind
 * or readable creation time).
 */
export async function decideItems(
  conn: DuckDBConnection,
  decision: string,
  path: string,
  strict: boolean,
): Promise<Map<Reason | null, number>> {
  await conn
    .run(`CREATE OR REPLACE TABLE verdicts AS
      SELECT frn, CAST(COALESCE(reason, 0) AS UTINYINT) AS code, ${idHash("id")} AS h
      FROM (${decision})`)
    .catch((e: unknown) => itemsUnreadable(e, path, strict));
  const rows = (
    await conn.runAndReadAll("SELECT code, COUNT(*) FROM verdicts GROUP BY code")
  ).getRows();
  const counts = new Map<Reason | null, number>();
  for (const [code, n] of rows) {
    const c = code === null ? -1 : Number(code);
    const reason = c === 0 ? null : REASONS[c - 1];
    if (reason === undefined)
      throw new TrainGateError("TG_E_INTERNAL", `the decision gave an unknown reason code ${c}`);
    counts.set(reason, Number(n));
  }
  if (strict && (counts.get("malformed") ?? 0) > 0) await rejectBadRows("items", path);
  return counts;
}

/**
 * Fails the build naming the smallest item id that occurs more than once, from the id hashes
 * in table `verdicts`: they are sorted and neighbours compared (10M items: about 1 s on two
 * threads; grouping the hashes costs twice that). Only ids whose hash repeats are compared as
 * text, re-reading `items`, so a hash collision never fails a build.
 */
export async function checkItemIdsUnique(conn: DuckDBConnection, path: string): Promise<void> {
  const repeats = await conn.runAndReadAll(`SELECT DISTINCT CAST(h AS VARCHAR)
      FROM (SELECT h, lag(h) OVER (ORDER BY h) AS before FROM verdicts WHERE h IS NOT NULL)
      WHERE h = before`);
  await failOnRepeatedHashes(
    conn,
    "items",
    "id",
    "item",
    path,
    repeats.getRows().map((r) => String(r[0])),
  );
}

/**
 * A failure of a query that reads the items file: a file DuckDB cannot read is bad input
 * (with `strict`, the JavaScript reader names the line); an error of the query itself
 * (binder, catalog, internal) is not, and passes through as it is.
 */
export function itemsUnreadable(e: unknown, path: string, strict: boolean): Promise<never> {
  const message = e instanceof Error ? e.message : "";
  if (/^(Binder|Catalog|INTERNAL|Not implemented|Parser) Error/i.test(message)) throw e;
  return unreadable(e, path, strict ? "items" : undefined);
}

/** The display names of members, for the redactor's member-name detector. */
export async function memberNames(conn: DuckDBConnection): Promise<string[]> {
  const r = await conn.runAndReadAll(
    "SELECT DISTINCT display_name FROM members WHERE display_name IS NOT NULL ORDER BY 1",
  );
  return r.getRows().map((row) => String(row[0]));
}
