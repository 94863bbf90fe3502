import type { Command } from "commander";
import { loadPolicyOption } from "../../config/load-policy.js";
import { TrainGateError } from "../../errors.js";
import { compileSql, SQL_DIALECTS, type SqlDialect } from "../../policy/compile/compile-sql.js";
import type { RegisterCommand } from "../command.js";
import { out } from "../command.js";
import { parseAsOf, parsePurpose, withPolicyOptions } from "../options.js";

interface CompileCliOptions {
  dialect?: string;
  preset?: string;
  policy?: string;
  purpose?: string;
  asOf?: string;
}

function parseDialect(value: string | undefined): SqlDialect {
  if (value !== undefined && (SQL_DIALECTS as readonly string[]).includes(value))
    return value as SqlDialect;
  throw new TrainGateError(
    "TG_E_USAGE",
    `--dialect must be one of ${SQL_DIALECTS.join(", ")}${value === undefined ? "" : ` (got ${JSON.stringify(value)})`}`,
  );
}

/**
 * `traingate compile`: prints the decision as one SELECT for DuckDB, PostgreSQL, Spark SQL or
 * Trino (contract §6). Spark and Trino output is generated and syntax-checked, not executed,
 * by TrainGate's tests.
 */
export const registerCompile: RegisterCommand = (program: Command) => {
  const cmd = program
    .command("compile")
    .description(
      "print the decision as one SQL SELECT (id, included, reason per item) for duckdb, postgres, spark or trino",
    )
    .option("--dialect <dialect>", `the SQL dialect: ${SQL_DIALECTS.join(", ")}`)
    .option("--purpose <purpose>", "the purpose")
    .option("--as-of <timestamp>", "the instant T (RFC 3339)");
  withPolicyOptions(cmd);
  cmd.addHelpText(
    "after",
    `
Example:
  $ traingate compile --dialect trino --preset recommended --purpose genai_training \\
      --as-of 2025-01-01T00:00:00Z > decide.sql`,
  );
  cmd.action((opts: CompileCliOptions) => {
    const dialect = parseDialect(opts.dialect);
    const policy = loadPolicyOption(opts);
    const purpose = parsePurpose(opts.purpose);
    const asOf = parseAsOf(opts.asOf);
    out(compileSql(dialect, policy, purpose, asOf));
  });
};
