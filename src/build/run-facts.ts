/**
 * The run facts lineage stores beside a build's ids (src/lineage/run-members.ts): included
 * authors by consent state at as-of, and members per reporting region group with how many
 * were included. Computed inside DuckDB from the tables the build already made, after the
 * decision and before they are dropped, so registering the run never reads the members file,
 * the consent file or the ledger a second time, and no consent state is computed twice.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import type { MemberConsentCounts, RegionMembers } from "../lineage/run-members.js";
import { MEMBER_BITS } from "../policy/compile/sql-compiler.js";
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
 * Computes the run facts from tables `included_rows` (the included items, with their
 * `author_id`), `decision_authors` (each member's tests as the decision read them: the
 * compiler's `packedAuthorsQuery`, whose `notAllowed` bit is clear exactly when the consent
 * state is allow) and `members`. `allow` counts the included authors whose state is allow,
 * `none` the others.
 */
export async function runFacts(conn: DuckDBConnection): Promise<RunFacts> {
  const authors = "(SELECT DISTINCT author_id FROM included_rows)";
  const consent = await conn.runAndReadAll(`WITH a AS ${authors}
    SELECT (SELECT COUNT(*) FROM a),
      (SELECT COUNT(*) FROM decision_authors AS s SEMI JOIN a ON a.author_id = s.member_id
       WHERE (s.flags & ${MEMBER_BITS.notAllowed}) = 0)`);
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
