/**
 * How many items change status between two policies on one export, by reason and region: the
 * counting behind `traingate policy diff` and the API's what-if. Pure: in-memory rows in,
 * counts out, through the batch evaluator.
 */
import type { Reason } from "../domain.js";
import type { Policy } from "../model.js";
import { reportingGroup } from "../regions.js";
import { consentColumns, evaluateBatch, reasonOfCode, toColumns } from "./batch.js";

/** How many items change status between two policies, by reason and region. */
export interface StatusChanges {
  readonly items: number;
  readonly includedA: number;
  readonly includedB: number;
  /** Items included under A, excluded under B: B's reason → count. */
  readonly lostByReason: Readonly<Record<string, number>>;
  /** Items excluded under A, included under B: A's reason → count. */
  readonly gainedByReason: Readonly<Record<string, number>>;
  /** Region group → [lost, gained]. */
  readonly byRegion: Readonly<Record<string, readonly [number, number]>>;
  readonly membersChanged: number;
}

/** Counts status changes between two policies on one export, with the batch evaluator. */
export function countChanges(
  a: Policy,
  b: Policy,
  purpose: string,
  asOf: number,
  items: Parameters<typeof toColumns>[0],
  members: Parameters<typeof toColumns>[1],
  events: Parameters<typeof consentColumns>[0],
): StatusChanges {
  const pop = toColumns(items, members);
  const cc = consentColumns(events, purpose, pop.memberIndex);
  const ra = evaluateBatch(a, purpose, asOf, pop.items, pop.members, cc);
  const rb = evaluateBatch(b, purpose, asOf, pop.items, pop.members, cc);
  const lost: Partial<Record<Reason, number>> = {};
  const gained: Partial<Record<Reason, number>> = {};
  const byRegion: Record<string, [number, number]> = {};
  const changedMembers = new Set<number>();
  let includedA = 0;
  let includedB = 0;
  for (let i = 0; i < pop.items.length; i++) {
    const inA = ra[i] === 0;
    const inB = rb[i] === 0;
    if (inA) includedA++;
    if (inB) includedB++;
    if (inA === inB) continue;
    const m = pop.items.author[i]!;
    changedMembers.add(m);
    const group = m >= 0 ? (reportingGroup(pop.members.country[m]) ?? "unknown") : "unknown";
    const slot = byRegion[group] ?? [0, 0];
    byRegion[group] = slot;
    if (inA) {
      const r = reasonOfCode(rb[i]!)!;
      lost[r] = (lost[r] ?? 0) + 1;
      slot[0]++;
    } else {
      const r = reasonOfCode(ra[i]!)!;
      gained[r] = (gained[r] ?? 0) + 1;
      slot[1]++;
    }
  }
  return {
    items: pop.items.length,
    includedA,
    includedB,
    lostByReason: lost,
    gainedByReason: gained,
    byRegion,
    membersChanged: changedMembers.size,
  };
}
