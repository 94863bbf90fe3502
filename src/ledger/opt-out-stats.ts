/**
 * The opt-out aggregate, computed from the events themselves (not the projection) so each
 * month shows the state as it was at that month's end. Pure: no database.
 */
import type { Choice } from "../policy/domain.js";
import { reportingGroup } from "../policy/regions.js";
import { civilFromDays, daysFromCivil, utcDay } from "../policy/time.js";
import type { OptOutStat } from "./ledger-store.js";

/** The fields of an event the aggregate needs. */
export interface StatEvent {
  readonly memberId: string;
  readonly purpose: string;
  readonly choice: Choice;
  readonly at: number;
}

const US_PER_DAY = 86_400_000_000;

function monthStart(year: number, month: number): number {
  return daysFromCivil(year, month, 1) * US_PER_DAY;
}

/**
 * Opt-out rate per month (UTC), region group (EEA, CH, GB, REST, unknown) and purpose, from
 * the month of the first event to the month of `until`. A member counts for (region, purpose)
 * once they have any event for the purpose; they count as opted out when their state at the
 * month's end (latest `at`, deny winning ties, as the contract decides) is deny.
 */
export function optOutStats(
  events: readonly StatEvent[],
  countryOf: (memberId: string) => string | null,
  until: number,
): OptOutStat[] {
  if (events.length === 0) return [];
  // Apply in `at` order; on a tie allow before deny, so deny is the state left (contract §3).
  const sorted = [...events].sort(
    (a, b) => a.at - b.at || (a.choice === b.choice ? 0 : a.choice === "allow" ? -1 : 1),
  );
  const state = new Map<string, Choice>();
  const cells = new Map<string, { members: number; denies: number }>();
  const regionCache = new Map<string, string>();
  const regionOf = (m: string): string => {
    let r = regionCache.get(m);
    if (r === undefined) {
      r = reportingGroup(countryOf(m)) ?? "unknown";
      regionCache.set(m, r);
    }
    return r;
  };
  const first = civilFromDays(utcDay(sorted[0]!.at));
  const last = civilFromDays(utcDay(until));
  const out: OptOutStat[] = [];
  let i = 0;
  let y = first.year;
  let mo = first.month;
  while (y < last.year || (y === last.year && mo <= last.month)) {
    const ny = mo === 12 ? y + 1 : y;
    const nm = mo === 12 ? 1 : mo + 1;
    const end = monthStart(ny, nm);
    for (; i < sorted.length && sorted[i]!.at < end; i++) {
      const e = sorted[i]!;
      const key = `${e.memberId}\u0000${e.purpose}`;
      const cellKey = `${regionOf(e.memberId)}\u0000${e.purpose}`;
      let cell = cells.get(cellKey);
      if (cell === undefined) {
        cell = { members: 0, denies: 0 };
        cells.set(cellKey, cell);
      }
      const before = state.get(key);
      if (before === undefined) cell.members++;
      if (before === "deny") cell.denies--;
      if (e.choice === "deny") cell.denies++;
      state.set(key, e.choice);
    }
    const month = `${String(y).padStart(4, "0")}-${String(mo).padStart(2, "0")}`;
    for (const [cellKey, cell] of [...cells].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const [region, purpose] = cellKey.split("\u0000") as [string, string];
      out.push({
        month,
        region,
        purpose,
        members: cell.members,
        optedOut: cell.denies,
        rate: cell.members === 0 ? 0 : cell.denies / cell.members,
      });
    }
    y = ny;
    mo = nm;
  }
  return out;
}
