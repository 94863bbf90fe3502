/**
 * Spark SQL and Trino output is generated, not executed here: every preset, every purpose
 * with and without a rule, in the printed form and in the build's packed form (Trino has no
 * `&`: its compiler writes bitwise_and), must parse with zero syntax errors in dt-sql-parser's
 * grammars for those engines. DuckDB and PostgreSQL are executed by
 * compile-differential.test.ts.
 */
import { SparkSQL, TrinoSQL } from "dt-sql-parser";
import { describe, expect, it } from "vitest";
import { loadPreset, presetNames } from "../../src/config/load-policy.js";
import { compileSql } from "../../src/policy/compile/compile-sql.js";
import { SparkCompiler } from "../../src/policy/compile/spark/spark-compiler.js";
import { TrinoCompiler } from "../../src/policy/compile/trino/trino-compiler.js";
import { parseTimestamp } from "../../src/policy/time.js";

const T = parseTimestamp("2024-09-20T00:00:00.000001Z")!;
const parsers = { spark: new SparkSQL(), trino: new TrinoSQL() } as const;

describe.each(["spark", "trino"] as const)("%s output parses", (dialect) => {
  it.each(presetNames())("preset %s", (name) => {
    for (const purpose of ["genai_training", "ads_targeting"]) {
      const sql = compileSql(dialect, loadPreset(name), purpose, T, {
        carry: ["author_id", "kind", "text"],
      });
      expect(parsers[dialect].validate(sql)).toEqual([]);
      // The build's variant (member tests packed into bits, reasons as codes) parses too.
      const packed = compileSql(dialect, loadPreset(name), purpose, T, {
        packedAuthors: true,
        reasonCodes: true,
      });
      expect(parsers[dialect].validate(packed)).toEqual([]);
    }
  });

  it("rejects broken SQL (the parser is really checking)", () => {
    expect(parsers[dialect].validate("SELECT id, FROM items WHERE (a = ")).not.toEqual([]);
  });
});

describe("string literals are data", () => {
  it("Spark escapes backslashes and quotes", () => {
    const s = new SparkCompiler().string("it's a \\' trick");
    expect(s).toBe("'it\\'s a \\\\\\' trick'");
    expect(parsers.spark.validate(`SELECT ${s}`)).toEqual([]);
  });
  it("Trino doubles quotes and leaves backslashes alone", () => {
    const s = new TrinoCompiler().string("it's a \\' trick");
    expect(s).toBe("'it''s a \\'' trick'");
    expect(parsers.trino.validate(`SELECT ${s}`)).toEqual([]);
  });
});
