/**
 * Converts the demo export's JSON Lines tables to Parquet with DuckDB, with the column types
 * of contract §1 spelled out (timestamps as TIMESTAMP WITH TIME ZONE, dates as DATE, the
 * rest text) rather than inferred, so every generated file has the same schema.
 */
import { renameSync, rmSync } from "node:fs";
import { DuckDBInstance } from "@duckdb/node-api";

/** The export's tables with their DuckDB column types, in contract order. */
export const EXPORT_COLUMNS = {
  members: {
    id: "VARCHAR",
    country: "VARCHAR",
    birth_date: "DATE",
    display_name: "VARCHAR",
    created_at: "TIMESTAMPTZ",
    deleted_at: "TIMESTAMPTZ",
  },
  items: {
    id: "VARCHAR",
    author_id: "VARCHAR",
    kind: "VARCHAR",
    visibility: "VARCHAR",
    created_at: "TIMESTAMPTZ",
    deleted_at: "TIMESTAMPTZ",
    text: "VARCHAR",
    lang: "VARCHAR",
  },
  consent_events: {
    member_id: "VARCHAR",
    purpose: "VARCHAR",
    choice: "VARCHAR",
    at: "TIMESTAMPTZ",
    source: "VARCHAR",
  },
} as const;

/** One table to convert. */
export interface ParquetJob {
  readonly table: keyof typeof EXPORT_COLUMNS;
  readonly jsonl: string;
  readonly parquet: string;
}

function quote(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/**
 * Writes each JSONL file as Parquet (zstd), keeping row order. Each Parquet file is written
 * under a `.partial` name and renamed when complete. Throws on any row DuckDB cannot type.
 */
export async function jsonlToParquet(jobs: readonly ParquetJob[]): Promise<void> {
  const instance = await DuckDBInstance.create(":memory:");
  const db = await instance.connect();
  try {
    await db.run("SET TimeZone = 'UTC'");
    await db.run("SET preserve_insertion_order = true");
    for (const job of jobs) {
      const columns = Object.entries(EXPORT_COLUMNS[job.table])
        .map(([name, type]) => `${quote(name)}: ${quote(type)}`)
        .join(", ");
      const partial = `${job.parquet}.partial`;
      await db.run(
        `COPY (SELECT * FROM read_json(${quote(job.jsonl)}, format = 'newline_delimited', columns = {${columns}}, maximum_object_size = 16777216)) TO ${quote(partial)} (FORMAT parquet, COMPRESSION zstd)`,
      );
      renameSync(partial, job.parquet);
    }
  } catch (e) {
    for (const job of jobs) rmSync(`${job.parquet}.partial`, { force: true });
    throw e;
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}
