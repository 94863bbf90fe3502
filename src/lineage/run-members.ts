/**
 * Facts about a run's contributing members that the manifest does not carry but the
 * transparency report needs: how many were included by an explicit `allow` versus because
 * they never chose (defaulted in under opt_out), and members used per region group. The
 * build computes them inside DuckDB (src/build/run-facts.ts); test/lineage/run-members-
 * reference.ts defines them in JavaScript, and the tests hold the two together.
 */

/** Included members by consent state at as-of. */
export interface MemberConsentCounts {
  readonly allow: number;
  readonly none: number;
}

/** Per region group (EEA, CH, GB, REST, unknown): members in the export and members used. */
export type RegionMembers = Record<string, { members: number; included: number }>;
