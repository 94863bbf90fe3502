/**
 * The run facts lineage stores beside a build's ids (src/lineage/run-members.ts): included
 * authors by consent state at as-of, and members per reporting region group with how many
 * were included. Computed inside DuckDB from the tables the build already loaded, after the
 * decision and before the members and consent tables are dropped, so registering the run
 * never reads the members file, the consent file or the ledger a second time.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import type { MemberConsentCounts, RegionMembers } from "../lineage/run-members.js";
import { compilerFor } from "../policy/compile/compile-sql.js";
import { planDecision } from "../policy/compile/decision-plan.js";
import type { Policy } from "../policy/model.js";
import { ISO_COUNTRIES, reportingGroup } from "../policy/regions.js";
import { sqlString } from "./input-scan.js";

/** What lineage registers about a run's members besides their ids. */
export interface RunFacts {
  readonly memberConsent: MemberConsentCounts;
  readonly regions: RegionMembers;
}

/** The report's region groups in a fixed order (the JSON stored does not depend on row order). */
const GROUP_ORDER = ["EEA", "CH", "GB", "REST", "unknown"];

/**
 * Every country value `reportingGroup` maps to a group, with its group: the assigned codes
 * and `UK`. Anything else (lower case, padded, unassigned, NULL) is `unknown`, as in JS.
 */
function groupValues(): string {
  return [...ISO_COUNTRIES, "UK"]
    .map((c) => `(${sqlString(c)}, ${sqlString(reportingGroup(c) ?? "unknown")})`)
    .join(", ");
}

/**
 * Computes the run facts from tables `decided` (the included rows have `reason IS NULL` and
 * their `author_id`), `members` and `consent_events`. Consent as the decision reads it (the
 * compiler's `consentStateQuery`: latest event of `purpose` with `at <= asOf`, deny winning
 * ties, `gpc` events only when the purpose honours GPC); `allow` counts the included authors
 * whose state is allow, `none` the others.
 */
export async function runFacts(
  conn: DuckDBConnection,
  policy: Policy,
  purpose: string,
  asOf: number,
): Promise<RunFacts> {
  const authors = "(SELECT DISTINCT author_id FROM decided WHERE reason IS NULL)";
  const states = compilerFor("duckdb").consentStateQuery(planDecision(policy, purpose, asOf));
  const consent = await conn.runAndReadAll(`WITH a AS ${authors}
    SELECT (SELECT COUNT(*) FROM a),
      (SELECT COUNT(*) FROM (${states}) AS s SEMI JOIN a ON a.author_id = s.member_id
       WHERE s.state = 'allow')`);
  const [authorCount = 0, allow = 0] = (consent.getRows()[0] ?? []).map(Number);

  const groups = await conn.runAndReadAll(`WITH a AS ${authors},
    g(country, grp) AS (VALUES ${groupValues()})
    SELECT COALESCE(g.grp, 'unknown'), COUNT(*), COUNT(a.author_id)
    FROM members AS m
      LEFT JOIN g ON g.country = m.country
      LEFT JOIN a ON a.author_id = m.id
    GROUP BY ALL`);
  const cells = new Map<string, { members: number; included: number }>();
  for (const [grp, members, included] of groups.getRows())
    cells.set(String(grp), { members: Number(members), included: Number(included) });
  const regions: RegionMembers = {};
  for (const grp of GROUP_ORDER) {
    const cell = cells.get(grp);
    if (cell !== undefined) regions[grp] = cell;
  }
  return { memberConsent: { allow, none: authorCount - allow }, regions };
}
