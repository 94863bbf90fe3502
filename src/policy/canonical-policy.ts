/**
 * The canonical form of a policy and its sha256, so a manifest can name exactly which rules
 * decided. The canonical form holds what decides (name, purposes, redaction switches), with
 * keys sorted and instants as RFC 3339 UTC; prose (title, description, sources) is left out,
 * so fixing a typo in a description does not change the hash of a policy's rules.
 */
import { createHash } from "node:crypto";
import type { Policy, RegimePeriod } from "./model.js";
import { formatInstant } from "./time.js";

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort())
      out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

function period(p: RegimePeriod): Record<string, unknown> {
  return {
    regime: p.regime,
    from: p.from === null ? null : formatInstant(p.from),
    until: p.until === null ? null : formatInstant(p.until),
  };
}

/** The canonical JSON object of a policy (decision-relevant content only). */
export function canonicalPolicy(policy: Policy): Record<string, unknown> {
  const purposes: Record<string, unknown> = {};
  for (const [name, rule] of Object.entries(policy.purposes)) {
    purposes[name] = {
      regions: Object.fromEntries(
        Object.entries(rule.regions).map(([k, ps]) => [k, ps.map(period)]),
      ),
      content: rule.content,
      minimum_age: rule.minimumAge,
      history: rule.history.include
        ? { include: true }
        : { include: false, notice: formatInstant(rule.history.notice) },
      gpc: rule.gpc,
    };
  }
  return sortKeys({ name: policy.name, purposes, redact: policy.redact }) as Record<
    string,
    unknown
  >;
}

/** The canonical text: JSON with sorted keys, no spaces. */
export function canonicalPolicyText(policy: Policy): string {
  return JSON.stringify(canonicalPolicy(policy));
}

/** sha256 (hex) of the canonical text. */
export function policyHash(policy: Policy): string {
  return createHash("sha256").update(canonicalPolicyText(policy)).digest("hex");
}
