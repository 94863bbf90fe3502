/**
 * `traingate build` registers its run: members by consent state and region, bitmaps, the
 * OpenLineage event; then verify, prove, model register and obligations work on that run.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openLineage } from "../../src/lineage/open-lineage.js";
import { type CliResult, runCli } from "../support/run-cli.js";

let dir: string;
let out: CliResult;

async function run(...argv: string[]): Promise<number> {
  out = await runCli(argv);
  return out.code;
}

const lines = (rows: object[]) => rows.map((r) => `${JSON.stringify(r)}\n`).join("");
/** `traingate build` over the test export, without --out. */
const buildArgs = () => [
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
  "--consent",
  join(dir, "consent.jsonl"),
  "--quiet",
];
const where = () => ["--data-dir", dir, "--database", `sqlite:${join(dir, "ledger.sqlite")}`];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "tg-build-lineage-"));
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
    lines([member("m1", "US"), member("m2", "DE"), member("m3", "US"), member("m4", "US")]),
  );
  const item = (id: string, author: string) => ({
    id,
    author_id: author,
    kind: "post",
    visibility: "public",
    created_at: "2024-10-01T00:00:00Z",
    deleted_at: null,
    text: "hello world",
    lang: "en",
  });
  writeFileSync(
    join(dir, "items.jsonl"),
    lines([
      item("i1", "m1"),
      item("i2", "m2"),
      item("i3", "m3"),
      item("i4", "m4"),
      item("i5", "m3"),
    ]),
  );
  const ev = (m: string, choice: string) => ({
    member_id: m,
    purpose: "genai_training",
    choice,
    at: "2024-11-01T00:00:00Z",
    source: "settings",
  });
  writeFileSync(
    join(dir, "consent.jsonl"),
    lines([ev("m1", "allow"), ev("m2", "allow"), ev("m4", "deny")]),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Builds start DuckDB and redaction workers: slow on a busy machine.
const BUILD_TIMEOUT = 240_000;

describe("traingate build and lineage", () => {
  it(
    "registers the run with its members, emits OpenLineage, and the run can be proven",
    async () => {
      const events = join(dir, "openlineage.jsonl");
      const code = await run(
        ...buildArgs(),
        "--out",
        join(dir, "out"),
        "--openlineage-file",
        events,
        ...where(),
      );
      expect(out.stderr).toBe("");
      expect(code).toBe(0);
      const manifest = JSON.parse(readFileSync(join(dir, "out", "manifest.json"), "utf8"));
      expect(manifest.counts).toMatchObject({ input: 5, included: 4 });

      const open = await openLineage({
        dataDir: dir,
        database: `sqlite:${join(dir, "ledger.sqlite")}`,
      });
      try {
        const r = await open.lineage.getRun(manifest.run_id);
        expect(r).toMatchObject({
          members: 3,
          items: 4,
          memberConsent: { allow: 2, none: 1 },
          merkleRoot: manifest.merkle_root,
        });
        expect(r.regions).toEqual({
          EEA: { members: 1, included: 1 },
          REST: { members: 3, included: 2 },
        });
        expect((await open.lineage.runsContainingMember("m3")).map((x) => x.runId)).toEqual([
          manifest.run_id,
        ]);
        expect(await open.lineage.runsContainingMember("m4")).toEqual([]);
      } finally {
        await open.close();
      }
      const event = JSON.parse(readFileSync(events, "utf8").trim());
      expect(event).toMatchObject({
        eventType: "COMPLETE",
        run: { facets: { traingate: { merkleRoot: manifest.merkle_root } } },
      });

      expect(await run("verify", join(dir, "out"))).toBe(0);
      expect(await run("prove", "--run", manifest.run_id, "--item", "i4", ...where())).toBe(0);
      writeFileSync(join(dir, "proof.json"), out.stdout);
      expect(
        await run(
          "verify-proof",
          join(dir, "proof.json"),
          "--manifest",
          join(dir, "out", "manifest.json"),
        ),
      ).toBe(0);
      expect(out.stdout).toContain('"i4" is not in the dataset');

      expect(
        await run("model", "register", "--run", manifest.run_id, "--name", "assistant", ...where()),
      ).toBe(0);
      expect(JSON.parse(out.stdout)).toMatchObject({ modelId: "assistant@1" });
    },
    BUILD_TIMEOUT,
  );

  it("opens an obligation when a member of the run opts out in the ledger", async () => {
    const open = await openLineage({
      dataDir: dir,
      database: `sqlite:${join(dir, "ledger.sqlite")}`,
    });
    await open.ledger.appendEvents(
      [
        {
          memberId: "m3",
          purpose: "genai_training",
          choice: "deny",
          at: Date.parse("2025-02-01T00:00:00Z") * 1000,
          source: "gpc",
        },
      ],
      { actor: "test", requestId: null },
    );
    await open.close();
    expect(await run("obligations", "list", "--json", ...where())).toBe(0);
    const list = JSON.parse(out.stdout);
    expect(list).toMatchObject([{ memberId: "m3", purpose: "genai_training", status: "open" }]);
    expect(
      await run(
        "obligations",
        "resolve",
        String(list[0].id),
        "--status",
        "unlearned",
        "--reason",
        "unlearning job 17",
        ...where(),
      ),
    ).toBe(0);
    expect(await run("obligations", "list", "--status", "open", ...where())).toBe(0);
    expect(out.stdout).toBe("no obligations\n");
    expect(await run("obligations", "recompute", ...where())).toBe(0);
    expect(out.stdout).toBe("1 expected, 0 missing, 0 extra\n");
    // A whole run at once: the one obligation is closed already, so nothing changes.
    const runArgs = ["--status", "retrained", "--reason", "model v2", ...where()];
    expect(await run("obligations", "resolve", ...runArgs)).toBe(2);
    expect(out.stderr).toContain("give either an obligation id or --run RUN_ID");
    expect(await run("obligations", "resolve", "--run", list[0].runId, ...runArgs)).toBe(0);
    expect(out.stdout).toBe(`0 open obligations of run ${list[0].runId} now retrained\n`);
    expect(await run("obligations", "resolve", "--run", "no-such-run", ...runArgs)).toBe(2);
  });

  it(
    "verifies and proves a Parquet dataset",
    async () => {
      const built = await run(
        ...buildArgs(),
        "--format",
        "parquet",
        "--out",
        join(dir, "pq"),
        "--no-lineage",
      );
      expect(built, out.stderr).toBe(0);
      const verified = await run("verify", join(dir, "pq"));
      expect(verified, out.stderr).toBe(0);
      expect(out.stdout).toMatch(/dataset\.parquet\n {2}rows 4,/);
      expect(await run("prove", "--dataset", join(dir, "pq"), "--item", "i3")).toBe(0);
      writeFileSync(join(dir, "pq-proof.json"), out.stdout);
      expect(
        await run(
          "verify-proof",
          join(dir, "pq-proof.json"),
          "--manifest",
          join(dir, "pq", "manifest.json"),
        ),
      ).toBe(0);
      expect(out.stdout).toContain('"i3" is in the dataset');
    },
    BUILD_TIMEOUT,
  );

  it(
    "builds without lineage when asked, and warns without failing when it cannot register",
    async () => {
      const args = buildArgs();
      expect(await run(...args, "--out", join(dir, "out2"), "--no-lineage", ...where())).toBe(0);
      expect(out.stderr).toBe("");
      expect(
        await run(
          ...args,
          "--out",
          join(dir, "out3"),
          "--openlineage-url",
          "http://127.0.0.1:1/lineage",
          ...where(),
        ),
      ).toBe(0);
      expect(out.stderr).toMatch(
        /warning: .* was built but not recorded in lineage: OpenLineage endpoint .* unreachable/,
      );
    },
    BUILD_TIMEOUT,
  );
});
