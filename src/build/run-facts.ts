/**
 * The run facts lineage stores beside a build's ids (src/lineage/run-members.ts): included
 * authors by consent state at as-of, and members per reporting region group with how many
 * were included. Computed inside DuckDB from the tables the build already loaded, after the
 * decision and before the members and consent tables are dropped, so registering the run
 * never reads the members file, the consent file or the ledger a second time.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import type { MemberConsentCounts, RegionMembers } from "../lineage/run-members.js";
import { utcText } from "../policy/compile/sql-compiler.js";
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
 * their `author_id`), `members` and `consent_events` (where a `gpc` event's choice is
 * already `deny`). Consent as `memberConsentCounts`: per included author the latest event
 * of `purpose` with `at <= asOf`, deny winning ties, `gpc` events only when the purpose
 * honours GPC; `allow` counts those whose state is allow, `none` the other included authors.
 */
export async function runFacts(
  conn: DuckDBConnection,
  policy: Policy,
  purpose: string,
  asOf: number,
): Promise<RunFacts> {
  const honourGpc = policy.purposes[purpose]?.gpc ?? true;
  const authors = "(SELECT DISTINCT author_id FROM decided WHERE reason IS NULL)";
  const consent = await conn.runAndReadAll(`WITH a AS ${authors},
    latest AS (
      SELECT e.member_id,
        -- deny sorts after allow at the same instant, so the maximum is the state.
        max({'at': e."at", 'deny': e.choice = 'deny'}).deny AS deny
      FROM consent_events AS e SEMI JOIN a ON a.author_id = e.member_id
      WHERE e.purpose = ${sqlString(purpose)}
        AND e."at" <= TIMESTAMPTZ '${utcText(asOf)}+00'
        ${honourGpc ? "" : "AND e.source <> 'gpc'"}
      GROUP BY e.member_id
    )
    SELECT (SELECT COUNT(*) FROM a), (SELECT COUNT(*) FROM latest WHERE NOT deny)`);
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
