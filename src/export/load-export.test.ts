import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import { TrainGateError } from "../errors.js";
import { isMalformed } from "../policy/evaluate/decide-item.js";
import { loadConsent, loadExport, loadItems, loadMembers } from "./load-export.js";

const dir = mkdtempSync(join(tmpdir(), "tg-export-"));
function file(name: string, text: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
function jsonl(rows: unknown[]): string {
  return rows.map((r) => JSON.stringify(r)).join("\n") + "\n";
}

async function failure(p: Promise<unknown>): Promise<TrainGateError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(TrainGateError);
    return e as TrainGateError;
  }
  throw new Error("expected a failure");
}

const members = [
  {
    id: "m1",
    country: "DE",
    birth_date: "1990-01-01",
    display_name: "Anna Schmidt",
    created_at: "2020-01-01T00:00:00Z",
    deleted_at: null,
  },
  {
    id: "m2",
    country: "UK",
    birth_date: null,
    display_name: null,
    created_at: "2020-01-01T00:00:00+01:00",
    extra: 1,
  },
];

describe("export readers", () => {
  it("reads the same table from JSONL, gzipped JSONL and CSV", async () => {
    const a = await loadMembers(file("m.jsonl", jsonl(members)));
    const b = await loadMembers(file("m.jsonl.gz", gzipSync(jsonl(members))));
    const c = await loadMembers(
      file(
        "m.csv",
        "id,country,birth_date,display_name,created_at,deleted_at\nm1,DE,1990-01-01,Anna Schmidt,2020-01-01T00:00:00Z,\nm2,UK,,,2020-01-01T00:00:00+01:00,\n",
      ),
    );
    expect(a).toEqual(b);
    expect(c).toEqual(a);
    expect(a[1]).toMatchObject({ id: "m2", country: "UK", birthDay: null });
  });

  it("reads Parquet written by DuckDB, timestamps and dates typed", async () => {
    const path = join(dir, "m.parquet");
    const db = await DuckDBInstance.create(":memory:");
    const con = await db.connect();
    await con.run(
      `COPY (SELECT 'm1' AS id, 'DE' AS country, DATE '1990-01-01' AS birth_date, 'Anna' AS display_name,
              TIMESTAMPTZ '2020-01-01 00:00:00+00' AS created_at, NULL::TIMESTAMPTZ AS deleted_at)
       TO '${path}' (FORMAT parquet)`,
    );
    con.closeSync();
    const rows = await loadMembers(path);
    expect(rows).toEqual([
      {
        id: "m1",
        country: "DE",
        birthDay: 7305,
        displayName: "Anna",
        createdAt: 1577836800000000,
        deletedAt: null,
      },
    ]);
  });

  it("fails on a member row with a bad birth date, naming file and line", async () => {
    const path = file(
      "bad-m.jsonl",
      jsonl([members[0], { ...members[1], birth_date: "1990-02-30" }]),
    );
    const e = await failure(loadMembers(path));
    expect(e.code).toBe("TG_E_BAD_INPUT");
    expect(e.message).toBe(
      `${path}:2: bad member row: birth_date must be a date YYYY-MM-DD or null`,
    );
  });

  it("fails on duplicate member ids", async () => {
    const path = file("dup-m.jsonl", jsonl([members[0], members[0]]));
    const e = await failure(loadMembers(path));
    expect(e.code).toBe("TG_E_DUPLICATE_ID");
    expect(e.message).toBe(`${path}:2: duplicate member id "m1" (first at line 1)`);
  });

  it.each([
    [
      {
        member_id: "m1",
        purpose: "genai_training",
        choice: "maybe",
        at: "2024-01-01T00:00:00Z",
        source: "api",
      },
      "choice must be allow or deny",
    ],
    [
      {
        member_id: "m1",
        purpose: "genai_training",
        choice: "deny",
        at: "2024-01-01",
        source: "api",
      },
      "at must be an RFC 3339 timestamp",
    ],
    [
      {
        member_id: "m1",
        purpose: "genai_training",
        choice: "deny",
        at: "2024-01-01T00:00:00Z",
        source: "email",
      },
      "source must be one of settings, api, gpc, import, admin",
    ],
    [
      { purpose: "genai_training", choice: "deny", at: "2024-01-01T00:00:00Z", source: "api" },
      "member_id is required",
    ],
  ])("fails closed on a bad consent event: %j", async (row, message) => {
    const ok = {
      member_id: "m1",
      purpose: "genai_training",
      choice: "deny",
      at: "2024-01-01T00:00:00Z",
      source: "api",
    };
    const path = file("bad-c.jsonl", jsonl([ok, ok, row]));
    const e = await failure(loadConsent(path));
    expect(e.message).toBe(`${path}:3: bad consent event: ${message}`);
  });

  it("fails closed on a consent line that is not JSON", async () => {
    const path = file("bad-c2.jsonl", '{"member_id":"m1"\n');
    expect((await failure(loadConsent(path))).message).toMatch(
      new RegExp(`^${path}:1: bad consent event: not valid JSON`),
    );
  });

  it("reads a GPC event as a deny whatever its choice says", async () => {
    const path = file(
      "gpc.jsonl",
      jsonl([
        {
          member_id: "m1",
          purpose: "genai_training",
          choice: "allow",
          at: "2024-01-01T00:00:00Z",
          source: "gpc",
        },
      ]),
    );
    expect((await loadConsent(path))[0]?.choice).toBe("deny");
  });

  it("turns bad item rows into malformed items, counted, unless strict", async () => {
    const path = file(
      "items.jsonl",
      [
        JSON.stringify({
          id: "i1",
          author_id: "m1",
          kind: "post",
          visibility: "public",
          created_at: "2024-01-01T00:00:00Z",
          text: "hi",
        }),
        "{not json",
        JSON.stringify({ id: "i3", author_id: "m1", kind: "post", created_at: "yesterday" }),
        JSON.stringify({ id: "i4", kind: "post", created_at: "2024-01-01T00:00:00Z" }),
      ].join("\n"),
    );
    const items = await loadItems(path);
    expect(items.map(isMalformed)).toEqual([false, true, true, true]);
    expect((await failure(loadItems(path, true))).message).toMatch(
      new RegExp(`^${path}:2: bad item row: not valid JSON`),
    );
  });

  it("fails on duplicate item ids", async () => {
    const row = { id: "i1", author_id: "m1", kind: "post", created_at: "2024-01-01T00:00:00Z" };
    const path = file("dup-i.jsonl", jsonl([row, row]));
    expect((await failure(loadItems(path))).code).toBe("TG_E_DUPLICATE_ID");
  });

  it("names a missing file and an unknown extension", async () => {
    expect((await failure(loadMembers(join(dir, "nope.jsonl")))).code).toBe("TG_E_NOT_FOUND");
    expect((await failure(loadMembers(file("m.txt", "")))).message).toContain("unknown file type");
  });

  it("hashes every input for the manifest", async () => {
    const m = file("ok-m.jsonl", jsonl(members));
    const i = file(
      "ok-i.jsonl",
      jsonl([{ id: "i1", author_id: "m1", kind: "post", created_at: "2024-01-01T00:00:00Z" }]),
    );
    const loaded = await loadExport({ members: m, items: i });
    expect(loaded.inputs.map((x) => [x.table, x.rows, x.sha256.length])).toEqual([
      ["members", 2, 64],
      ["items", 1, 64],
    ]);
  });
});
