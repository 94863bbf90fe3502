/** Trino's quirks for the decision compiler. */
import { SqlCompiler, utcText } from "../sql-compiler.js";

/** Compiles decisions for Trino (generated and parsed in tests, not executed here). */
export class TrinoCompiler extends SqlCompiler {
  readonly dialect = "trino";

  protected instant(micros: number): string {
    return `TIMESTAMP '${utcText(micros)} UTC'`;
  }

  protected utcDate(expr: string): string {
    return `CAST(${expr} AT TIME ZONE 'UTC' AS DATE)`;
  }

  /** Trino has no `&` operator. */
  protected override hasBit(flags: string, bit: number): string {
    return `bitwise_and(${flags}, ${bit}) <> 0`;
  }

  /** date_add clamps 29 February to 28 February in a non-leap year. */
  protected subtractYears(dateExpr: string, years: number): string {
    return `date_add('year', ${-years}, ${dateExpr})`;
  }
}
