/**
 * Countries and region groups (contract §2). The list of ISO 3166-1 alpha-2 codes comes from
 * `i18n-iso-countries`, minus `XK` (Kosovo), which is a user-assigned code, not an ISO one.
 */
import countries from "i18n-iso-countries";

/** The region groups of the contract, most specific first. */
export const REGION_GROUPS = ["EU", "EEA", "CH", "GB", "REST"] as const;
export type RegionGroup = (typeof REGION_GROUPS)[number];

/** EU member states (contract §2). */
export const EU_COUNTRIES: readonly string[] = Object.freeze(
  "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split(" "),
);
/** EEA states outside the EU. */
export const EEA_EXTRA_COUNTRIES: readonly string[] = Object.freeze(["IS", "LI", "NO"]);

/** Every assigned ISO 3166-1 alpha-2 code, upper case, sorted. */
export const ISO_COUNTRIES: readonly string[] = Object.freeze(
  Object.keys(countries.getAlpha2Codes())
    .filter((code) => code !== "XK")
    .sort(),
);

const VALID = new Set(ISO_COUNTRIES);
const EU = new Set(EU_COUNTRIES);
const EEA_EXTRA = new Set(EEA_EXTRA_COUNTRIES);

/**
 * Normalises a country column value: `UK` becomes `GB`; anything that is not an assigned
 * upper-case alpha-2 code (lower case, padded, empty, null) gives null, the unknown region.
 */
export function normalizeCountry(country: string | null | undefined): string | null {
  if (country === null || country === undefined) return null;
  if (country === "UK") return "GB";
  return VALID.has(country) ? country : null;
}

/**
 * The keys a policy may use for a valid country, most specific first: the country itself,
 * then its groups. `DE` gives `[DE, EU, EEA]`; `NO` gives `[NO, EEA]`; `US` gives `[US, REST]`.
 * Returns an empty array for an unknown region.
 */
export function regionKeys(country: string | null | undefined): readonly string[] {
  const code = normalizeCountry(country);
  if (code === null) return [];
  if (EU.has(code)) return [code, "EU", "EEA"];
  if (EEA_EXTRA.has(code)) return [code, "EEA"];
  if (code === "CH") return ["CH"];
  if (code === "GB") return ["GB"];
  return [code, "REST"];
}

/** The coarsest reporting group of a country (EEA for EU members), or null when unknown. */
export function reportingGroup(
  country: string | null | undefined,
): "EEA" | "CH" | "GB" | "REST" | null {
  const keys = regionKeys(country);
  if (keys.length === 0) return null;
  const last = keys[keys.length - 1];
  return last === "EEA" || last === "CH" || last === "GB" || last === "REST" ? last : null;
}

/** True when a policy region key is a group or an assigned country code. */
export function isRegionKey(key: string): boolean {
  return (REGION_GROUPS as readonly string[]).includes(key) || VALID.has(key);
}
