/**
 * The constants a compiled SQL decision needs, read from a policy for one purpose at one
 * instant T. T is fixed at compile time, so everything that depends only on the policy and T
 * (the regime of every country, the allowed content classes, the latest birth date that is
 * adult at T) is decided here by the reference functions themselves (`regimeAt`,
 * `anniversaryDay`); the SQL only has to look values up. Pure.
 */
import { KINDS, type Kind, VISIBILITIES, type Visibility } from "../domain.js";
import { regimeAt } from "../evaluate/regime-at.js";
import type { Policy } from "../model.js";
import { ISO_COUNTRIES } from "../regions.js";
import { anniversaryDay, civilFromDays, daysFromCivil, utcDay } from "../time.js";

/** One kind and the visibilities (as the policy sees them) that qualify for it. */
export interface ContentClass {
  readonly kind: Kind;
  readonly visibilities: readonly Visibility[];
}

/** Everything the SQL of one decision needs, as plain data. */
export interface DecisionPlan {
  readonly purpose: string;
  /** The instant T, epoch microseconds. */
  readonly asOf: number;
  /** False when the policy has no rule for the purpose (content is then not checked). */
  readonly hasRule: boolean;
  /** Kinds the purpose uses, with the effective visibilities allowed (a message is private). */
  readonly content: readonly ContentClass[];
  /** Every valid country code (upper case, `UK` is normalised to `GB` before the lookup). */
  readonly countries: readonly string[];
  /** Valid countries whose regime at T is `opt_in` or `opt_out` (others: region_excluded). */
  readonly usable: readonly string[];
  /** Valid countries whose regime at T is `opt_in`. */
  readonly optIn: readonly string[];
  readonly minimumAge: number | null;
  /** With a minimum age: the latest birth day (days since epoch) that is of age on T's UTC date. */
  readonly adultBornBy: number | null;
  /** When history before the notice is excluded: the notice instant (µs). */
  readonly notice: number | null;
  /** Whether `gpc` events count for this purpose. */
  readonly gpc: boolean;
}

/**
 * The latest birth day whose `years`-th anniversary (29 February → 1 March in non-leap years)
 * is on or before `day`. Found from the calendar guess and corrected with `anniversaryDay`,
 * so it agrees with the evaluator by construction.
 */
export function latestBirthDayOfAge(day: number, years: number): number {
  const { year, month, day: dom } = civilFromDays(day);
  // The same calendar day `years` earlier (29 Feb may land on 1 Mar); the loops fix it up.
  let b = daysFromCivil(year - years, month, 1) + dom - 1;
  while (anniversaryDay(b + 1, years) <= day) b++;
  while (anniversaryDay(b, years) > day) b--;
  return b;
}

/** Reads the decision constants of `purpose` at `asOf` from a resolved policy. */
export function planDecision(policy: Policy, purpose: string, asOf: number): DecisionPlan {
  const rule = policy.purposes[purpose];
  const content: ContentClass[] = [];
  if (rule !== undefined) {
    for (const kind of KINDS) {
      const allowed = rule.content[kind];
      if (allowed === undefined) continue;
      // A message is private whatever its row says, so only `private` can let one through.
      const visibilities =
        kind === "message"
          ? allowed.includes("private")
            ? (["private"] as const)
            : []
          : VISIBILITIES.filter((v) => allowed.includes(v));
      if (visibilities.length > 0) content.push({ kind, visibilities });
    }
  }
  const usable: string[] = [];
  const optIn: string[] = [];
  for (const country of ISO_COUNTRIES) {
    const { regime } = regimeAt(rule, country, asOf);
    if (regime === "opt_in" || regime === "opt_out") usable.push(country);
    if (regime === "opt_in") optIn.push(country);
  }
  const minimumAge = rule?.minimumAge ?? null;
  return Object.freeze({
    purpose,
    asOf,
    hasRule: rule !== undefined,
    content: Object.freeze(content),
    countries: ISO_COUNTRIES,
    usable: Object.freeze(usable),
    optIn: Object.freeze(optIn),
    minimumAge,
    adultBornBy: minimumAge === null ? null : latestBirthDayOfAge(utcDay(asOf), minimumAge),
    notice: rule !== undefined && !rule.history.include ? rule.history.notice : null,
    gpc: rule?.gpc ?? true,
  });
}
