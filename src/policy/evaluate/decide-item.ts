/**
 * The decision for one item (contract §3), with every reason that applies. This is the
 * reference reading of a policy: the batch evaluator and the SQL compilers are tested
 * against it item by item.
 */
import {
  type Choice,
  type ConsentEvent,
  effectiveVisibility,
  type Item,
  isKind,
  type Member,
  REASONS,
  type Reason,
  type Regime,
} from "../domain.js";
import type { Policy } from "../model.js";
import { normalizeCountry } from "../regions.js";
import { anniversaryDay, utcDay } from "../time.js";
import { consentState } from "./consent-state.js";
import { regimeAt } from "./regime-at.js";

/** What the evaluator needs to decide one item. */
export interface DecisionInput {
  readonly item: Item;
  /** The author, or undefined when author_id is not a member id. */
  readonly member: Member | undefined;
  /** The author's consent events (any purpose, any time; later ones are ignored). */
  readonly events: readonly ConsentEvent[];
  readonly policy: Policy;
  readonly purpose: string;
  /** The instant T, epoch microseconds. */
  readonly asOf: number;
}

/** A decision with its evidence. Immutable. */
export interface Decision {
  readonly itemId: string | null;
  readonly included: boolean;
  /** The first reason in precedence order, or null when included. */
  readonly reason: Reason | null;
  /** Every reason that applies, in precedence order. */
  readonly reasons: readonly Reason[];
  /** The member's normalised country, or null when unknown. */
  readonly country: string | null;
  /** The policy region key that matched and the regime in force at T. */
  readonly regionKey: string | null;
  readonly regime: Regime | null;
  /** The member's consent state at T and the event that set it. */
  readonly state: Choice | null;
  readonly stateEvent: ConsentEvent | null;
}

/** True for an item row the contract calls malformed (reason 1). */
export function isMalformed(item: Item): boolean {
  return (
    item.parseError !== undefined ||
    item.id === null ||
    item.id === "" ||
    item.authorId === null ||
    item.authorId === "" ||
    item.kind === null ||
    item.kind === "" ||
    item.createdAt === null
  );
}

/** Decides one item for one purpose at one instant. Pure. */
export function decideItem(input: DecisionInput): Decision {
  const { item, member, policy, purpose, asOf } = input;
  const rule = policy.purposes[purpose];
  const reasons = new Set<Reason>();
  const malformed = isMalformed(item);
  if (malformed) reasons.add("malformed");
  if (!malformed && member === undefined) reasons.add("unknown_member");
  if (item.createdAt !== null && item.createdAt > asOf) reasons.add("not_yet_created");
  if (
    (item.deletedAt !== null && item.deletedAt <= asOf) ||
    (member?.deletedAt != null && member.deletedAt <= asOf)
  ) {
    reasons.add("deleted");
  }
  const knownKind = isKind(item.kind);
  if (!malformed && !knownKind) reasons.add("unknown_kind");
  if (knownKind && rule !== undefined) {
    const vis = effectiveVisibility(item.kind, item.visibility);
    const allowed = rule.content[item.kind as keyof typeof rule.content];
    if (vis === null || allowed === undefined || !allowed.includes(vis))
      reasons.add("content_class");
  }

  const country = member === undefined ? null : normalizeCountry(member.country);
  const inForce = regimeAt(rule, country, asOf);
  const { state, event } =
    member === undefined
      ? { state: null, event: null }
      : consentState(input.events, purpose, asOf, rule?.gpc ?? true);

  if (member !== undefined) {
    if (country === null) reasons.add("unknown_region");
    else if (inForce.regime === null || inForce.regime === "excluded")
      reasons.add("region_excluded");
    if (rule !== undefined && rule.minimumAge !== null) {
      if (member.birthDay === null) {
        reasons.add("unknown_age");
      } else {
        const adultFrom = anniversaryDay(member.birthDay, rule.minimumAge);
        const createdDay = item.createdAt === null ? null : utcDay(item.createdAt);
        if (utcDay(asOf) < adultFrom || (createdDay !== null && createdDay < adultFrom))
          reasons.add("minor");
      }
    }
    if (state === "deny") reasons.add("opted_out");
    if (inForce.regime === "opt_in" && state !== "allow") reasons.add("no_consent");
    if (
      rule !== undefined &&
      !rule.history.include &&
      item.createdAt !== null &&
      item.createdAt < rule.history.notice &&
      state !== "allow"
    ) {
      reasons.add("before_notice");
    }
  }

  const ordered = REASONS.filter((r) => reasons.has(r));
  return Object.freeze({
    itemId: item.id,
    included: ordered.length === 0,
    reason: ordered[0] ?? null,
    reasons: Object.freeze(ordered),
    country,
    regionKey: inForce.key,
    regime: inForce.regime,
    state,
    stateEvent: event,
  });
}
