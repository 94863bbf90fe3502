import type { Regime } from "../domain.js";
import type { PurposeRule, RegimePeriod } from "../model.js";
import { regionKeys } from "../regions.js";

/** The regime in force for a country at an instant, and which policy key decided it. */
export interface RegimeInForce {
  /** The region key that matched (`DE`, `EEA`, `REST`, ...), or null when none did. */
  readonly key: string | null;
  readonly regime: Regime | null;
  readonly period: RegimePeriod | null;
}

const NONE: RegimeInForce = Object.freeze({ key: null, regime: null, period: null });

/** True when `at` lies in `[from, until)` (contract §3: from inclusive, until exclusive). */
export function periodContains(p: RegimePeriod, at: number): boolean {
  return (p.from === null || p.from <= at) && (p.until === null || at < p.until);
}

/**
 * The regime for `country` at `at`. Keys are tried most specific first (the country, then
 * `EU`, `EEA`, `CH`, `GB` or `REST`); the first key with a period in force decides. No key in
 * force means no rule: the caller excludes (`region_excluded`). An unknown country matches
 * nothing.
 */
export function regimeAt(
  rule: PurposeRule | undefined,
  country: string | null,
  at: number,
): RegimeInForce {
  if (rule === undefined) return NONE;
  for (const key of regionKeys(country)) {
    const periods = rule.regions[key];
    if (periods === undefined) continue;
    for (const p of periods) {
      if (periodContains(p, at)) return { key, regime: p.regime, period: p };
    }
  }
  return NONE;
}
