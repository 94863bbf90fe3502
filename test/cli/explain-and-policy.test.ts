import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "tg-cli-"));
const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join("\n") + "\n";
const members = join(dir, "members.jsonl");
const items = join(dir, "items.jsonl");
const consent = join(dir, "consent.jsonl");
writeFileSync(
  members,
  jsonl([
    {
      id: "de-1",
      country: "DE",
      birth_date: "1990-01-01",
      display_name: "Anna",
      created_at: "2020-01-01T00:00:00Z",
    },
    {
      id: "us-1",
      country: "US",
      birth_date: "1985-06-30",
      display_name: "Bob",
      created_at: "2020-01-01T00:00:00Z",
    },
    {
      id: "us-2",
      country: "US",
      birth_date: "1985-06-30",
      display_name: "Cy",
      created_at: "2020-01-01T00:00:00Z",
    },
  ]),
);
writeFileSync(
  items,
  jsonl([
    {
      id: "a",
      author_id: "de-1",
      kind: "post",
      visibility: "public",
      created_at: "2024-10-01T00:00:00Z",
      text: "x",
    },
    {
      id: "b",
      author_id: "us-1",
      kind: "post",
      visibility: "public",
      created_at: "2024-10-01T00:00:00Z",
      text: "y",
    },
    {
      id: "c",
      author_id: "us-2",
      kind: "post",
      visibility: "public",
      created_at: "2024-10-01T00:00:00Z",
      text: "z",
    },
    {
      id: "d",
      author_id: "us-1",
      kind: "comment",
      visibility: "public",
      created_at: "2024-01-01T00:00:00Z",
      text: "w",
    },
  ]),
);
writeFileSync(
  consent,
  jsonl([
    {
      member_id: "us-2",
      purpose: "genai_training",
      choice: "allow",
      at: "2024-11-01T00:00:00Z",
      source: "settings",
    },
    {
      member_id: "us-2",
      purpose: "genai_training",
      choice: "deny",
      at: "2024-12-01T00:00:00Z",
      source: "gpc",
    },
    {
      member_id: "us-2",
      purpose: "genai_training",
      choice: "allow",
      at: "2025-02-01T00:00:00Z",
      source: "settings",
    },
  ]),
);
const base = [
  "--preset",
  "recommended",
  "--as-of",
  "2025-01-01T00:00:00Z",
  "--members",
  members,
  "--items",
  items,
  "--consent",
  consent,
];

describe("traingate explain", () => {
  it("explains an exclusion with every reason, the regime and the deciding event", async () => {
    const r = await runCli(["explain", ...base, "--item", "c"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Item c by member us-2: EXCLUDED");
    expect(r.stdout).toContain("counted under: opted_out");
    expect(r.stdout).toContain("regime in force: opt_out via the policy's REST rule");
    expect(r.stdout).toMatch(/2024-12-01T00:00:00.000Z deny via gpc {2}<- decides/);
    expect(r.stdout).toContain(
      "2025-02-01T00:00:00.000Z allow via settings  (after as-of: not visible)",
    );
  });

  it("prints JSON with all reasons", async () => {
    const r = await runCli(["explain", ...base, "--item", "a", "--json"]);
    const d = JSON.parse(r.stdout);
    expect(d).toMatchObject({
      included: false,
      reason: "no_consent",
      reasons: ["no_consent"],
      regime: "opt_in",
      region_key: "EEA",
    });
  });

  it("says when the item does not exist, with exit code 2", async () => {
    const r = await runCli(["explain", ...base, "--item", "zzz"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`item "zzz" is not in ${items}`);
  });

  it("rejects a bad --as-of with exit code 2", async () => {
    const r = await runCli([
      "explain",
      "--preset",
      "recommended",
      "--as-of",
      "2025-01-01",
      "--members",
      members,
      "--items",
      items,
      "--item",
      "a",
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--as-of "2025-01-01" is not an RFC 3339 timestamp');
  });
});

describe("traingate policy", () => {
  it("check prints the hash of a valid file and rejects a bad one with its line", async () => {
    const good = join(dir, "good.yaml");
    writeFileSync(
      good,
      "name: good\nextends: recommended\npurposes:\n  genai_training:\n    minimum_age: 21\n",
    );
    const ok = await runCli(["policy", "check", good]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/ok — policy good, sha256 [0-9a-f]{64}/);
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "name: bad\npurposes:\n  genai_training:\n    minimum_age: -3\n");
    const no = await runCli(["policy", "check", bad]);
    expect(no.code).toBe(2);
    expect(no.stderr).toContain(`${bad}:4: at purposes.genai_training.minimum_age:`);
  });

  it("show lists presets and describes one in words", async () => {
    const list = await runCli(["policy", "show"]);
    expect(list.stdout.split("\n").filter(Boolean)).toHaveLength(5);
    const one = await runCli(["policy", "show", "meta-2024"]);
    expect(one.stdout).toContain("GB: excluded until 2024-09-13, then opt-out from 2024-09-13");
    expect(one.stdout).toContain("minimum age: 18");
  });

  it("diff says what differs and how many items change status and why", async () => {
    const r = await runCli([
      "policy",
      "diff",
      "recommended",
      "meta-2024",
      "--as-of",
      "2025-01-01T00:00:00Z",
      "--members",
      members,
      "--items",
      items,
      "--consent",
      consent,
      "--json",
    ]);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(d.rules).toContain("genai_training, EEA: recommended opt-in; meta-2024 excluded");
    // a: no_consent (DE) -> region_excluded: not a change. b: included both. d: before_notice under recommended, included under meta.
    expect(d.changes).toMatchObject({
      items: 4,
      includedA: 1,
      includedB: 2,
      gainedByReason: { before_notice: 1 },
      lostByReason: {},
    });
    expect(d.changes.byRegion).toEqual({ REST: [0, 1] });
  });
});
