/**
 * The SQL dialects TrainGate compiles decisions to, and the one place that picks a concrete
 * compiler for a dialect name.
 */
import type { Policy } from "../model.js";
import { DuckDbCompiler } from "./duckdb/duckdb-compiler.js";
import { PostgresCompiler } from "./postgres/postgres-compiler.js";
import { SparkCompiler } from "./spark/spark-compiler.js";
import type { CompileOptions, SqlCompiler } from "./sql-compiler.js";
import { TrinoCompiler } from "./trino/trino-compiler.js";

/** The dialects of `traingate compile --dialect`. */
export const SQL_DIALECTS = ["duckdb", "postgres", "spark", "trino"] as const;
export type SqlDialect = (typeof SQL_DIALECTS)[number];

/** The compiler of a dialect. */
export function compilerFor(dialect: SqlDialect): SqlCompiler {
  switch (dialect) {
    case "duckdb":
      return new DuckDbCompiler();
    case "postgres":
      return new PostgresCompiler();
    case "spark":
      return new SparkCompiler();
    case "trino":
      return new TrinoCompiler();
  }
}

/**
 * The decision query of `purpose` at `asOf` (epoch µs) under `policy`, in `dialect`:
 * one SELECT over members, items and consent_events returning id, included, reason.
 */
export function compileSql(
  dialect: SqlDialect,
  policy: Policy,
  purpose: string,
  asOf: number,
  options: CompileOptions = {},
): string {
  return compilerFor(dialect).compile(policy, purpose, asOf, options);
}
