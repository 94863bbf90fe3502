/**
 * The run facts of src/lineage/run-members.ts computed in JavaScript from the domain records:
 * the reference the build's DuckDB computation (src/build/run-facts.ts) is tested against.
 */
import type { MemberConsentCounts, RegionMembers } from "../../src/lineage/run-members.js";
import type { ConsentEvent, Member } from "../../src/policy/domain.js";
import { reportingGroup } from "../../src/policy/regions.js";

/**
 * Counts the included authors by their consent state for `purpose` at `asOf` (contract §3:
 * latest event with at <= asOf, deny winning ties; gpc a deny when the purpose honours it).
 * An included author whose state is deny cannot exist under the contract; one would be
 * counted as `none` rather than hidden.
 */
export function memberConsentCounts(
  authorIds: readonly string[],
  events: readonly ConsentEvent[],
  purpose: string,
  asOf: number,
  honourGpc: boolean,
): MemberConsentCounts {
  const included = new Set(authorIds);
  const latest = new Map<string, { at: number; choice: "allow" | "deny" }>();
  for (const e of events) {
    if (e.purpose !== purpose || e.at > asOf || !included.has(e.memberId)) continue;
    if (e.source === "gpc" && !honourGpc) continue;
    const choice = e.source === "gpc" ? "deny" : e.choice;
    const best = latest.get(e.memberId);
    if (best === undefined || e.at > best.at || (e.at === best.at && choice === "deny"))
      latest.set(e.memberId, { at: e.at, choice });
  }
  let allow = 0;
  for (const s of latest.values()) if (s.choice === "allow") allow++;
  return { allow, none: included.size - allow };
}

/** Members of the export and included authors per reporting region group. */
export function regionMembers(
  members: readonly Member[],
  authorIds: readonly string[],
): RegionMembers {
  const included = new Set(authorIds);
  const out: RegionMembers = {};
  for (const m of members) {
    const group = reportingGroup(m.country) ?? "unknown";
    const cell = out[group] ?? { members: 0, included: 0 };
    cell.members++;
    if (included.has(m.id)) cell.included++;
    out[group] = cell;
  }
  return out;
}
