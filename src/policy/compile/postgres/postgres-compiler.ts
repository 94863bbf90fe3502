/** PostgreSQL's quirks for the decision compiler. */
import { SqlCompiler, utcText } from "../sql-compiler.js";

/** Compiles decisions for PostgreSQL (standard_conforming_strings on, the default since 9.1). */
export class PostgresCompiler extends SqlCompiler {
  readonly dialect = "postgres";

  protected instant(micros: number): string {
    return `TIMESTAMPTZ '${utcText(micros)}+00'`;
  }

  /** `AT TIME ZONE 'UTC'` on a timestamptz gives UTC wall time, whatever the session zone. */
  protected utcDate(expr: string): string {
    return `CAST((${expr} AT TIME ZONE 'UTC') AS DATE)`;
  }

  protected subtractYears(dateExpr: string, years: number): string {
    return `CAST(${dateExpr} - INTERVAL '${years} years' AS DATE)`;
  }
}
