/**
 * The dataset's JSON Lines built in SQL (src/build/jsonl-line.ts) are byte for byte what
 * DuckDB's `COPY … (FORMAT json)` wrote before, on strings chosen to break a hand-built line:
 * quotes, backslashes, the CSV delimiter as a raw byte and as the text `\x01`, commas, line
 * breaks of every kind, other control characters, U+2028, emoji, NULLs, empty strings.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JSONL_COPY_OPTIONS, jsonLineExpr } from "../../src/build/jsonl-line.js";

const HOSTILE = [
  'say "hi"',
  "back\\slash \\x01 and \\u0001",
  "raw \u0001 delimiter, commas, ;semicolons|pipes",
  "line\nbreak\r\nand\rreturn",
  "tab\tnul-free \u0007 bell \u001f unit sep \u007f del",
  "separators \u2028 \u2029 and \u0085",
  "emoji 🙂‍↕️ and 𝄞, accents é ß ø, CJK 漢字",
  "",
  "'single' quotes",
  '{"already":"json"}',
];

describe("JSON Lines built in SQL", () => {
  let db: DuckDBInstance;
  let dir: string;
  beforeAll(async () => {
    db = await DuckDBInstance.create(":memory:");
    dir = mkdtempSync(join(tmpdir(), "tg-jsonl-"));
  });
  afterAll(() => {
    db.closeSync();
    rmSync(dir, { recursive: true, force: true });
  });

  async function both(rows: readonly (readonly [string, string | null, string | null])[]) {
    const conn = await db.connect();
    try {
      await conn.run(
        "CREATE OR REPLACE TABLE t (n INTEGER, id VARCHAR, lang VARCHAR, text VARCHAR)",
      );
      const app = await conn.createAppender("t");
      rows.forEach(([id, lang, text], n) => {
        app.appendInteger(n);
        app.appendVarchar(id);
        if (lang === null) app.appendNull();
        else app.appendVarchar(lang);
        if (text === null) app.appendNull();
        else app.appendVarchar(text);
        app.endRow();
      });
      app.closeSync();
      const a = join(dir, "a.jsonl");
      const b = join(dir, "b.jsonl");
      await conn.run(
        `COPY (SELECT id, 'ab12' AS author, lang, text FROM t ORDER BY n) TO '${a}' (FORMAT json)`,
      );
      const line = jsonLineExpr([
        { key: "id", expr: "id", as: "string" },
        { key: "author", expr: "'ab12'", as: "plain" },
        { key: "lang", expr: "lang", as: "string" },
        { key: "text", expr: "text", as: "string" },
      ]);
      await conn.run(`COPY (SELECT ${line} FROM t ORDER BY n) TO '${b}' (${JSONL_COPY_OPTIONS})`);
      return { json: readFileSync(a), ours: readFileSync(b) };
    } finally {
      conn.closeSync();
    }
  }

  it("writes the bytes of FORMAT json on hostile strings", async () => {
    const rows = HOSTILE.map(
      (s, i) => [`id-${s}`, i % 3 === 0 ? null : s, i % 4 === 1 ? null : s] as const,
    );
    const { json, ours } = await both(rows);
    expect(ours.toString("utf8")).toBe(json.toString("utf8"));
    expect(ours.equals(json)).toBe(true);
    const parsed = ours
      .toString("utf8")
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as { id: string; text: string | null });
    expect(parsed.map((p) => p.text)).toEqual(rows.map((r) => r[2]));
  });

  it("writes the bytes of FORMAT json on random strings", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            fc.string({ unit: "binary" }),
            fc.option(fc.string()),
            fc.option(fc.string({ unit: "grapheme" })),
          ),
          {
            minLength: 1,
            maxLength: 40,
          },
        ),
        async (rows) => {
          const { json, ours } = await both(rows);
          expect(ours.equals(json)).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });
});
