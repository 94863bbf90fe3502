/**
 * The demo generator: byte-for-byte determinism, exports the readers accept without a bad
 * row, and a population that actually exercises the contract (every region group, minors,
 * unknowns, the opt-out wave, GPC, ties), in both formats.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadPreset } from "../../src/config/load-policy.js";
import { generateExport } from "../../src/demo/generate-export.js";
import { ITEM_CHUNK } from "../../src/demo/item-renderer.js";
import { loadExport } from "../../src/export/load-export.js";
import type { ConsentEvent, Reason } from "../../src/policy/domain.js";
import { decideItem, isMalformed } from "../../src/policy/evaluate/decide-item.js";
import { civilFromDays, parseTimestamp } from "../../src/policy/time.js";

const AS_OF = parseTimestamp("2025-06-30T00:00:00Z")!;
const NOTICE = parseTimestamp("2024-09-18T00:00:00Z")!;
let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "tg-demo-gen-"));
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

function bytes(dir: string): string[] {
  return ["members.jsonl", "items.jsonl", "consent_events.jsonl"].map((f) =>
    readFileSync(join(dir, f), "latin1"),
  );
}

describe("demo generate", () => {
  it("writes byte-identical files for the same seed and different files for another", async () => {
    const base = { members: 400, items: 4000, asOf: AS_OF } as const;
    await generateExport({ ...base, seed: "alpha", out: join(root, "a1") });
    await generateExport({ ...base, seed: "alpha", out: join(root, "a2") });
    await generateExport({ ...base, seed: "beta", out: join(root, "b") });
    const [a1, a2, b] = [bytes(join(root, "a1")), bytes(join(root, "a2")), bytes(join(root, "b"))];
    expect(a1[0]!.length).toBeGreaterThan(10_000);
    expect(a2).toEqual(a1);
    for (let i = 0; i < 3; i++) expect(b[i]).not.toEqual(a1[i]);
  });

  it("writes the same bytes on worker threads as on one thread", async () => {
    // Five chunks of items: enough for the worker threads to be used.
    const base = { members: 2000, items: 4 * ITEM_CHUNK + 123, seed: "threads", asOf: AS_OF };
    const one = await generateExport({ ...base, out: join(root, "t1"), threads: 1 });
    const two = await generateExport({ ...base, out: join(root, "t2"), threads: 2 });
    expect(one.counts.items).toBe(4 * ITEM_CHUNK + 123);
    expect(two.counts).toEqual(one.counts);
    expect(bytes(join(root, "t2"))).toEqual(bytes(join(root, "t1")));
  }, 300_000);

  it("gives an export the readers accept with no bad row, covering the contract's cases", async () => {
    const out = join(root, "clean");
    const r = await generateExport({ members: 3000, items: 30000, seed: "s", asOf: AS_OF, out });
    expect(r.counts).toMatchObject({ members: 3000, items: 30000 });
    const data = await loadExport({
      members: r.files.members,
      items: r.files.items,
      consent: r.files.consent,
    });
    expect(data.members).toHaveLength(3000);
    expect(data.items).toHaveLength(30000);
    expect(data.events).toHaveLength(r.counts.consent);
    expect(data.items.filter(isMalformed)).toEqual([]);
    for (const line of readFileSync(r.files.items, "utf8").trimEnd().split("\n")) JSON.parse(line);

    const countries = new Set(data.members.map((m) => m.country));
    for (const c of ["DE", "FR", "NO", "CH", "GB", "UK", "US", "IN", "BR", "JP", "NG", null, "XX"])
      expect(countries).toContain(c);
    expect(data.members.some((m) => m.birthDay === null)).toBe(true);
    expect(data.members.some((m) => m.deletedAt !== null)).toBe(true);
    const feb29 = data.members.filter((m) => {
      if (m.birthDay === null) return false;
      const d = civilFromDays(m.birthDay);
      return d.month === 2 && d.day === 29;
    });
    expect(feb29.length).toBeGreaterThan(0);
    expect(new Set(data.items.map((i) => i.kind))).toEqual(
      new Set(["post", "comment", "article", "message", "profile"]),
    );
    expect(new Set(data.items.map((i) => i.lang))).toEqual(
      new Set(["en", "de", "fr", "es", "pt", "ja", null]),
    );
    for (const item of data.items) {
      expect(item.createdAt!).toBeLessThanOrEqual(AS_OF);
    }
    // PII a build must redact is there.
    const texts = data.items.map((i) => i.text ?? "").join("\n");
    expect(texts).toMatch(/[a-z._]+@[a-z.-]+\.[a-z]{2,}/);
    expect(texts).toMatch(/\+49 \d/);
    expect(texts).toMatch(/https:\/\//);
    expect(texts).toMatch(/@[a-z]+/);
    expect(texts).toMatch(/DE89 3704 0044 0532 0130 00|GB82 WEST/);

    // Consent: the wave right after the notice, GPC denies, imports, ties.
    const genai = data.events.filter((e) => e.purpose === "genai_training");
    const wave = genai.filter(
      (e) => e.choice === "deny" && e.at >= NOTICE && e.at < NOTICE + 14 * 86_400_000_000,
    );
    const before = genai.filter(
      (e) => e.choice === "deny" && e.at < NOTICE && e.at >= NOTICE - 14 * 86_400_000_000,
    );
    expect(wave.length).toBeGreaterThan(10 * Math.max(1, before.length));
    expect(data.events.some((e) => e.source === "gpc" && e.choice === "deny")).toBe(true);
    expect(data.events.some((e) => e.source === "import")).toBe(true);
    expect(data.events.some((e) => e.source === "api")).toBe(true);
    const key = (e: ConsentEvent) => `${e.memberId} ${e.purpose} ${e.at}`;
    const choicesAt = new Map<string, Set<string>>();
    for (const e of genai)
      choicesAt.set(key(e), (choicesAt.get(key(e)) ?? new Set()).add(e.choice));
    expect([...choicesAt.values()].some((s) => s.size === 2)).toBe(true);

    // Under the recommended preset the population hits most reasons and still includes some.
    const policy = loadPreset("recommended");
    const members = new Map(data.members.map((m) => [m.id, m]));
    const eventsOf = new Map<string, ConsentEvent[]>();
    for (const e of data.events) eventsOf.set(e.memberId, [...(eventsOf.get(e.memberId) ?? []), e]);
    const reasons = new Map<Reason | "included", number>();
    for (const item of data.items) {
      const d = decideItem({
        item,
        member: members.get(item.authorId!),
        events: eventsOf.get(item.authorId!) ?? [],
        policy,
        purpose: "genai_training",
        asOf: AS_OF,
      });
      const k = d.reason ?? "included";
      reasons.set(k, (reasons.get(k) ?? 0) + 1);
    }
    for (const r of [
      "included",
      "deleted",
      "content_class",
      "unknown_region",
      "unknown_age",
      "minor",
      "opted_out",
      "no_consent",
      "before_notice",
    ] as const)
      expect(reasons.get(r) ?? 0, r).toBeGreaterThan(0);
    expect(reasons.get("malformed") ?? 0).toBe(0);
    expect(reasons.get("unknown_kind") ?? 0).toBe(0);
    expect(reasons.get("unknown_member") ?? 0).toBe(0);
  });

  it("adds unknown kinds, unknown authors and malformed rows only with dirty", async () => {
    const out = join(root, "dirty");
    const r = await generateExport({
      members: 500,
      items: 20000,
      seed: "d",
      asOf: AS_OF,
      out,
      dirty: true,
    });
    const data = await loadExport({
      members: r.files.members,
      items: r.files.items,
      consent: r.files.consent,
    });
    expect(data.items).toHaveLength(20000);
    expect(data.items.filter(isMalformed).length).toBeGreaterThan(0);
    expect(data.items.some((i) => i.parseError?.startsWith("not valid JSON"))).toBe(true);
    expect(
      data.items.some(
        (i) =>
          i.kind === "story" || i.kind === "poll" || i.kind === "event" || i.kind === "reaction",
      ),
    ).toBe(true);
    const ids = new Set(data.members.map((m) => m.id));
    expect(data.items.some((i) => i.authorId !== null && !ids.has(i.authorId))).toBe(true);
  });

  it("writes Parquet with the same rows as JSON Lines", async () => {
    const base = { members: 200, items: 1500, seed: "p", asOf: AS_OF } as const;
    const j = await generateExport({ ...base, out: join(root, "pj") });
    const p = await generateExport({ ...base, out: join(root, "pp"), format: "parquet" });
    expect(p.files.items.endsWith("items.parquet")).toBe(true);
    const a = await loadExport({
      members: j.files.members,
      items: j.files.items,
      consent: j.files.consent,
    });
    const b = await loadExport({
      members: p.files.members,
      items: p.files.items,
      consent: p.files.consent,
    });
    expect(b.members).toEqual(a.members);
    expect(b.items).toEqual(a.items);
    expect(b.events).toEqual(a.events);
  });
});
