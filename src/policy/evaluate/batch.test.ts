import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  instantArb,
  populationArb,
  type TestPopulation,
} from "../../../test/fixtures/population.js";
import { loadPolicyText, loadPreset, presetNames } from "../../config/load-policy.js";
import { REASONS } from "../domain.js";
import type { Policy } from "../model.js";
import { consentColumns, evaluateBatch, reasonOfCode, toColumns } from "./batch.js";
import { decideItem } from "./decide-item.js";

const policies: Policy[] = [
  ...presetNames().map(loadPreset),
  loadPolicyText(
    [
      "name: odd-one",
      "purposes:",
      "  genai_training:",
      "    regions:",
      "      DE: [{regime: opt_out, until: 2024-09-18T00:00:00Z}]",
      "      EU: opt_in",
      "      REST: [{regime: opt_in, from: 2024-09-13T00:00:00Z, until: 2025-01-01T00:00:00Z}]",
      "      GB: opt_out",
      "    content: {post: any, message: [private], profile: [connections]}",
      "    minimum_age: 16",
      "    history: {include: false, notice: 2024-09-20T00:00:00Z}",
      "    gpc: false",
      "  ads_targeting:",
      "    regions: {REST: opt_out, EEA: opt_in}",
      "    content: {comment: [public]}",
    ].join("\n"),
  ),
];

function decideAll(pop: TestPopulation, policy: Policy, purpose: string, asOf: number) {
  const byId = new Map(pop.members.map((m) => [m.id, m]));
  return pop.items.map((item) => {
    const member = item.authorId === null ? undefined : byId.get(item.authorId);
    const events = pop.events.filter((e) => e.memberId === item.authorId);
    return decideItem({ item, member, events, policy, purpose, asOf });
  });
}

describe("batch evaluator", () => {
  it("agrees with decideItem on the first reason of every item (differential)", () => {
    fc.assert(
      fc.property(
        populationArb,
        fc.constantFrom(...policies),
        fc.constantFrom("genai_training", "ads_targeting"),
        instantArb,
        (pop, policy, purpose, asOf) => {
          const cols = toColumns(pop.items, pop.members);
          const codes = evaluateBatch(
            policy,
            purpose,
            asOf,
            cols.items,
            cols.members,
            consentColumns(pop.events, purpose, cols.memberIndex),
          );
          const expected = decideAll(pop, policy, purpose, asOf).map((d) => d.reason);
          expect(Array.from(codes, reasonOfCode)).toEqual(expected);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("hits every reason across random populations (the generator is good enough)", () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(populationArb, fc.constantFrom(...policies), instantArb, (pop, policy, asOf) => {
        for (const d of decideAll(pop, policy, "genai_training", asOf))
          seen.add(d.reason ?? "included");
      }),
      { numRuns: 300, seed: 42 },
    );
    expect([...seen].sort()).toEqual([...REASONS, "included"].sort());
  });
});

describe("decision invariants (property-based)", () => {
  it("an item whose author's latest choice at T is deny is never included", () => {
    fc.assert(
      fc.property(populationArb, fc.constantFrom(...policies), instantArb, (pop, policy, asOf) => {
        const decisions = decideAll(pop, policy, "genai_training", asOf);
        decisions.forEach((d) => {
          if (d.state === "deny") expect(d.included).toBe(false);
        });
      }),
    );
  });

  it("a deleted item never reappears at a later as-of", () => {
    fc.assert(
      fc.property(
        populationArb,
        fc.constantFrom(...policies),
        instantArb,
        instantArb,
        (pop, policy, t1, t2) => {
          const [early, late] = t1 <= t2 ? [t1, t2] : [t2, t1];
          const a = decideAll(pop, policy, "genai_training", early);
          const b = decideAll(pop, policy, "genai_training", late);
          a.forEach((d, i) => {
            if (d.reasons.includes("deleted")) expect(b[i]!.included).toBe(false);
          });
        },
      ),
    );
  });

  it("included + excluded by reason = input, and the first reason is the first listed", () => {
    fc.assert(
      fc.property(populationArb, fc.constantFrom(...policies), instantArb, (pop, policy, asOf) => {
        const decisions = decideAll(pop, policy, "genai_training", asOf);
        const counts = new Map<string, number>();
        for (const d of decisions) {
          counts.set(d.reason ?? "included", (counts.get(d.reason ?? "included") ?? 0) + 1);
          expect(d.reason).toBe(d.reasons[0] ?? null);
          expect(d.included).toBe(d.reasons.length === 0);
        }
        expect([...counts.values()].reduce((s, n) => s + n, 0)).toBe(pop.items.length);
      }),
    );
  });

  it("an item created after T is never included, and becomes decidable once T passes it", () => {
    fc.assert(
      fc.property(populationArb, fc.constantFrom(...policies), instantArb, (pop, policy, asOf) => {
        decideAll(pop, policy, "genai_training", asOf).forEach((d, i) => {
          const created = pop.items[i]!.createdAt;
          if (created !== null && created > asOf) expect(d.included).toBe(false);
        });
      }),
    );
  });
});
