/**
 * Applies a policy file's `extends` chain and turns the result into the immutable
 * {@link Policy} model. Pure: the caller supplies how a parent is found.
 */
import { TrainGateError } from "../errors.js";
import { KINDS, type Kind, VISIBILITIES, type Visibility } from "./domain.js";
import type { Policy, PurposeRule, RegimePeriod } from "./model.js";
import { REDACTION_TYPES } from "./model.js";
import { type PolicyFile, policyFileSchema } from "./schema.js";
import { parseTimestamp } from "./time.js";

/** Finds a parent policy by the `extends` reference, relative to the file that names it. */
export type ParentLookup = (ref: string, from: string) => { file: string; policy: PolicyFile };

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Deep merge used by `extends`: objects merge key by key, arrays and scalars are replaced,
 * and `null` removes what the parent had.
 */
function merge(parent: Json | undefined, child: Json | undefined): Json | undefined {
  if (child === undefined) return parent;
  if (child === null) return undefined;
  if (
    typeof parent === "object" &&
    parent !== null &&
    !Array.isArray(parent) &&
    typeof child === "object" &&
    !Array.isArray(child)
  ) {
    const out: { [key: string]: Json } = {};
    for (const key of new Set([...Object.keys(parent), ...Object.keys(child)])) {
      const value = merge(parent[key], child[key]);
      if (value !== undefined) out[key] = value;
    }
    return out;
  }
  return child;
}

function bad(file: string, path: string, message: string): TrainGateError {
  return new TrainGateError("TG_E_BAD_POLICY", `${file}: at ${path}: ${message}`, { file });
}

function toPeriods(file: string, path: string, rule: PolicyFileRegion): RegimePeriod[] {
  if (typeof rule === "string") return [{ regime: rule, from: null, until: null }];
  const periods = rule.map((p, i) => {
    const from = p.from == null ? null : parseTimestamp(p.from);
    const until = p.until == null ? null : parseTimestamp(p.until);
    if (from !== null && until !== null && from >= until) {
      throw bad(file, `${path}[${i}]`, "`from` must be before `until`");
    }
    return Object.freeze({ regime: p.regime, from, until });
  });
  periods.sort((a, b) => (a.from ?? -Infinity) - (b.from ?? -Infinity));
  for (let i = 1; i < periods.length; i++) {
    const prev = periods[i - 1]!;
    const cur = periods[i]!;
    if (prev.until === null || cur.from === null || cur.from < prev.until) {
      throw bad(file, path, "periods overlap: each instant may have at most one regime");
    }
  }
  return periods;
}

type PolicyFilePurpose = NonNullable<NonNullable<PolicyFile["purposes"]>[string]>;
type PolicyFileRegion = NonNullable<NonNullable<PolicyFilePurpose["regions"]>[string]>;

function toPurposeRule(file: string, name: string, raw: PolicyFilePurpose): PurposeRule {
  const regions: Record<string, readonly RegimePeriod[]> = {};
  for (const [key, rule] of Object.entries(raw.regions ?? {}).sort(([a], [b]) =>
    a < b ? -1 : 1,
  )) {
    if (rule === null) continue;
    regions[key] = Object.freeze(toPeriods(file, `purposes.${name}.regions.${key}`, rule));
  }
  const content: Partial<Record<Kind, readonly Visibility[]>> = {};
  for (const kind of KINDS) {
    const vis = raw.content?.[kind];
    if (vis === undefined || vis === null) continue;
    const list = vis === "any" ? [...VISIBILITIES] : VISIBILITIES.filter((v) => vis.includes(v));
    if (list.length > 0) content[kind] = Object.freeze(list);
  }
  const history = raw.history ?? { include: true };
  let historyRule: PurposeRule["history"];
  if (history.include) {
    historyRule = Object.freeze({ include: true as const });
  } else {
    const notice = history.notice == null ? null : parseTimestamp(history.notice);
    if (notice === null) {
      throw bad(
        file,
        `purposes.${name}.history.notice`,
        "a notice date is required when include is false",
      );
    }
    historyRule = Object.freeze({ include: false as const, notice });
  }
  return Object.freeze({
    regions: Object.freeze(regions),
    content: Object.freeze(content),
    minimumAge: raw.minimum_age ?? null,
    history: historyRule,
    gpc: raw.gpc ?? true,
  });
}

/**
 * Resolves a parsed policy file: follows `extends` (cycles are an error), merges, validates the
 * merged document and returns a frozen {@link Policy}.
 */
export function resolvePolicy(file: string, doc: PolicyFile, lookup: ParentLookup): Policy {
  const chain: string[] = [];
  const seen = new Set<string>([file]);
  let merged = doc as unknown as Json;
  let current = { file, policy: doc };
  while (current.policy.extends !== undefined) {
    const ref = current.policy.extends;
    const parent = lookup(ref, current.file);
    if (seen.has(parent.file)) {
      throw bad(file, "extends", `the extends chain loops back to ${parent.file}`);
    }
    seen.add(parent.file);
    chain.push(parent.policy.name);
    merged = merge(parent.policy as unknown as Json, merged) ?? {};
    current = parent;
  }
  // The merged document keeps the child's own name and drops `extends`.
  const full = policyFileSchema.parse({
    ...(merged as object),
    name: doc.name,
    extends: undefined,
  });
  const purposes: Record<string, PurposeRule> = {};
  for (const [name, raw] of Object.entries(full.purposes ?? {}).sort(([a], [b]) =>
    a < b ? -1 : 1,
  )) {
    if (raw === null) continue;
    purposes[name] = toPurposeRule(file, name, raw);
  }
  const redact: Record<string, boolean> = {};
  for (const type of REDACTION_TYPES) redact[type] = full.redact?.[type] ?? true;
  return Object.freeze({
    name: doc.name,
    // Prose is the policy's own: a child that extends a preset does not speak in its words.
    title: doc.title ?? doc.name,
    description: (doc.description ?? "").trim(),
    sources: Object.freeze((doc.sources ?? []).map((s) => Object.freeze({ ...s }))),
    extendsChain: Object.freeze(chain),
    purposes: Object.freeze(purposes),
    redact: Object.freeze(redact),
  });
}
