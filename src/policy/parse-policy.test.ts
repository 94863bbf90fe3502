import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadPolicyFile, loadPolicyText, loadPreset, presetNames } from "../config/load-policy.js";
import { TrainGateError } from "../errors.js";
import { policyHash } from "./canonical-policy.js";

function policyError(text: string, code = "TG_E_BAD_POLICY"): string {
  try {
    loadPolicyText(text, "p.yaml");
  } catch (e) {
    expect(e).toBeInstanceOf(TrainGateError);
    expect((e as TrainGateError).code).toBe(code);
    return (e as Error).message;
  }
  throw new Error("expected the policy to be rejected");
}

describe("policy files: errors name the file, the line, the path and what was expected", () => {
  it("a regime that does not exist", () => {
    expect(
      policyError("name: p\npurposes:\n  genai_training:\n    regions:\n      EEA: opt_maybe\n"),
    ).toBe(
      "p.yaml:5: at purposes.genai_training.regions.EEA: expected a regime (excluded, opt_in, opt_out) or a list of {regime, from, until}",
    );
  });

  it("a bad timestamp in a period", () => {
    expect(
      policyError(
        "name: p\npurposes:\n  genai_training:\n    regions:\n      GB:\n        - {regime: excluded, from: 2024-13-01}\n",
      ),
    ).toBe(
      "p.yaml:6: at purposes.genai_training.regions.GB[0].from: expected an RFC 3339 timestamp such as 2024-09-18T00:00:00Z",
    );
  });

  it("an unknown key", () => {
    expect(policyError("name: p\npurposes:\n  genai_training:\n    minimum_agee: 18\n")).toBe(
      "p.yaml:4: at purposes.genai_training: unknown key minimum_agee",
    );
  });

  it("an unknown region and an unknown kind", () => {
    expect(
      policyError("name: p\npurposes:\n  genai_training:\n    regions: {MARS: opt_in}\n"),
    ).toContain(
      "at purposes.genai_training.regions: region keys are EU, EEA, CH, GB, REST or ISO 3166-1 alpha-2 country codes",
    );
    expect(
      policyError("name: p\npurposes:\n  genai_training:\n    content: {story: [public]}\n"),
    ).toBe("p.yaml:4: at purposes.genai_training.content: unknown key story");
  });

  it("overlapping periods", () => {
    expect(
      policyError(
        "name: p\npurposes:\n  genai_training:\n    regions:\n      GB:\n        - {regime: opt_out, until: 2024-09-20T00:00:00Z}\n        - {regime: excluded, from: 2024-09-19T00:00:00Z}\n",
      ),
    ).toBe(
      "p.yaml: at purposes.genai_training.regions.GB: periods overlap: each instant may have at most one regime",
    );
  });

  it("history excluded without a notice date", () => {
    expect(
      policyError("name: p\npurposes:\n  genai_training:\n    history: {include: false}\n"),
    ).toBe(
      "p.yaml: at purposes.genai_training.history.notice: a notice date is required when include is false",
    );
  });

  it("YAML syntax errors and missing names", () => {
    expect(policyError("name: p\npurposes: [\n")).toMatch(/^p\.yaml:\d+: not valid YAML: /);
    expect(policyError("purposes: {}\n")).toBe(
      "p.yaml:1: at name: a name is required, such as my-policy",
    );
  });

  it("an extends chain that loops, and an unknown preset", () => {
    const dir = mkdtempSync(join(tmpdir(), "tg-policy-"));
    writeFileSync(join(dir, "a.yaml"), "name: a\nextends: ./b.yaml\n");
    writeFileSync(join(dir, "b.yaml"), "name: b\nextends: ./a.yaml\n");
    expect(() => loadPolicyFile(join(dir, "a.yaml"))).toThrow(/the extends chain loops back to/);
    expect(policyError("name: p\nextends: nonexistent\n", "TG_E_NOT_FOUND")).toBe(
      `unknown preset "nonexistent"; presets are ${presetNames().join(", ")}`,
    );
  });
});

describe("extends and canonical form", () => {
  it("merges objects, replaces lists, and null removes", () => {
    const p = loadPolicyText(
      "name: mine\nextends: recommended\npurposes:\n  genai_training:\n    regions: {GB: null, US: excluded}\n    content: {post: [public, connections]}\n    minimum_age: 21\n",
    );
    const rule = p.purposes["genai_training"]!;
    expect(Object.keys(rule.regions).sort()).toEqual(["CH", "EEA", "REST", "US"]);
    expect(rule.content.post).toEqual(["public", "connections"]);
    expect(rule.content.comment).toEqual(["public"]);
    expect(rule.minimumAge).toBe(21);
    expect(rule.history).toEqual({ include: false, notice: 1726617600000000 });
    expect(p.extendsChain).toEqual(["recommended"]);
  });

  it("a policy that extends a preset without changes has the same rules but its own name and hash", () => {
    const p = loadPolicyText("name: copy\nextends: recommended\n");
    expect(p.purposes).toEqual(loadPreset("recommended").purposes);
    expect(policyHash(p)).not.toBe(policyHash(loadPreset("recommended")));
  });

  it("the hash ignores prose and key order, not rules", () => {
    const a = loadPolicyText(
      "name: h\ndescription: one\npurposes:\n  genai_training:\n    regions: {REST: opt_out, EEA: opt_in}\n",
    );
    const b = loadPolicyText(
      "name: h\ndescription: two\npurposes:\n  genai_training:\n    regions: {EEA: opt_in, REST: opt_out}\n",
    );
    const c = loadPolicyText(
      "name: h\npurposes:\n  genai_training:\n    regions: {EEA: opt_in, REST: opt_in}\n",
    );
    expect(policyHash(a)).toBe(policyHash(b));
    expect(policyHash(a)).not.toBe(policyHash(c));
  });

  it("ships the five presets of the contract, each with sources", () => {
    expect(presetNames()).toEqual([
      "linkedin-2024",
      "linkedin-2025",
      "meta-2024",
      "recommended",
      "x-2024",
    ]);
    for (const name of presetNames()) {
      const p = loadPreset(name);
      expect(Object.keys(p.purposes)).toEqual(["genai_training"]);
      expect(p.sources.length).toBeGreaterThan(0);
      expect(p.description.length).toBeGreaterThan(100);
    }
  });
});
