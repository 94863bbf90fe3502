/** Spark SQL's quirks for the decision compiler. */
import { SqlCompiler } from "../sql-compiler.js";

/** Compiles decisions for Spark SQL 3.1+ (generated and parsed in tests, not executed here). */
export class SparkCompiler extends SqlCompiler {
  readonly dialect = "spark";

  /** Spark reads `\` as an escape inside string literals, so both it and `'` are escaped. */
  override string(value: string): string {
    return `'${value.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
  }

  protected override ident(name: string): string {
    return `\`${name.replaceAll("`", "``")}\``;
  }

  /** From epoch microseconds: exact, and independent of spark.sql.session.timeZone. */
  protected instant(micros: number): string {
    return `timestamp_micros(${micros})`;
  }

  /** The UTC day from epoch seconds, so the session time zone does not matter. */
  protected utcDate(expr: string): string {
    return `date_from_unix_date(CAST(floor(unix_seconds(${expr}) / 86400) AS INT))`;
  }

  /** add_months clamps to the end of the month, like the other engines' year arithmetic. */
  protected subtractYears(dateExpr: string, years: number): string {
    return `add_months(${dateExpr}, ${-12 * years})`;
  }
}
