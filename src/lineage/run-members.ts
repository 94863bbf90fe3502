/**
 * Facts about a run's contributing members that the manifest does not carry but the
 * transparency report needs: how many were included by an explicit `allow` versus because
 * they never chose (defaulted in under opt_out), and members used per region group.
 */
import type { ConsentEvent, Member } from "../policy/domain.js";
import { reportingGroup } from "../policy/regions.js";

/** Included members by consent state at as-of. */
export interface MemberConsentCounts {
  readonly allow: number;
  readonly none: number;
}

/** Per region group (EEA, CH, GB, REST, unknown): members in the export and members used. */
export type RegionMembers = Record<string, { members: number; included: number }>;

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
