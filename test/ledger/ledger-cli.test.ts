/** The ledger's CLI commands, run in-process through `main` on a temporary data directory. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import Database from "better-sqlite3";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { consentFromLedger } from "../../src/cli/consent-from-ledger.js";
import { main } from "../../src/cli/main.js";

let dir: string;
let dataDir: string;

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const o = vi.spyOn(process.stdout, "write").mockImplementation((c) => {
    stdout += String(c);
    return true;
  });
  const e = vi.spyOn(process.stderr, "write").mockImplementation((c) => {
    stderr += String(c);
    return true;
  });
  try {
    const code = await main(argv);
    return { code, stdout, stderr };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "tg-ledger-cli-"));
  dataDir = join(dir, "data");
  writeFileSync(
    join(dir, "consent.jsonl"),
    [
      {
        member_id: "m1",
        purpose: "genai_training",
        choice: "allow",
        at: "2024-01-01T00:00:00Z",
        source: "settings",
      },
      {
        member_id: "m1",
        purpose: "genai_training",
        choice: "deny",
        at: "2024-06-01T00:00:00Z",
        source: "gpc",
      },
      {
        member_id: "m2",
        purpose: "genai_training",
        choice: "allow",
        at: "2024-03-01T00:00:00+02:00",
        source: "api",
      },
    ]
      .map((r) => JSON.stringify(r))
      .join("\n"),
  );
  writeFileSync(
    join(dir, "bad.csv"),
    "member_id,purpose,choice,at,source\nm3,genai_training,deny,2024-01-01T00:00:00Z,settings\nm4,genai_training,maybe,2024-01-01T00:00:00Z,settings\n",
  );
  writeFileSync(
    join(dir, "members.csv"),
    "id,country,birth_date,display_name,created_at,deleted_at\nm1,DE,,,2020-01-01T00:00:00Z,\nm2,US,,,2020-01-01T00:00:00Z,\n",
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

describe("traingate ledger / audit", () => {
  it("refuses to read consent from a ledger that does not exist yet", async () => {
    await expect(consentFromLedger({ dataDir: join(dir, "empty") })).rejects.toMatchObject({
      code: "TG_E_NO_LEDGER",
      message: expect.stringContaining("--consent"),
    });
    const r = await run("ledger", "status", "--data-dir", join(dir, "empty"));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("TG_E_NO_LEDGER");
  });

  it("refuses a missing or unknown input file without creating a ledger", async () => {
    const where = join(dir, "untouched");
    const missing = await run("ledger", "import", join(dir, "nope.jsonl"), "--data-dir", where);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("TG_E_NOT_FOUND");
    const unknown = await run("ledger", "import", join(dir, "consent.txt"), "--data-dir", where);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown file type");
    expect((await run("ledger", "status", "--data-dir", where)).code).toBe(2);
  });

  it("fails a file with a bad row naming file and line, importing nothing", async () => {
    const r = await run("ledger", "import", join(dir, "bad.csv"), "--data-dir", dataDir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(dir, "bad.csv")}:3`);
    expect(await consentFromLedger({ dataDir })).toEqual([]);
  });

  it("imports a file once: the second import adds nothing", async () => {
    const file = join(dir, "consent.jsonl");
    const first = await run(
      "ledger",
      "import",
      file,
      "--members",
      join(dir, "members.csv"),
      "--data-dir",
      dataDir,
      "--json",
    );
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ rows: 3, inserted: 3, members: 2 });
    const second = await run("ledger", "import", file, "--data-dir", dataDir, "--json");
    expect(JSON.parse(second.stdout)).toMatchObject({ rows: 3, inserted: 0, duplicates: 3 });
    const events = await consentFromLedger({ dataDir });
    expect(events).toHaveLength(3);
    expect(events[2]).toEqual({
      memberId: "m2",
      purpose: "genai_training",
      choice: "allow",
      at: Date.UTC(2024, 1, 29, 22) * 1000,
      source: "api",
    });
    const status = await run("ledger", "status", "--data-dir", dataDir, "--json");
    expect(JSON.parse(status.stdout)).toMatchObject({ backend: "sqlite", events: 3, members: 2 });
  });

  it("imports Parquet too, and the same events from another format add nothing", async () => {
    const path = join(dir, "consent.parquet");
    const db = await DuckDBInstance.create(":memory:");
    const con = await db.connect();
    await con.run(
      `COPY (SELECT * FROM (VALUES
          ('m1', 'genai_training', 'deny', TIMESTAMPTZ '2024-06-01 00:00:00+00', 'gpc'),
          ('m5', 'ads_targeting', 'deny', TIMESTAMPTZ '2024-07-01 12:30:00+00', 'settings'))
        AS t(member_id, purpose, choice, "at", source))
       TO '${path}' (FORMAT parquet)`,
    );
    con.closeSync();
    const r = await run("ledger", "import", path, "--data-dir", dataDir, "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ rows: 2, inserted: 1, duplicates: 1 });
    expect(await consentFromLedger({ dataDir })).toContainEqual({
      memberId: "m5",
      purpose: "ads_targeting",
      choice: "deny",
      at: Date.UTC(2024, 6, 1, 12, 30) * 1000,
      source: "settings",
    });
  });

  it("erases a member so that builds deny them at every as-of, and audits it", async () => {
    expect((await run("ledger", "erase", "--member", "m2", "--data-dir", dataDir)).code).toBe(2);
    const r = await run(
      "ledger",
      "erase",
      "--member",
      "m2",
      "--reason",
      "ticket 7",
      "--data-dir",
      dataDir,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("erased member m2");
    const events = await consentFromLedger({ dataDir });
    const m2 = events.filter((e) => e.memberId === "m2");
    expect(m2.length).toBeGreaterThanOrEqual(3);
    expect(m2.every((e) => e.choice === "deny" && e.at === 0)).toBe(true);
    expect(events.filter((e) => e.memberId === "m1")).toHaveLength(2);
    expect(events.filter((e) => e.memberId === "m5")).toHaveLength(1);
  });

  it("verifies the audit log, and exits 1 naming the first edited entry", async () => {
    const ok = await run("audit", "verify", "--data-dir", dataDir);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/audit log intact: \d+ entries/);
    const db = new Database(join(dataDir, "ledger.sqlite"));
    db.exec("drop trigger ledger_audit_no_update");
    db.exec("update ledger_audit set subject = 'tampered' where seq = 2");
    db.close();
    const bad = await run("audit", "verify", "--data-dir", dataDir);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("audit log broken at entry 2");
  });
});
