import type { Choice, ConsentEvent } from "../domain.js";

/** A member's consent state for one purpose at one instant, with the event that set it. */
export interface ConsentState {
  readonly state: Choice | null;
  readonly event: ConsentEvent | null;
}

/**
 * The consent state of a member for `purpose` at `asOf` (contract §3): the latest event with
 * `at <= asOf`; when several share the latest `at`, deny wins. A `gpc` event is always a deny
 * (contract §1), and counts only when the purpose honours GPC. Events of other members are
 * the caller's to filter; events of other purposes are skipped here.
 */
export function consentState(
  events: readonly ConsentEvent[],
  purpose: string,
  asOf: number,
  honourGpc: boolean,
): ConsentState {
  let best: ConsentEvent | null = null;
  let bestChoice: Choice | null = null;
  for (const e of events) {
    if (e.purpose !== purpose || e.at > asOf) continue;
    if (e.source === "gpc" && !honourGpc) continue;
    const choice: Choice = e.source === "gpc" ? "deny" : e.choice;
    if (
      best === null ||
      e.at > best.at ||
      (e.at === best.at && choice === "deny" && bestChoice !== "deny")
    ) {
      best = e;
      bestChoice = choice;
    }
  }
  return { state: bestChoice, event: best };
}
