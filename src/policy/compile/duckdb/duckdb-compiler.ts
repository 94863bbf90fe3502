/** DuckDB's quirks for the decision compiler. */
import type { DecisionPlan } from "../decision-plan.js";
import { SqlCompiler, utcText } from "../sql-compiler.js";

/** Compiles decisions for DuckDB (the engine of `traingate build`). */
export class DuckDbCompiler extends SqlCompiler {
  readonly dialect = "duckdb";

  protected instant(micros: number): string {
    return `TIMESTAMPTZ '${utcText(micros)}+00'`;
  }

  /**
   * The UTC date from the epoch microseconds: `make_timestamp` gives a plain TIMESTAMP (UTC
   * wall time) without a per-row time-zone lookup, which `AT TIME ZONE 'UTC'` costs through
   * ICU (about 0.3 µs a row, most of the decision's expression time). An infinite instant has
   * no epoch (NULL); the plain cast gives its (infinite) date, the same in every time zone.
   */
  protected utcDate(expr: string): string {
    return `COALESCE(CAST(make_timestamp(epoch_us(${expr})) AS DATE), CAST(${expr} AS DATE))`;
  }

  protected subtractYears(dateExpr: string, years: number): string {
    return `CAST(${dateExpr} - INTERVAL ${years} YEAR AS DATE)`;
  }

  /**
   * As the base, with `list_contains` for the list of every valid code: DuckDB turns a long
   * IN list into a hash lookup only where it filters or projects, not inside the MIN() of
   * member_facts, where it tests the 249 codes one by one (seven times slower on 2M members).
   */
  protected override countryExpr(plan: DecisionPlan): string {
    const c = this.col("country");
    return `CASE WHEN ${c} = 'UK' THEN 'GB' WHEN list_contains([${this.list(plan.countries)}], ${c}) THEN ${c} END`;
  }
}
