/**
 * Chooses the members the demo's one-click login links sign in as: someone in Germany who
 * has not chosen yet (opt-in region), someone in the US whose posts are in the first dataset
 * (opt-out region), and a minor. Deterministic: the first match in id order, from the
 * decisions of the policy at the demo instant, streamed so a large export stays cheap.
 */
import { loadConsent, loadMembers } from "../export/load-export.js";
import { parseItemRow } from "../export/parse-rows.js";
import { readRows } from "../export/read-rows.js";
import type { ConsentEvent, Member } from "../policy/domain.js";
import { consentState } from "../policy/evaluate/consent-state.js";
import { decideItem } from "../policy/evaluate/decide-item.js";
import type { Policy } from "../policy/model.js";
import { ageAt } from "../policy/time.js";

/** One featured member. */
export interface DemoMember {
  readonly id: string;
  readonly displayName: string | null;
  readonly country: string | null;
  /** Items of theirs in the dataset at the demo instant. */
  readonly included: number;
  /** One of their items to explain: the first included one, else the first one. */
  readonly sampleItem: string | null;
}

/** The featured members; a slot is null when the export has nobody who fits. */
export interface DemoMembers {
  readonly germany: DemoMember | null;
  readonly us: DemoMember | null;
  readonly minor: DemoMember | null;
}

interface Tally {
  items: number;
  included: number;
  firstItem: string | null;
  firstIncluded: string | null;
}

/**
 * Picks the featured members of an export. `now` is the instant the server will treat as
 * the present (the wall clock when serving): the minor must still be one then, and the adults
 * adults at both instants.
 */
export async function pickDemoMembers(input: {
  readonly members: string;
  readonly items: string;
  readonly consent: string;
  readonly policy: Policy;
  readonly purpose: string;
  readonly asOf: number;
  readonly now: number;
}): Promise<DemoMembers> {
  const members = await loadMembers(input.members);
  const byId = new Map(members.map((m) => [m.id, m]));
  const events = new Map<string, ConsentEvent[]>();
  for (const e of await loadConsent(input.consent)) {
    const list = events.get(e.memberId);
    if (list === undefined) events.set(e.memberId, [e]);
    else list.push(e);
  }
  const tally = new Map<string, Tally>();
  for await (const row of readRows(input.items)) {
    if (row.error !== undefined) continue;
    const item = parseItemRow(row.values);
    const member = item.authorId === null ? undefined : byId.get(item.authorId);
    if (member === undefined) continue;
    const d = decideItem({
      item,
      member,
      events: events.get(member.id) ?? [],
      policy: input.policy,
      purpose: input.purpose,
      asOf: input.asOf,
    });
    const t = tally.get(member.id) ?? {
      items: 0,
      included: 0,
      firstItem: null,
      firstIncluded: null,
    };
    t.items++;
    t.firstItem ??= item.id;
    if (d.included) {
      t.included++;
      t.firstIncluded ??= item.id;
    }
    tally.set(member.id, t);
  }

  const adult = (m: Member): boolean =>
    m.birthDay !== null && ageAt(m.birthDay, input.asOf) >= 25 && ageAt(m.birthDay, input.now) < 70;
  const live = (m: Member): boolean =>
    m.deletedAt === null && m.displayName !== null && (tally.get(m.id)?.items ?? 0) >= 2;
  const state = (m: Member) =>
    consentState(events.get(m.id) ?? [], input.purpose, input.asOf, true).state;
  const sorted = [...members].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const find = (test: (m: Member) => boolean): DemoMember | null => {
    const m = sorted.find((x) => live(x) && test(x));
    return m === undefined
      ? null
      : {
          id: m.id,
          displayName: m.displayName,
          country: m.country,
          included: tally.get(m.id)?.included ?? 0,
          sampleItem: tally.get(m.id)?.firstIncluded ?? tally.get(m.id)?.firstItem ?? null,
        };
  };
  return {
    germany: find((m) => m.country === "DE" && adult(m) && state(m) === null),
    us: find(
      (m) =>
        m.country === "US" &&
        adult(m) &&
        state(m) === null &&
        (tally.get(m.id)?.included ?? 0) >= 2,
    ),
    minor: find(
      (m) =>
        m.birthDay !== null &&
        ageAt(m.birthDay, input.asOf) >= 13 &&
        ageAt(m.birthDay, input.now) < 18,
    ),
  };
}
