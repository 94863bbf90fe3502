/**
 * Pins the exact SQL every dialect produces (Kysely style): one preset with a rule and one
 * purpose without, per dialect, in `<dialect>/__snapshots__/`. The SQL is also run for real
 * (DuckDB, PostgreSQL: test/build/compile-differential.test.ts) or parsed (Spark, Trino:
 * test/build/compile-parse.test.ts).
 */
import { describe, expect, it } from "vitest";
import { loadPreset } from "../../config/load-policy.js";
import { anniversaryDay, parseDate, parseTimestamp } from "../time.js";
import { compileSql, SQL_DIALECTS } from "./compile-sql.js";
import { latestBirthDayOfAge } from "./decision-plan.js";

const T = parseTimestamp("2025-01-01T00:00:00Z")!;

describe.each(SQL_DIALECTS)("%s", (dialect) => {
  it("pins the exact SQL of the linkedin-2024 preset", async () => {
    const sql = compileSql(dialect, loadPreset("linkedin-2024"), "genai_training", T);
    await expect(`${sql}\n`).toMatchFileSnapshot(`./${dialect}/__snapshots__/linkedin-2024.sql`);
  });

  it("pins the SQL of a purpose the policy has no rule for", async () => {
    const sql = compileSql(dialect, loadPreset("recommended"), "ads_targeting", T);
    await expect(`${sql}\n`).toMatchFileSnapshot(`./${dialect}/__snapshots__/recommended-ads.sql`);
  });

  it("writes a policy's strings as escaped literals, never as SQL", () => {
    const sql = compileSql(dialect, loadPreset("recommended"), "x_'; drop table items; --", T);
    expect(sql).not.toContain("'x_'; drop");
  });
});

describe("latestBirthDayOfAge", () => {
  it("is the last birth day whose anniversary has come, with 29 February on 1 March", () => {
    const d = (s: string): number => parseDate(s)!;
    expect(latestBirthDayOfAge(d("2022-02-28"), 18)).toBe(d("2004-02-28"));
    expect(latestBirthDayOfAge(d("2022-03-01"), 18)).toBe(d("2004-03-01"));
    expect(latestBirthDayOfAge(d("2024-02-29"), 20)).toBe(d("2004-02-29"));
    expect(latestBirthDayOfAge(d("2024-12-31"), 18)).toBe(d("2006-12-31"));
    for (let day = d("2023-12-01"); day < d("2025-04-01"); day++) {
      const b = latestBirthDayOfAge(day, 18);
      expect(anniversaryDay(b, 18)).toBeLessThanOrEqual(day);
      expect(anniversaryDay(b + 1, 18)).toBeGreaterThan(day);
    }
  });
});
