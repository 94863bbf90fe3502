import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OpenLineage, openLineage } from "../../src/lineage/open-lineage.js";
import { reportHtml, reportMarkdown } from "../../src/lineage/render-report.js";
import { transparencyReport } from "../../src/lineage/transparency-report.js";
import { runCli } from "../support/run-cli.js";
import { manifestFor, steppingClock } from "./lineage-fixtures.js";
import { memberConsentCounts, regionMembers } from "./run-members-reference.js";

const T = (iso: string) => Date.parse(iso) * 1000;
const ctx = { actor: "test", requestId: null };
let dir: string;
let open: OpenLineage;
const where = () => ({ dataDir: dir, database: `sqlite:${join(dir, "ledger.sqlite")}` });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "tg-report-"));
  open = await openLineage(where(), steppingClock(T("2025-06-01T00:00:00Z")));
  const { lineage, ledger } = open;
  await ledger.upsertMembers([
    { id: "a", country: "US" },
    { id: "b", country: "DE" },
    { id: "c", country: "US" },
  ]);
  await ledger.appendEvents(
    [
      {
        memberId: "a",
        purpose: "genai_training",
        choice: "allow",
        at: T("2024-12-01T00:00:00Z"),
        source: "settings",
      },
      {
        memberId: "c",
        purpose: "genai_training",
        choice: "deny",
        at: T("2025-03-01T00:00:00Z"),
        source: "settings",
      },
    ],
    ctx,
  );
  const members = [
    { id: "a", country: "US", birthDay: null, displayName: null, createdAt: null, deletedAt: null },
    { id: "b", country: "DE", birthDay: null, displayName: null, createdAt: null, deletedAt: null },
    { id: "c", country: "US", birthDay: null, displayName: null, createdAt: null, deletedAt: null },
  ];
  // r1 (January): a by explicit allow, c defaulted in; b (EEA, opt-in) not used.
  const items1 = ["i1", "i2", "i3"];
  const authors1 = ["a", "c"];
  const events = [
    {
      memberId: "a",
      purpose: "genai_training",
      choice: "allow" as const,
      at: T("2024-12-01T00:00:00Z"),
      source: "settings" as const,
    },
  ];
  await lineage.registerRun({
    manifest: manifestFor("r1", items1, { asOf: "2025-01-01T00:00:00Z", input: 5 }),
    itemIds: items1,
    memberIds: ["a", "a", "c"],
    memberConsent: memberConsentCounts(
      authors1,
      events,
      "genai_training",
      T("2025-01-01T00:00:00Z"),
      true,
    ),
    regions: regionMembers(members, authors1),
  });
  // r2 (April): only a; c opted out in March.
  await lineage.registerRun({
    manifest: manifestFor("r2", ["i1"], { asOf: "2025-04-01T00:00:00Z", input: 5 }),
    itemIds: ["i1"],
    memberIds: ["a"],
    memberConsent: { allow: 1, none: 0 },
    regions: regionMembers(members, ["a"]),
  });
});
afterAll(async () => {
  await open.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("transparency report", () => {
  it("counts members and items used, exclusions, consent basis, opt-outs and obligations", async () => {
    const { lineage, ledger } = open;
    const { processObligations } = await import("../../src/lineage/obligation-feed.js");
    const { ledgerFeed } = await import("../../src/lineage/ledger-feed.js");
    await processObligations(lineage, ledgerFeed(ledger));
    const until = T("2025-07-01T00:00:00Z");
    const r = await transparencyReport(
      lineage,
      await ledger.optOutStats(until),
      { from: T("2025-01-01T00:00:00Z"), until },
      T("2025-07-02T00:00:00Z"),
    );
    expect(r.purposes).toHaveLength(1);
    const p = r.purposes[0]!;
    expect(p).toMatchObject({
      purpose: "genai_training",
      members_used: 2,
      items_used: 3,
      items_input: 10,
      items_included: 4,
      consent_basis: { explicit_allow: 2, defaulted_in: 1 },
      obligations: { opened: 1, closed: 0, open_now: 1 },
    });
    expect(p.excluded_by_reason.find((e) => e.reason === "opted_out")).toMatchObject({
      items: 6,
      share: 0.6,
    });
    expect(p.excluded_by_region).toEqual([
      { region: "EEA", members: 2, used: 0, share_excluded: 1 },
      { region: "REST", members: 4, used: 3, share_excluded: 0.25 },
    ]);
    expect(p.opt_out).toMatchObject({
      month: "2025-07",
      members_with_choice: 2,
      opted_out: 1,
      rate: 0.5,
    });
    // A period before every run has no sections.
    const none = await transparencyReport(lineage, [], { until: T("2024-01-01T00:00:00Z") }, 0);
    expect(none.purposes).toEqual([]);

    const md = reportMarkdown(r);
    expect(md).toContain("| member inclusions defaulted in (never chose) | 1 |");
    expect(md).toContain("| opted_out | 6 | 60.0% |");
    const html = reportHtml(r);
    expect(html).toMatch(/^<!doctype html>/);
    expect((html.match(/<svg /g) ?? []).length).toBe(4);
    // Self-contained: no scripts, no external references.
    expect(html).not.toMatch(/<script|<link|src=|href=|url\(/i);
  });

  it("is written by traingate report in each format", async () => {
    for (const format of ["json", "md", "html"]) {
      const file = join(dir, `report.${format}`);
      const r = await runCli([
        "report",
        "--format",
        format,
        "--out",
        file,
        "--from",
        "2025-01-01",
        "--data-dir",
        dir,
        "--database",
        where().database,
      ]);
      expect(r.code).toBe(0);
      expect(readFileSync(file, "utf8").length).toBeGreaterThan(100);
    }
    expect(
      JSON.parse(readFileSync(join(dir, "report.json"), "utf8")).purposes[0].members_used,
    ).toBe(2);
    expect(
      (await runCli(["report", "--format", "pdf", "--out", "x", "--data-dir", dir])).code,
    ).toBe(2);
    const bad = await runCli(["report", "--out", "x", "--from", "yesterday", "--data-dir", dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      '--from "yesterday" is neither an RFC 3339 timestamp nor a YYYY-MM-DD date',
    );
  });
});
