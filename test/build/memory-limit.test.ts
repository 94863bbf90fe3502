/**
 * A build whose included text is larger than DuckDB's memory limit still runs, spilling to the
 * staging folder (issue 3: memory bounded for inputs larger than RAM). The decision used to be
 * a GROUP BY with the included columns as group keys, which did not spill and failed with
 * DuckDB's out-of-memory error here; so did the Merkle root as one ordered aggregate. (Far
 * below this, at 100MB, DuckDB's own sort of the dataset runs out of memory, with either
 * shape: the floor is DuckDB's.)
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, describe, expect, it } from "vitest";
import { readKeyFile } from "../../src/build/pseudonym-key.js";
import { type BuildOptions, runBuild } from "../../src/build/run-build.js";
import { loadPreset } from "../../src/config/load-policy.js";
import { merkleRoot } from "../../src/lineage/merkle.js";
import { parseTimestamp } from "../../src/policy/time.js";

const root = mkdtempSync(join(tmpdir(), "tg-memory-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const ITEMS = 640_000;
/** About 250 bytes of text per item: 160 MB in all, every item included. */
const TEXT_REPEAT = 12;

async function writeExport(): Promise<{ members: string; items: string; consent: string }> {
  const files = {
    members: join(root, "members.parquet"),
    items: join(root, "items.parquet"),
    consent: join(root, "consent.parquet"),
  };
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  try {
    await c.run("SET TimeZone = 'UTC'");
    await c.run(`COPY (SELECT 'm' || i AS id, 'US' AS country, DATE '1980-01-01' AS birth_date,
        'Member ' || i AS display_name, TIMESTAMPTZ '2015-01-01 00:00:00+00' AS created_at,
        CAST(NULL AS TIMESTAMPTZ) AS deleted_at
      FROM range(1000) t(i)) TO '${files.members}' (FORMAT parquet)`);
    await c.run(`COPY (SELECT 'm' || i AS member_id, 'genai_training' AS purpose, 'allow' AS choice,
        TIMESTAMPTZ '2024-01-01 00:00:00+00' AS "at", 'settings' AS source
      FROM range(1000) t(i)) TO '${files.consent}' (FORMAT parquet)`);
    await c.run(`COPY (SELECT 'i' || md5(CAST(i AS VARCHAR)) AS id, 'm' || (i % 1000) AS author_id,
        'post' AS kind, 'public' AS visibility,
        TIMESTAMPTZ '2025-01-01 00:00:00+00' AS created_at, CAST(NULL AS TIMESTAMPTZ) AS deleted_at,
        repeat('words of a post ' || i || ' ', ${TEXT_REPEAT}) AS text, 'en' AS lang
      FROM range(${ITEMS}) t(i)) TO '${files.items}' (FORMAT parquet, ROW_GROUP_SIZE 65536)`);
  } finally {
    c.closeSync();
    db.closeSync();
  }
  return files;
}

let files: Promise<{ members: string; items: string; consent: string }> | undefined;

async function options(out: string, memoryLimit: string): Promise<BuildOptions> {
  files ??= writeExport();
  return {
    policy: loadPreset("recommended"),
    purpose: "genai_training",
    asOf: parseTimestamp("2025-06-01T00:00:00Z") as number,
    ...(await files),
    out,
    format: "jsonl",
    strict: false,
    force: false,
    key: readKeyFile(join(root, "members.parquet")),
    redact: false,
    memoryLimit,
    threads: 2,
  };
}

describe("build under a memory limit smaller than its data", () => {
  // 160 MB of text, held twice while it is sorted. The lowest limit that passed six runs of six
  // is 210MB (docs/build.md, "Memory"): 240MB keeps a margin, and the build still spills.
  it("spills instead of failing (160 MB of included text, --memory-limit 240MB)", async () => {
    const out = join(root, "out");
    const result = await runBuild(await options(out, "240MB"));
    expect(result.manifest.counts.included).toBe(ITEMS);
    const lines = readFileSync(join(out, "dataset.jsonl"), "utf8").trimEnd().split("\n");
    expect(lines).toHaveLength(ITEMS);
    expect(lines[0]!.length).toBeGreaterThan(250);
    const ids = lines.map((l) => (JSON.parse(l) as { id: string }).id);
    expect([...ids].sort()).toEqual(ids);
    expect(result.manifest.merkle_root).toBe(merkleRoot(ids));
  }, 120_000);

  it("fails with TG_E_OUT_OF_MEMORY, saying what to do, and writes nothing far below", async () => {
    const out = join(root, "out-small");
    await expect(runBuild(await options(out, "40MB"))).rejects.toMatchObject({
      code: "TG_E_OUT_OF_MEMORY",
      exitCode: 1,
      message: expect.stringMatching(
        /--memory-limit 40MB.*nothing was written.*Raise --memory-limit/,
      ),
    });
    expect(existsSync(out)).toBe(false);
  }, 120_000);
});
