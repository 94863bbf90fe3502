/**
 * All or nothing under SIGKILL (contract §5): the built CLI is killed mid-build, at several
 * points, and must leave nothing at --out; a later build to the same --out then succeeds.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = new URL("../..", import.meta.url).pathname;
const BIN = join(ROOT, "bin/traingate.js");
const dir = mkdtempSync(join(tmpdir(), "tg-kill-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  execFileSync("npm", ["run", "build", "--silent"], { cwd: ROOT, stdio: "ignore" });
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  await c.run(`COPY (SELECT 'm' || i AS id, CASE i % 3 WHEN 0 THEN 'US' WHEN 1 THEN 'DE' ELSE 'BR' END AS country,
      DATE '1980-01-01' + CAST(i % 9000 AS INTEGER) AS birth_date, 'Name ' || i AS display_name,
      TIMESTAMPTZ '2020-01-01 00:00:00+00' AS created_at, CAST(NULL AS TIMESTAMPTZ) AS deleted_at
    FROM range(20000) t(i)) TO '${join(dir, "members.parquet")}' (FORMAT parquet)`);
  await c.run(`COPY (SELECT 'i' || lpad(CAST(i AS VARCHAR), 9, '0') AS id, 'm' || (i % 20000) AS author_id, 'post' AS kind,
      'public' AS visibility, TIMESTAMPTZ '2024-10-01 00:00:00+00' + to_seconds(i) AS created_at,
      CAST(NULL AS TIMESTAMPTZ) AS deleted_at,
      'Write to user' || i || '@example.com or call +1 415 555 ' || lpad(CAST(i % 10000 AS VARCHAR), 4, '0') || ', love Name ' || (i % 20000) AS text,
      'en' AS lang
    FROM range(150000) t(i)) TO '${join(dir, "items.parquet")}' (FORMAT parquet)`);
  await c.run(`COPY (SELECT 'm' || i AS member_id, 'genai_training' AS purpose, 'allow' AS choice,
      TIMESTAMPTZ '2024-09-01 00:00:00+00' AS "at", 'settings' AS source
    FROM range(20000) t(i)) TO '${join(dir, "consent.parquet")}' (FORMAT parquet)`);
  c.closeSync();
  db.closeSync();
  writeFileSync(join(dir, "key.bin"), Buffer.alloc(32, 9));
}, 300_000);

function args(out: string): string[] {
  return [
    BIN,
    "build",
    "--preset",
    "linkedin-2025",
    "--purpose",
    "genai_training",
    "--as-of",
    "2025-12-01T00:00:00Z",
    "--members",
    join(dir, "members.parquet"),
    "--items",
    join(dir, "items.parquet"),
    "--consent",
    join(dir, "consent.parquet"),
    "--out",
    out,
    "--pseudonym-key-file",
    join(dir, "key.bin"),
    "--quiet",
    // Lineage registration has its own tests; these builds stay out of any registry.
    "--no-lineage",
    "--threads",
    "1",
    "--no-redact",
  ];
}

function staging(name: string): string | undefined {
  return readdirSync(dir).find((f) => f.startsWith(`.${name}.tmp-`) && !f.endsWith("-replaced"));
}

async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

describe("a build killed with SIGKILL", () => {
  // Killed as soon as the staging folder exists, once the dataset is being written, and late.
  it.each([
    ["staging", 0],
    ["dataset", 0],
    ["late", 400],
  ] as const)(
    "leaves nothing at --out (killed at %s)",
    async (when, extraMs) => {
      const out = join(dir, `out-${when}`);
      const child = spawn(process.execPath, args(out), { stdio: "ignore" });
      const exited = new Promise<void>((r) => child.on("exit", () => r()));
      const started = Date.now();
      let reached = false;
      while (Date.now() - started < 100_000 && child.exitCode === null) {
        const s = staging(`out-${when}`);
        if (
          s !== undefined &&
          (when !== "dataset" || readdirSync(join(dir, s)).some((f) => f.startsWith("dataset")))
        ) {
          reached = true;
          break;
        }
        await sleep(10);
      }
      expect(reached).toBe(true);
      await sleep(extraMs);
      child.kill("SIGKILL");
      await exited;
      expect(child.signalCode).toBe("SIGKILL");
      expect(existsSync(out)).toBe(false);
    },
    120_000,
  );

  it("does not stop a later build to the same --out", async () => {
    const out = join(dir, "out-staging");
    const child = spawn(process.execPath, args(out), { stdio: "ignore" });
    const code = await new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
    expect(code).toBe(0);
    expect(existsSync(join(out, "manifest.json"))).toBe(true);
  }, 120_000);
});
