/**
 * Plain-language formatting shared by every page: dates in the reader's locale (with the
 * exact instant kept in `dateTime` attributes), numbers with grouping, and the product's
 * vocabulary (purposes, sources, regimes, regions, reasons) in words a member understands.
 */
import { REASON_TEXT, type Reason } from "../../../src/policy/domain.js";

const PURPOSES: Readonly<Record<string, string>> = {
  genai_training: "Generative AI training",
  safety_training: "Safety model training",
  ads_targeting: "Ads targeting models",
};

const SOURCES: Readonly<Record<string, string>> = {
  settings: "You, in settings",
  api: "An app you use (API)",
  gpc: "Your browser's Global Privacy Control signal",
  import: "Imported from an earlier system",
  admin: "Changed by the privacy team",
};

const REGIMES: Readonly<Record<string, string>> = {
  excluded: "never used in your region",
  opt_in: "used only if you say yes (opt-in)",
  opt_out: "used unless you say no (opt-out)",
};

const REGIONS: Readonly<Record<string, string>> = {
  EU: "European Union",
  EEA: "European Economic Area",
  CH: "Switzerland",
  GB: "United Kingdom",
  REST: "Rest of the world",
  UNKNOWN: "Unknown region",
};

/** A purpose id in words ("genai_training" → "Generative AI training"). */
export function purposeName(purpose: string): string {
  return PURPOSES[purpose] ?? purpose.replaceAll("_", " ");
}

/** A consent source in words. */
export function sourceName(source: string | null | undefined): string {
  if (source === null || source === undefined || source === "") return "Your region's default";
  return SOURCES[source] ?? source;
}

/** A regime in words. */
export function regimeName(regime: string | null | undefined): string {
  if (regime === null || regime === undefined) return "no rule";
  return REGIMES[regime] ?? regime.replaceAll("_", " ");
}

/** A region key in words. */
export function regionName(region: string | null | undefined): string {
  if (region === null || region === undefined || region === "") return "Unknown region";
  return REGIONS[region.toUpperCase()] ?? region;
}

/** An exclusion reason code in words (the contract's own descriptions). */
export function reasonText(reason: string): string {
  return (REASON_TEXT as Readonly<Record<string, string>>)[reason] ?? reason;
}

/** A short label for a reason code ("opted_out" → "opted out"). */
export function reasonLabel(reason: Reason | string): string {
  return reason.replaceAll("_", " ");
}

const dateFmt = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
const dateTimeFmt = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const numFmt = new Intl.NumberFormat();
const pctFmt = new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 1 });

/** A date for display, or "—" when absent or unparseable. */
export function formatDate(iso: string | null | undefined, withTime = false): string {
  if (iso === null || iso === undefined) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return (withTime ? dateTimeFmt : dateFmt).format(d);
}

/** A count with grouping separators. */
export function formatNumber(n: number | null | undefined): string {
  return n === null || n === undefined ? "—" : numFmt.format(n);
}

/** A ratio (0..1) as a percentage. */
export function formatPercent(r: number | null | undefined): string {
  return r === null || r === undefined || Number.isNaN(r) ? "—" : pctFmt.format(r);
}

/** A signed difference ("+12", "−3", "0"). */
export function formatDelta(n: number): string {
  if (n === 0) return "0";
  return n > 0 ? `+${numFmt.format(n)}` : `−${numFmt.format(-n)}`;
}

/** A count with its noun, singular or plural ("1 item", "3 items"). */
export function formatCount(n: number, noun: string): string {
  return `${numFmt.format(n)} ${n === 1 ? noun : `${noun}s`}`;
}
