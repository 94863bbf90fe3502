/**
 * The batch evaluator: the same decision as `decideItem`, over whole populations held as
 * columns (typed arrays), so that a million items cost a few milliseconds and no object
 * graph. It returns only the first reason of each item (what builds and counts need);
 * `decideItem` gives every reason for `explain`. A differential test holds the two together.
 */
import { TrainGateError } from "../../errors.js";
import {
  type ConsentEvent,
  effectiveVisibility,
  type Item,
  KINDS,
  type Member,
  REASONS,
  type Reason,
  VISIBILITIES,
} from "../domain.js";
import type { Policy } from "../model.js";
import { normalizeCountry } from "../regions.js";
import { anniversaryDay, utcDay } from "../time.js";
import { isMalformed } from "./decide-item.js";
import { regimeAt } from "./regime-at.js";

/** Kind code for a kind outside the five. */
export const UNKNOWN_KIND = KINDS.length;
/** Visibility code for a missing or unknown visibility. */
export const UNKNOWN_VISIBILITY = VISIBILITIES.length;

/** Items as columns. `author` is a member index, -1 when author_id is not a member id. */
export interface ItemColumns {
  readonly length: number;
  readonly author: Int32Array;
  /** 0..4 as in KINDS, UNKNOWN_KIND otherwise. */
  readonly kind: Uint8Array;
  /** Effective visibility (messages are private), 0..2 as in VISIBILITIES, UNKNOWN_VISIBILITY otherwise. */
  readonly visibility: Uint8Array;
  /** Epoch µs; NaN when missing. */
  readonly createdAt: Float64Array;
  /** Epoch µs; NaN when not deleted. */
  readonly deletedAt: Float64Array;
  /** 1 for a malformed row. */
  readonly malformed: Uint8Array;
}

/** Members as columns, indexed as `ItemColumns.author` refers to them. */
export interface MemberColumns {
  readonly length: number;
  readonly country: readonly (string | null)[];
  /** Days since 1970-01-01; NaN when unknown. */
  readonly birthDay: Float64Array;
  /** Epoch µs; NaN when not deleted. */
  readonly deletedAt: Float64Array;
}

/** Consent events of one purpose as columns. `choice`: 1 = deny, 0 = allow. */
export interface ConsentColumns {
  readonly length: number;
  readonly member: Int32Array;
  readonly choice: Uint8Array;
  readonly at: Float64Array;
  /** 1 when the event is a GPC signal. */
  readonly gpc: Uint8Array;
}

/** Reason code 0 is "included"; code k + 1 is REASONS[k]. */
export function reasonOfCode(code: number): Reason | null {
  return code === 0 ? null : (REASONS[code - 1] ?? null);
}

const R = Object.fromEntries(REASONS.map((r, i) => [r, i + 1])) as Record<Reason, number>;

/** Per-member facts the item loop reads, computed once per policy, purpose and instant. */
interface MemberFacts {
  /** 0 unknown region, 1 excluded or no rule, 2 opt_in, 3 opt_out. */
  readonly region: Uint8Array;
  /** -1 deny, 0 no state, 1 allow. */
  readonly state: Int8Array;
  /** UTC day from which the member is old enough; NaN unknown; -Infinity with no minimum age. */
  readonly adultFrom: Float64Array;
  readonly deletedAt: Float64Array;
}

function memberFacts(
  policy: Policy,
  purpose: string,
  asOf: number,
  members: MemberColumns,
  consent: ConsentColumns,
): MemberFacts {
  const rule = policy.purposes[purpose];
  const n = members.length;
  const region = new Uint8Array(n);
  const regionByCountry = new Map<string | null, number>();
  for (let m = 0; m < n; m++) {
    const raw = members.country[m] ?? null;
    let code = regionByCountry.get(raw);
    if (code === undefined) {
      const country = normalizeCountry(raw);
      if (country === null) code = 0;
      else {
        const regime = regimeAt(rule, country, asOf).regime;
        code = regime === "opt_in" ? 2 : regime === "opt_out" ? 3 : 1;
      }
      regionByCountry.set(raw, code);
    }
    region[m] = code;
  }

  const state = new Int8Array(n);
  const stateAt = new Float64Array(n).fill(-Infinity);
  const honourGpc = rule?.gpc ?? true;
  for (let e = 0; e < consent.length; e++) {
    const at = consent.at[e]!;
    if (at > asOf) continue;
    const isGpc = consent.gpc[e] === 1;
    if (isGpc && !honourGpc) continue;
    const m = consent.member[e]!;
    if (m < 0) continue;
    const deny = isGpc || consent.choice[e] === 1;
    const prev = stateAt[m]!;
    if (at > prev || (at === prev && deny)) {
      stateAt[m] = at;
      state[m] = deny ? -1 : 1;
    }
  }

  const adultFrom = new Float64Array(n);
  if (rule === undefined || rule.minimumAge === null) adultFrom.fill(-Infinity);
  else {
    for (let m = 0; m < n; m++) {
      const b = members.birthDay[m]!;
      adultFrom[m] = Number.isNaN(b) ? Number.NaN : anniversaryDay(b, rule.minimumAge);
    }
  }
  return { region, state, adultFrom, deletedAt: members.deletedAt };
}

/**
 * Decides every item; returns one reason code per item (0 included, k + 1 = REASONS[k]).
 * Pure and single-threaded.
 */
export function evaluateBatch(
  policy: Policy,
  purpose: string,
  asOf: number,
  items: ItemColumns,
  members: MemberColumns,
  consent: ConsentColumns,
): Uint8Array {
  const rule = policy.purposes[purpose];
  const facts = memberFacts(policy, purpose, asOf, members, consent);
  // allowed[kind * 4 + visibility]: 1 when the policy allows that content class.
  const allowed = new Uint8Array((UNKNOWN_KIND + 1) * 4);
  const noRule = rule === undefined;
  if (rule !== undefined) {
    KINDS.forEach((kind, k) => {
      for (const v of rule.content[kind] ?? []) allowed[k * 4 + VISIBILITIES.indexOf(v)] = 1;
    });
  }
  const asOfDay = utcDay(asOf);
  const historyCut = rule === undefined || rule.history.include ? -Infinity : rule.history.notice;
  const out = new Uint8Array(items.length);
  const { region, state, adultFrom, deletedAt: memberDeleted } = facts;
  for (let i = 0; i < items.length; i++) {
    if (items.malformed[i] === 1) {
      out[i] = R.malformed;
      continue;
    }
    const m = items.author[i]!;
    if (m < 0) {
      out[i] = R.unknown_member;
      continue;
    }
    const created = items.createdAt[i]!;
    if (created > asOf) {
      out[i] = R.not_yet_created;
      continue;
    }
    if (items.deletedAt[i]! <= asOf || memberDeleted[m]! <= asOf) {
      out[i] = R.deleted;
      continue;
    }
    const kind = items.kind[i]!;
    if (kind === UNKNOWN_KIND) {
      out[i] = R.unknown_kind;
      continue;
    }
    if (!noRule && allowed[kind * 4 + items.visibility[i]!] !== 1) {
      out[i] = R.content_class;
      continue;
    }
    const reg = region[m]!;
    if (reg === 0) {
      out[i] = R.unknown_region;
      continue;
    }
    if (reg === 1) {
      out[i] = R.region_excluded;
      continue;
    }
    const adult = adultFrom[m]!;
    if (Number.isNaN(adult)) {
      out[i] = R.unknown_age;
      continue;
    }
    if (asOfDay < adult || Math.floor(created / 86_400_000_000) < adult) {
      out[i] = R.minor;
      continue;
    }
    const st = state[m]!;
    if (st === -1) {
      out[i] = R.opted_out;
      continue;
    }
    if (reg === 2 && st !== 1) {
      out[i] = R.no_consent;
      continue;
    }
    if (created < historyCut && st !== 1) {
      out[i] = R.before_notice;
      continue;
    }
    out[i] = 0;
  }
  return out;
}

/** A population as columns, with the id lists needed to map results back. */
export interface Population {
  readonly items: ItemColumns;
  readonly itemIds: readonly (string | null)[];
  readonly members: MemberColumns;
  readonly memberIds: readonly string[];
  readonly memberIndex: ReadonlyMap<string, number>;
}

/**
 * Builds columns from parsed rows. Member ids must be unique (a duplicate is bad input,
 * contract §3). Consent columns are built per purpose by {@link consentColumns}.
 */
export function toColumns(items: readonly Item[], members: readonly Member[]): Population {
  const memberIndex = new Map<string, number>();
  const mc = {
    length: members.length,
    country: members.map((m) => m.country),
    birthDay: new Float64Array(members.length),
    deletedAt: new Float64Array(members.length),
  };
  members.forEach((m, i) => {
    if (memberIndex.has(m.id)) {
      throw new TrainGateError("TG_E_DUPLICATE_ID", `duplicate member id ${JSON.stringify(m.id)}`, {
        id: m.id,
      });
    }
    memberIndex.set(m.id, i);
    mc.birthDay[i] = m.birthDay ?? Number.NaN;
    mc.deletedAt[i] = m.deletedAt ?? Number.NaN;
  });
  const n = items.length;
  const ic = {
    length: n,
    author: new Int32Array(n),
    kind: new Uint8Array(n),
    visibility: new Uint8Array(n),
    createdAt: new Float64Array(n),
    deletedAt: new Float64Array(n),
    malformed: new Uint8Array(n),
  };
  items.forEach((it, i) => {
    ic.malformed[i] = isMalformed(it) ? 1 : 0;
    ic.author[i] = it.authorId === null ? -1 : (memberIndex.get(it.authorId) ?? -1);
    const k = it.kind === null ? -1 : (KINDS as readonly string[]).indexOf(it.kind);
    ic.kind[i] = k < 0 ? UNKNOWN_KIND : k;
    const v = effectiveVisibility(it.kind, it.visibility);
    ic.visibility[i] = v === null ? UNKNOWN_VISIBILITY : VISIBILITIES.indexOf(v);
    ic.createdAt[i] = it.createdAt ?? Number.NaN;
    ic.deletedAt[i] = it.deletedAt ?? Number.NaN;
  });
  return {
    items: ic,
    itemIds: items.map((it) => it.id),
    members: mc,
    memberIds: members.map((m) => m.id),
    memberIndex,
  };
}

/** Consent events of one purpose as columns over a population's member index. */
export function consentColumns(
  events: readonly ConsentEvent[],
  purpose: string,
  memberIndex: ReadonlyMap<string, number>,
): ConsentColumns {
  const mine = events.filter((e) => e.purpose === purpose);
  const n = mine.length;
  const cc = {
    length: n,
    member: new Int32Array(n),
    choice: new Uint8Array(n),
    at: new Float64Array(n),
    gpc: new Uint8Array(n),
  };
  mine.forEach((e, i) => {
    cc.member[i] = memberIndex.get(e.memberId) ?? -1;
    cc.choice[i] = e.choice === "deny" ? 1 : 0;
    cc.at[i] = e.at;
    cc.gpc[i] = e.source === "gpc" ? 1 : 0;
  });
  return cc;
}
