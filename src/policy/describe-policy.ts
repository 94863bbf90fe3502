/**
 * Policies in words a privacy lead can read: one purpose's rules, and what differs between
 * two policies. Pure.
 */
import { KINDS, type Kind, type REGIMES } from "./domain.js";
import { dataCategoryOf, dataUseOf } from "./fides.js";
import type { Policy, PurposeRule, RegimePeriod } from "./model.js";
import { formatInstant } from "./time.js";

const REGIME_WORDS: Record<(typeof REGIMES)[number], string> = {
  excluded: "excluded",
  opt_in: "opt-in",
  opt_out: "opt-out",
};

function when(instant: number): string {
  const iso = formatInstant(instant);
  return iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : iso;
}

/** A region's periods in words: "opt-out until 2024-09-20, then excluded from 2024-09-20". */
export function describePeriods(periods: readonly RegimePeriod[]): string {
  const parts = periods.map((p) => {
    let text = REGIME_WORDS[p.regime];
    if (p.from !== null) text += ` from ${when(p.from)}`;
    if (p.until !== null) text += ` until ${when(p.until)}`;
    return text;
  });
  const first = periods[0];
  const last = periods[periods.length - 1];
  let text = parts.join(", then ");
  if (first?.from != null) text = `no rule (excluded) before ${when(first.from)}, then ${text}`;
  if (last?.until != null) text += `, then no rule (excluded)`;
  return text;
}

function describeContent(rule: PurposeRule): string {
  const kinds = KINDS.filter((k) => rule.content[k] !== undefined);
  if (kinds.length === 0) return "no content";
  return kinds
    .map((k) => {
      const v = rule.content[k]!;
      if (k === "message") return "messages";
      return v.length === 3 ? `${k}s (any visibility)` : `${v.join("/")} ${k}s`;
    })
    .join(", ");
}

function describeHistory(rule: PurposeRule): string {
  return rule.history.include
    ? "content from before the policy counts"
    : `content created before ${when(rule.history.notice)} counts only with an explicit allow`;
}

/** One purpose's rules as lines of text. */
export function describePurpose(purpose: string, rule: PurposeRule): string[] {
  const lines = [`${purpose} (Fides data use: ${dataUseOf(purpose)})`];
  for (const [key, periods] of Object.entries(rule.regions))
    lines.push(`  ${key}: ${describePeriods(periods)}`);
  lines.push("  other regions: no rule (excluded)");
  lines.push(`  content: ${describeContent(rule)}`);
  const categories = [
    ...new Set(KINDS.flatMap((k) => (rule.content[k] ?? []).map((v) => dataCategoryOf(k, v)))),
  ].sort();
  if (categories.length > 0) lines.push(`  Fides data categories: ${categories.join(", ")}`);
  lines.push(
    `  minimum age: ${rule.minimumAge === null ? "none" : `${rule.minimumAge} (unknown age excluded)`}`,
  );
  lines.push(`  history: ${describeHistory(rule)}`);
  lines.push(`  Global Privacy Control: ${rule.gpc ? "honoured as a deny" : "ignored"}`);
  return lines;
}

/** A whole policy as text. */
export function describePolicy(policy: Policy): string[] {
  const lines = [`${policy.title} [${policy.name}]`];
  if (policy.extendsChain.length > 0) lines.push(`extends ${policy.extendsChain.join(" <- ")}`);
  if (policy.description) lines.push("", ...policy.description.split("\n"));
  lines.push("");
  for (const [purpose, rule] of Object.entries(policy.purposes))
    lines.push(...describePurpose(purpose, rule), "");
  lines.push("Purposes not listed have no rule: every item is excluded (region_excluded).");
  const off = Object.entries(policy.redact)
    .filter(([, on]) => !on)
    .map(([k]) => k);
  lines.push(`Redaction: ${off.length === 0 ? "every PII type" : `all but ${off.join(", ")}`}`);
  if (policy.sources.length > 0) {
    lines.push("", "Sources:");
    for (const s of policy.sources) lines.push(`  - ${s.title}: ${s.url}`);
  }
  return lines;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** What differs between two policies, rule by rule, in words. Empty when their rules agree. */
export function diffPolicies(a: Policy, b: Policy): string[] {
  const lines: string[] = [];
  const purposes = [...new Set([...Object.keys(a.purposes), ...Object.keys(b.purposes)])].sort();
  for (const purpose of purposes) {
    const ra = a.purposes[purpose];
    const rb = b.purposes[purpose];
    if (ra === undefined) {
      lines.push(`${purpose}: only ${b.name} has rules (under ${a.name} every item is excluded)`);
      continue;
    }
    if (rb === undefined) {
      lines.push(`${purpose}: only ${a.name} has rules (under ${b.name} every item is excluded)`);
      continue;
    }
    const keys = [...new Set([...Object.keys(ra.regions), ...Object.keys(rb.regions)])].sort();
    for (const key of keys) {
      const pa = ra.regions[key];
      const pb = rb.regions[key];
      if (sameJson(pa, pb)) continue;
      lines.push(
        `${purpose}, ${key}: ${a.name} ${pa ? describePeriods(pa) : "no rule (excluded)"}; ${b.name} ${pb ? describePeriods(pb) : "no rule (excluded)"}`,
      );
    }
    for (const kind of KINDS as readonly Kind[]) {
      const va = ra.content[kind] ?? [];
      const vb = rb.content[kind] ?? [];
      if (sameJson(va, vb)) continue;
      const onlyA = va.filter((v) => !vb.includes(v));
      const onlyB = vb.filter((v) => !va.includes(v));
      if (onlyB.length > 0)
        lines.push(`${purpose}: ${b.name} also uses ${onlyB.join("/")} ${kind}s`);
      if (onlyA.length > 0)
        lines.push(`${purpose}: ${a.name} also uses ${onlyA.join("/")} ${kind}s`);
    }
    if (ra.minimumAge !== rb.minimumAge) {
      lines.push(
        `${purpose}: minimum age ${ra.minimumAge ?? "none"} under ${a.name}, ${rb.minimumAge ?? "none"} under ${b.name}`,
      );
    }
    if (!sameJson(ra.history, rb.history)) {
      lines.push(
        `${purpose}: history: ${a.name}: ${describeHistory(ra)}; ${b.name}: ${describeHistory(rb)}`,
      );
    }
    if (ra.gpc !== rb.gpc) {
      lines.push(
        `${purpose}: GPC ${ra.gpc ? "honoured" : "ignored"} by ${a.name}, ${rb.gpc ? "honoured" : "ignored"} by ${b.name}`,
      );
    }
  }
  for (const key of Object.keys(a.redact)) {
    if (a.redact[key] !== b.redact[key]) {
      lines.push(
        `redaction of ${key}: ${a.redact[key] ? "on" : "off"} in ${a.name}, ${b.redact[key] ? "on" : "off"} in ${b.name}`,
      );
    }
  }
  return lines;
}
