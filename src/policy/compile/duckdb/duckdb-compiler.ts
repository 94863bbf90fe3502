/** DuckDB's quirks for the decision compiler. */
import { SqlCompiler, utcText } from "../sql-compiler.js";

/** Compiles decisions for DuckDB (the engine of `traingate build`). */
export class DuckDbCompiler extends SqlCompiler {
  readonly dialect = "duckdb";

  protected instant(micros: number): string {
    return `TIMESTAMPTZ '${utcText(micros)}+00'`;
  }

  /** `AT TIME ZONE 'UTC'` gives the wall time in UTC whatever the session's TimeZone. */
  protected utcDate(expr: string): string {
    return `CAST(${expr} AT TIME ZONE 'UTC' AS DATE)`;
  }

  protected subtractYears(dateExpr: string, years: number): string {
    return `CAST(${dateExpr} - INTERVAL ${years} YEAR AS DATE)`;
  }
}
