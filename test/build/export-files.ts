/**
 * Writes a test population as export files (contract §1) in JSON Lines, CSV or Parquet, so
 * builds can be run on the same rows in every format.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import type { ConsentEvent, Item, Member } from "../../src/policy/domain.js";
import { formatDate, formatInstant } from "../../src/policy/time.js";
import type { TestPopulation } from "../fixtures/population.js";

type Row = Record<string, string | null>;

function memberRow(m: Member): Row {
  return {
    id: m.id,
    country: m.country,
    birth_date: m.birthDay === null ? null : formatDate(m.birthDay),
    display_name: m.displayName,
    created_at: m.createdAt === null ? null : formatInstant(m.createdAt),
    deleted_at: m.deletedAt === null ? null : formatInstant(m.deletedAt),
  };
}
function itemRow(i: Item): Row {
  return {
    id: i.id,
    author_id: i.authorId,
    kind: i.kind,
    visibility: i.visibility,
    created_at: i.createdAt === null ? null : formatInstant(i.createdAt),
    deleted_at: i.deletedAt === null ? null : formatInstant(i.deletedAt),
    text: i.text,
    lang: i.lang,
  };
}
function eventRow(e: ConsentEvent): Row {
  return {
    member_id: e.memberId,
    purpose: e.purpose,
    choice: e.choice,
    at: formatInstant(e.at),
    source: e.source,
  };
}

/** JSON Lines text of rows. */
export function jsonl(rows: readonly Row[]): string {
  return rows.map((r) => `${JSON.stringify(r)}\n`).join("");
}

/** CSV text with a header; every value quoted, null as an empty field. */
export function csv(columns: readonly string[], rows: readonly Row[]): string {
  const q = (v: string | null): string => (v === null ? "" : `"${v.replaceAll('"', '""')}"`);
  return `${columns.join(",")}\n${rows.map((r) => columns.map((c) => q(r[c] ?? null)).join(",")).join("\n")}\n`;
}

const TYPED: Record<string, string> = {
  birth_date: "DATE",
  created_at: "TIMESTAMPTZ",
  deleted_at: "TIMESTAMPTZ",
};

/** Writes rows as Parquet through DuckDB; `typed` stores dates and timestamps natively. */
export async function parquet(
  path: string,
  columns: readonly string[],
  rows: readonly Row[],
  typed: boolean,
): Promise<void> {
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  await c.run("SET TimeZone = 'UTC'");
  await c.run(`CREATE TABLE t (${columns.map((n) => `"${n}" VARCHAR`).join(", ")})`);
  const a = await c.createAppender("t");
  for (const r of rows) {
    for (const col of columns) {
      const v = r[col] ?? null;
      if (v === null) a.appendNull();
      else a.appendVarchar(v);
    }
    a.endRow();
  }
  a.closeSync();
  const select = columns
    .map((n) => (typed && TYPED[n] ? `CAST("${n}" AS ${TYPED[n]}) AS "${n}"` : `"${n}"`))
    .join(", ");
  await c.run(`COPY (SELECT ${select} FROM t) TO '${path.replaceAll("'", "''")}' (FORMAT parquet)`);
  c.closeSync();
  db.closeSync();
}

const COLS = {
  members: ["id", "country", "birth_date", "display_name", "created_at", "deleted_at"],
  items: ["id", "author_id", "kind", "visibility", "created_at", "deleted_at", "text", "lang"],
  consent: ["member_id", "purpose", "choice", "at", "source"],
} as const;

/** The files of an export. */
export interface ExportFiles {
  readonly members: string;
  readonly items: string;
  readonly consent: string;
}

/** Writes a population in one format per table (`mix` cycles formats across the tables). */
export async function writeExport(
  dir: string,
  pop: TestPopulation,
  format: "jsonl" | "csv" | "parquet" | "mix",
): Promise<ExportFiles> {
  const tables = {
    members: pop.members.map(memberRow),
    items: pop.items.map(itemRow),
    consent: pop.events.map(eventRow),
  };
  const formats =
    format === "mix"
      ? { members: "parquet", items: "csv", consent: "jsonl" }
      : { members: format, items: format, consent: format };
  const out: Record<string, string> = {};
  for (const t of ["members", "items", "consent"] as const) {
    const f = formats[t];
    const path = join(dir, `${t}.${f}`);
    if (f === "jsonl") writeFileSync(path, jsonl(tables[t]));
    else if (f === "csv") writeFileSync(path, csv(COLS[t], tables[t]));
    else await parquet(path, COLS[t], tables[t], t !== "consent");
    out[t] = path;
  }
  return out as unknown as ExportFiles;
}
