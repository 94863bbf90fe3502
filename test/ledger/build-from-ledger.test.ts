/**
 * End to end: a build without --consent reads the ledger and decides exactly as the same
 * events given as a file; after an erasure, the erased member's items are excluded.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/main.js";

let dir: string;
const jsonl = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join("\n");

async function run(...argv: string[]): Promise<number> {
  const o = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  const e = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  try {
    return await main(argv);
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

function manifest(out: string): {
  counts: { included: number; excluded: Record<string, number> };
  merkle_root: string;
} {
  return JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "tg-ledger-build-"));
  const member = (id: string, country: string) => ({
    id,
    country,
    birth_date: "1980-01-01",
    display_name: null,
    created_at: "2020-01-01T00:00:00Z",
    deleted_at: null,
  });
  writeFileSync(
    join(dir, "members.jsonl"),
    jsonl([member("m1", "US"), member("m2", "US"), member("m3", "FR"), member("m4", "US")]),
  );
  writeFileSync(
    join(dir, "items.jsonl"),
    jsonl(
      ["m1", "m2", "m3", "m4"].flatMap((a, i) =>
        [0, 1].map((k) => ({
          id: `i${i}${k}`,
          author_id: a,
          kind: "post",
          visibility: "public",
          created_at: "2024-10-01T00:00:00Z",
          deleted_at: null,
          text: `hello ${k}`,
          lang: "en",
        })),
      ),
    ),
  );
  writeFileSync(
    join(dir, "consent.jsonl"),
    jsonl([
      {
        member_id: "m1",
        purpose: "genai_training",
        choice: "deny",
        at: "2024-10-02T00:00:00Z",
        source: "settings",
      },
      {
        member_id: "m3",
        purpose: "genai_training",
        choice: "allow",
        at: "2024-10-02T00:00:00Z",
        source: "settings",
      },
      {
        member_id: "m4",
        purpose: "genai_training",
        choice: "allow",
        at: "2024-10-03T00:00:00Z",
        source: "api",
      },
      {
        member_id: "m4",
        purpose: "genai_training",
        choice: "deny",
        at: "2024-10-03T00:00:00Z",
        source: "gpc",
      },
    ]),
  );
  writeFileSync(join(dir, "key"), "k".repeat(40));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("build from the ledger", () => {
  it("decides like the same events given with --consent, and honours an erasure", async () => {
    const data = join(dir, "data");
    const common = [
      "build",
      "--preset",
      "recommended",
      "--purpose",
      "genai_training",
      "--as-of",
      "2025-01-01T00:00:00Z",
      "--members",
      join(dir, "members.jsonl"),
      "--items",
      join(dir, "items.jsonl"),
      "--pseudonym-key-file",
      join(dir, "key"),
      "--data-dir",
      data,
      "--quiet",
    ];
    expect(
      await run(...common, "--consent", join(dir, "consent.jsonl"), "--out", join(dir, "a")),
    ).toBe(0);
    expect(await run("ledger", "import", join(dir, "consent.jsonl"), "--data-dir", data)).toBe(0);
    expect(await run(...common, "--out", join(dir, "b"))).toBe(0);
    const a = manifest(join(dir, "a"));
    const b = manifest(join(dir, "b"));
    expect(b.counts).toEqual(a.counts);
    expect(b.merkle_root).toBe(a.merkle_root);
    expect(readFileSync(join(dir, "b", "dataset.jsonl"))).toEqual(
      readFileSync(join(dir, "a", "dataset.jsonl")),
    );
    expect(a.counts.included).toBe(4);
    expect(a.counts.excluded["opted_out"]).toBe(4);

    expect(
      await run("ledger", "erase", "--member", "m2", "--reason", "DSR 1", "--data-dir", data),
    ).toBe(0);
    expect(await run(...common, "--out", join(dir, "c"))).toBe(0);
    const c = manifest(join(dir, "c"));
    expect(c.counts.included).toBe(2);
    expect(c.counts.excluded["opted_out"]).toBe(6);
  }, 120_000);
});
