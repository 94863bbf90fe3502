/**
 * The DuckDB reading of the export (src/build/input-scan.ts) against the JavaScript one
 * (src/export/parse-rows.ts), value by value, in JSON Lines, CSV and Parquet: which member
 * and consent rows are rejected, which item rows are malformed, and the instants and dates
 * read. DuckDB's own casts accept more than RFC 3339; these are the cases where they differ.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { normalisedColumns, scanFunction, TABLE_COLUMNS } from "../../src/build/input-scan.js";
import { BAD_CONSENT, installScanMacros } from "../../src/build/load-inputs.js";
import { parseConsentRow, parseItemRow, parseMemberRow } from "../../src/export/parse-rows.js";
import { parseTimestamp } from "../../src/policy/time.js";
import { csv, jsonl, parquet } from "./export-files.js";

const dir = mkdtempSync(join(tmpdir(), "tg-agree-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TIMESTAMPS: (string | null)[] = [
  "2024-01-01T00:00:00Z",
  "2024-01-01t00:00:00z",
  "2024-01-01 00:00:00Z",
  "2024-01-01T00:00:00+05:30",
  "2024-01-01T00:00:00-08:00",
  "2024-01-01T00:00:00-00:00",
  "2024-01-01T00:00:00.123456789Z",
  "2024-01-01T00:00:00.1Z",
  "2024-06-30T23:59:60Z",
  "2024-02-29T12:00:00Z",
  "2023-02-29T12:00:00Z",
  "2024-04-31T00:00:00Z",
  "2024-01-01T24:00:00Z",
  "2024-01-01T00:60:00Z",
  "2024-01-01T00:00:61Z",
  "2024-01-01T00:00:00+24:00",
  "2024-01-01T00:00:00+05:60",
  "2024-01-01T00:00:00",
  "2024-01-01",
  "2024-01-01 12:00",
  "2024-01-01T12:00Z",
  "2024-1-01T00:00:00Z",
  " 2024-01-01T00:00:00Z",
  "2024-01-01T00:00:00Z ",
  "2024-01-01T00:00:00.Z",
  "1969-12-31T23:59:59.999999Z",
  "9999-12-31T23:59:59.999999Z",
  "2024-13-01T00:00:00Z",
  "2024-00-10T00:00:00Z",
  "+2024-01-01T00:00:00Z",
  "2024-01-01T00:00:00+0530",
  "epoch",
  "",
  null,
];
const DATES: (string | null)[] = [
  "2024-02-29",
  "2023-02-29",
  "2024-1-1",
  "2024-01-01T00:00:00Z",
  "20240101",
  " 2024-01-01",
  "1900-01-01",
  "2024-12-32",
  "",
  null,
];

type Values = Record<string, unknown>;

async function duck(
  table: "members" | "items" | "consent_events",
  path: string,
  select: string,
): Promise<Values[]> {
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  await c.run("SET TimeZone = 'UTC'");
  // One thread: rows come back in file order, so they line up with the JS reading.
  await c.run("SET threads = 1");
  await installScanMacros(c);
  const scan = scanFunction(path, table, table === "items");
  let types: Map<string, string>;
  if (path.endsWith(".jsonl"))
    types = new Map(Object.keys(TABLE_COLUMNS[table]).map((k) => [k, "JSON"]));
  else {
    const d = await c.runAndReadAll(`DESCRIBE SELECT * FROM ${scan}`);
    types = new Map(
      d.getRowObjectsJS().map((r) => [String(r["column_name"]), String(r["column_type"])]),
    );
  }
  const r = await c.runAndReadAll(
    `SELECT ${select} FROM (SELECT ${normalisedColumns(table, path, types).join(", ")} FROM ${scan})`,
  );
  const out = r.getRowObjectsJS() as Values[];
  c.closeSync();
  db.closeSync();
  return out;
}

function jsOk(f: () => unknown): unknown {
  try {
    return f();
  } catch {
    return "rejected";
  }
}

async function writeAll(
  name: string,
  columns: readonly string[],
  rows: Record<string, string | null>[],
) {
  const paths = {
    jsonl: join(dir, `${name}.jsonl`),
    csv: join(dir, `${name}.csv`),
    parquet: join(dir, `${name}.parquet`),
  };
  writeFileSync(paths.jsonl, jsonl(rows));
  writeFileSync(paths.csv, csv(columns, rows));
  await parquet(paths.parquet, columns, rows, false);
  return paths;
}

describe.each(["jsonl", "csv", "parquet"] as const)(
  "%s: DuckDB reads the export as parse-rows does",
  (format) => {
    it("consent events: timestamps, choices, sources, purposes, member ids", async () => {
      const base = {
        member_id: "m1",
        purpose: "genai_training",
        choice: "allow",
        at: "2024-01-01T00:00:00Z",
        source: "settings",
      };
      const rows: Record<string, string | null>[] = [
        ...TIMESTAMPS.map((at) => ({ ...base, at })),
        ...["allow", "deny", "Allow", " allow", "", null, "maybe"].map((choice) => ({
          ...base,
          choice,
        })),
        ...["gpc", "GPC", "web", "", null, "import", "admin", "api"].map((source) => ({
          ...base,
          source,
        })),
        ...[
          "genai_training",
          "GenAI",
          "a",
          "1abc",
          "",
          null,
          "x".repeat(64),
          "x".repeat(65),
          "ads-targeting",
        ].map((purpose) => ({ ...base, purpose })),
        ...["", null, "m 2", "5"].map((member_id) => ({ ...base, member_id })),
      ];
      const paths = await writeAll("consent", Object.keys(base), rows);
      const got = await duck(
        "consent_events",
        paths[format],
        `(${BAD_CONSENT} OR "at__bad") AS bad, epoch_us("at") AS at_us`,
      );
      expect(got.length).toBe(rows.length);
      rows.forEach((row, i) => {
        const js = jsOk(() =>
          parseConsentRow(format === "csv" ? blankIsNull(row) : row, "f", i + 1),
        );
        const d = got[i]!;
        const want = js === "rejected" ? "rejected" : (js as { at: number }).at;
        const have = d["bad"] === true ? "rejected" : Number(d["at_us"]);
        expect({ row, have }).toEqual({ row, have: want });
      });
    });

    it("members: ids, birth dates, created and deleted instants", async () => {
      const base = {
        id: "m1",
        country: "US",
        birth_date: "1990-01-01",
        display_name: "A",
        created_at: "2020-01-01T00:00:00Z",
        deleted_at: null,
      };
      const rows: Record<string, string | null>[] = [
        ...DATES.map((birth_date) => ({ ...base, birth_date })),
        ...TIMESTAMPS.map((deleted_at) => ({ ...base, deleted_at })),
        ...TIMESTAMPS.map((created_at) => ({ ...base, created_at })),
        ...["", null, "x"].map((id) => ({ ...base, id })),
      ];
      const paths = await writeAll("members", Object.keys(base), rows);
      const got = await duck(
        "members",
        paths[format],
        `(id IS NULL OR birth_date__bad OR created_at__bad OR deleted_at__bad) AS bad, CAST(birth_date - DATE '1970-01-01' AS INTEGER) AS bday, epoch_us(deleted_at) AS del, epoch_us(created_at) AS cre`,
      );
      rows.forEach((row, i) => {
        const js = jsOk(() =>
          parseMemberRow(format === "csv" ? blankIsNull(row) : row, "f", i + 1),
        );
        const d = got[i]!;
        const want =
          js === "rejected"
            ? "rejected"
            : (({ birthDay, deletedAt, createdAt }) => ({ birthDay, deletedAt, createdAt }))(
                js as {
                  birthDay: number | null;
                  deletedAt: number | null;
                  createdAt: number | null;
                },
              );
        const num = (v: unknown): number | null => (v === null ? null : Number(v));
        const have =
          d["bad"] === true
            ? "rejected"
            : { birthDay: num(d["bday"]), deletedAt: num(d["del"]), createdAt: num(d["cre"]) };
        expect({ row, have }).toEqual({ row, have: want });
      });
    });

    it("items: a bad timestamp makes the row malformed, a good one is read exactly", async () => {
      const base = {
        id: "i1",
        author_id: "m1",
        kind: "post",
        visibility: "public",
        created_at: "2024-01-01T00:00:00Z",
        deleted_at: null,
        text: "t",
        lang: null,
      };
      const rows: Record<string, string | null>[] = [
        ...TIMESTAMPS.map((created_at) => ({ ...base, created_at })),
        ...TIMESTAMPS.map((deleted_at) => ({ ...base, deleted_at })),
      ];
      const paths = await writeAll("items", Object.keys(base), rows);
      const got = await duck(
        "items",
        paths[format],
        "(created_at__bad OR deleted_at__bad OR created_at IS NULL) AS malformed, epoch_us(created_at) AS cre",
      );
      rows.forEach((row, i) => {
        const js = parseItemRow(format === "csv" ? blankIsNull(row) : row);
        const want =
          js.parseError !== undefined || js.createdAt === null ? "malformed" : js.createdAt;
        const have = got[i]!["malformed"] === true ? "malformed" : Number(got[i]!["cre"]);
        expect({ row, have }).toEqual({ row, have: want });
      });
    });
  },
);

/** CSV cannot tell an empty string from a missing value (read-rows.ts reads both as null). */
function blankIsNull(row: Record<string, string | null>): Record<string, string | null> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === "" ? null : v]));
}

it("reads JSON numbers as text, and other JSON types as missing, as parse-rows does", async () => {
  const path = join(dir, "typed.jsonl");
  const rows = [
    {
      member_id: 5,
      purpose: "genai_training",
      choice: "allow",
      at: "2024-01-01T00:00:00Z",
      source: "api",
    },
    {
      member_id: true,
      purpose: "genai_training",
      choice: "allow",
      at: "2024-01-01T00:00:00Z",
      source: "api",
    },
    {
      member_id: { a: 1 },
      purpose: "genai_training",
      choice: "allow",
      at: "2024-01-01T00:00:00Z",
      source: "api",
    },
    {
      member_id: "m",
      purpose: "genai_training",
      choice: 1,
      at: "2024-01-01T00:00:00Z",
      source: "api",
    },
    { member_id: "m", purpose: "genai_training", choice: "deny", at: 1704067200, source: "api" },
  ];
  writeFileSync(path, rows.map((r) => JSON.stringify(r)).join("\n"));
  const got = await duck("consent_events", path, `(${BAD_CONSENT} OR "at__bad") AS bad, member_id`);
  rows.forEach((row, i) => {
    const js = jsOk(() => parseConsentRow(row, "f", i + 1));
    expect({ row, bad: got[i]!["bad"] }).toEqual({ row, bad: js === "rejected" });
  });
  expect(got[0]!["member_id"]).toBe("5");
});

it("reads random RFC 3339-shaped timestamps as parseTimestamp does (fast and full path)", async () => {
  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  await conn.run("SET TimeZone = 'America/Los_Angeles'");
  await installScanMacros(conn);
  const two = (max: number): fc.Arbitrary<string> =>
    fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, "0"));
  const stamp = fc
    .tuple(
      fc.integer({ min: 0, max: 9999 }).map((n) => String(n).padStart(4, "0")),
      two(13),
      two(32),
      fc.constantFrom("T", "t", " "),
      two(25),
      two(61),
      two(61),
      fc.option(fc.stringMatching(/^[0-9]{1,9}$/), { nil: undefined }),
      fc.oneof(
        fc.constantFrom("Z", "z"),
        fc.tuple(fc.constantFrom("+", "-"), two(25), two(61)).map(([s, h, m]) => `${s}${h}:${m}`),
      ),
    )
    .map(
      ([y, mo, d, sep, h, mi, s, f, z]) =>
        `${y}-${mo}-${d}${sep}${h}:${mi}:${s}${f === undefined ? "" : `.${f}`}${z}`,
    );
  const samples = fc.sample(stamp, { numRuns: 3000, seed: 20261129 });
  await conn.run("CREATE TABLE ts (s VARCHAR)");
  const a = await conn.createAppender("ts");
  for (const s of samples) {
    a.appendVarchar(s);
    a.endRow();
  }
  a.closeSync();
  const rows = (await conn.runAndReadAll("SELECT s, epoch_us(tg_ts(s)) FROM ts")).getRows();
  const got = rows.map(([s, us]) => [s, us === null ? null : Number(us)]);
  const want = samples.map((s) => [s, parseTimestamp(s)]);
  expect(got).toEqual(want);
  // Both paths are exercised: valid values in the common shape and outside it.
  expect(want.filter(([s, v]) => v !== null && /T.*Z$/.test(String(s))).length).toBeGreaterThan(50);
  expect(want.filter(([s, v]) => v !== null && /t/.test(String(s))).length).toBeGreaterThan(50);
  conn.closeSync();
  db.closeSync();
});
