/**
 * DuckDB's consent state (one grouped maximum over a packed key, see DuckDbCompiler) against
 * the ROW_NUMBER shape every other dialect uses, on the cases the packing could get wrong:
 * instants before 1970 (negative epochs), -infinity, ties at one instant between deny, GPC,
 * allow, a choice the contract does not know and NULL, other purposes and events after T.
 * The ROW_NUMBER shape's state other than allow or deny must read as NULL (the decision
 * treats both alike); everything else must be equal, member by member.
 */
import { DuckDBInstance } from "@duckdb/node-api";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadPreset } from "../../src/config/load-policy.js";
import type { DecisionPlan } from "../../src/policy/compile/decision-plan.js";
import { DuckDbCompiler } from "../../src/policy/compile/duckdb/duckdb-compiler.js";
import { SqlCompiler } from "../../src/policy/compile/sql-compiler.js";
import { parseTimestamp } from "../../src/policy/time.js";
import { CREATE_TABLES } from "./sql-population.js";

/** DuckDB's compiler with the base class's ROW_NUMBER consent state. */
class RowNumberDuckDb extends DuckDbCompiler {
  protected override consentState(plan: DecisionPlan): string[] {
    const base = SqlCompiler.prototype as unknown as {
      consentState(this: SqlCompiler, p: DecisionPlan): string[];
    };
    return base.consentState.call(this, plan);
  }
}

const AS_OF = parseTimestamp("2025-06-01T00:00:00Z")!;
const policy = loadPreset("recommended");

/** The compiled query, ending in the consent state instead of the decision. */
function stateQuery(compiler: SqlCompiler, gpc: boolean): string {
  const p = gpc ? policy : { ...policy, purposes: { ...policy.purposes } };
  if (!gpc) {
    const rule = p.purposes["genai_training"]!;
    (p.purposes as Record<string, unknown>)["genai_training"] = { ...rule, gpc: false };
  }
  const sql = compiler.compile(p, "genai_training", AS_OF);
  const cut = sql.indexOf("), authors AS (");
  return `${sql.slice(0, cut)})\nSELECT member_id, state FROM consent_state ORDER BY member_id`;
}

const AT = [
  "'-infinity'",
  "'1969-12-31 23:59:59.999999+00'",
  "'1900-01-01 00:00:00+00'",
  "'1970-01-01 00:00:00+00'",
  "'2024-01-01 00:00:00+00'",
  "'2025-06-01 00:00:00+00'",
  "'2025-06-01 00:00:00.000001+00'",
  "'infinity'",
];

const eventArb = fc.record({
  member: fc.integer({ min: 0, max: 5 }),
  purpose: fc.constantFrom("genai_training", "genai_training", "ads_targeting"),
  choice: fc.constantFrom("'allow'", "'deny'", "'maybe'", "NULL"),
  at: fc.constantFrom(...AT),
  source: fc.constantFrom("'settings'", "'gpc'", "'import'", "NULL"),
});

describe("DuckDB consent state", () => {
  let db: DuckDBInstance;
  beforeAll(async () => {
    db = await DuckDBInstance.create(":memory:");
  });
  afterAll(() => db.closeSync());

  it("equals the ROW_NUMBER shape on ties, negative epochs and infinities", async () => {
    const packed = new DuckDbCompiler();
    const ranked = new RowNumberDuckDb();
    await fc.assert(
      fc.asyncProperty(fc.array(eventArb, { maxLength: 25 }), fc.boolean(), async (events, gpc) => {
        const conn = await db.connect();
        try {
          await conn.run("SET TimeZone = 'UTC'");
          for (const t of ["members", "items", "consent_events"])
            await conn.run(`DROP TABLE IF EXISTS ${t}`);
          for (const s of CREATE_TABLES) await conn.run(s);
          for (const e of events)
            await conn.run(
              `INSERT INTO consent_events VALUES ('m${e.member}', '${e.purpose}', ${e.choice}, TIMESTAMPTZ ${e.at}, ${e.source})`,
            );
          const read = async (c: SqlCompiler) =>
            (await conn.runAndReadAll(stateQuery(c, gpc))).getRows().map(([m, s]) => ({
              member: String(m),
              state: s === "allow" || s === "deny" ? s : null,
            }));
          expect(await read(packed)).toEqual(await read(ranked));
        } finally {
          conn.closeSync();
        }
      }),
      { numRuns: 150 },
    );
  });
});
