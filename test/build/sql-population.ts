/**
 * Loads a test population into SQL tables with the contract's column types (§6): timestamps
 * as TIMESTAMP WITH TIME ZONE, dates as DATE, everything else text. Shared by the DuckDB and
 * PostgreSQL legs of the differential tests, so both engines see the same rows.
 */
import fc from "fast-check";
import { utcText } from "../../src/policy/compile/sql-compiler.js";
import type { ConsentEvent, Item, Member } from "../../src/policy/domain.js";
import { KINDS, REGIMES, VISIBILITIES } from "../../src/policy/domain.js";
import type { Policy, PurposeRule, RegimePeriod } from "../../src/policy/model.js";
import { REDACTION_TYPES } from "../../src/policy/model.js";
import { formatDate } from "../../src/policy/time.js";
import { PIVOTS, type TestPopulation } from "../fixtures/population.js";

/** The DDL of the three tables (portable across DuckDB and PostgreSQL). */
export const CREATE_TABLES = [
  "CREATE TABLE members (id TEXT, country TEXT, birth_date DATE, display_name TEXT, created_at TIMESTAMPTZ, deleted_at TIMESTAMPTZ)",
  "CREATE TABLE items (id TEXT, author_id TEXT, kind TEXT, visibility TEXT, created_at TIMESTAMPTZ, deleted_at TIMESTAMPTZ, text TEXT, lang TEXT)",
  'CREATE TABLE consent_events (member_id TEXT, purpose TEXT, choice TEXT, "at" TIMESTAMPTZ, source TEXT)',
];

function str(v: string | null): string {
  return v === null ? "NULL" : `'${v.replaceAll("'", "''")}'`;
}
function tsz(v: number | null): string {
  return v === null ? "NULL" : `CAST('${utcText(v)}+00' AS TIMESTAMPTZ)`;
}
function date(v: number | null): string {
  return v === null ? "NULL" : `DATE '${formatDate(v)}'`;
}

/** INSERT statements for a population (none for an empty table). */
export function insertStatements(pop: TestPopulation): string[] {
  const out: string[] = [];
  const m = pop.members.map(
    (r: Member) =>
      `(${str(r.id)}, ${str(r.country)}, ${date(r.birthDay)}, ${str(r.displayName)}, ${tsz(r.createdAt)}, ${tsz(r.deletedAt)})`,
  );
  if (m.length > 0) out.push(`INSERT INTO members VALUES ${m.join(", ")}`);
  const i = pop.items.map(
    (r: Item) =>
      `(${str(r.id)}, ${str(r.authorId)}, ${str(r.kind)}, ${str(r.visibility)}, ${tsz(r.createdAt)}, ${tsz(r.deletedAt)}, ${str(r.text)}, ${str(r.lang)})`,
  );
  if (i.length > 0) out.push(`INSERT INTO items VALUES ${i.join(", ")}`);
  const e = pop.events.map(
    (r: ConsentEvent) =>
      `(${str(r.memberId)}, ${str(r.purpose)}, ${str(r.choice)}, ${tsz(r.at)}, ${str(r.source)})`,
  );
  if (e.length > 0) out.push(`INSERT INTO consent_events VALUES ${e.join(", ")}`);
  return out;
}

const periodArb: fc.Arbitrary<RegimePeriod[]> = fc.oneof(
  fc.constantFrom(...REGIMES).map((regime) => [{ regime, from: null, until: null }]),
  fc
    .tuple(fc.constantFrom(...REGIMES), fc.constantFrom(...REGIMES), fc.constantFrom(...PIVOTS))
    .map(([a, b, at]) => [
      { regime: a, from: null, until: at },
      { regime: b, from: at, until: null },
    ]),
  fc
    .tuple(fc.constantFrom(...REGIMES), fc.constantFrom(...PIVOTS))
    .map(([regime, at]) => [{ regime, from: at, until: null }]),
);

const ruleArb: fc.Arbitrary<PurposeRule> = fc
  .record({
    regions: fc.dictionary(
      fc.constantFrom("EU", "EEA", "CH", "GB", "REST", "DE", "US", "NO", "FR", "IN"),
      periodArb,
      { maxKeys: 6 },
    ),
    content: fc.dictionary(
      fc.constantFrom(...KINDS),
      fc.subarray([...VISIBILITIES], { minLength: 1 }),
      { maxKeys: 5 },
    ),
    minimumAge: fc.constantFrom(null, 13, 16, 18),
    notice: fc.option(fc.constantFrom(...PIVOTS), { nil: null }),
    gpc: fc.boolean(),
  })
  .map((r) => ({
    regions: r.regions,
    content: r.content,
    minimumAge: r.minimumAge,
    history:
      r.notice === null
        ? { include: true as const }
        : { include: false as const, notice: r.notice },
    gpc: r.gpc,
  }));

/** Random resolved policies: region keys of every specificity, dated periods, gpc on and off. */
export const policyArb: fc.Arbitrary<Policy> = fc
  .record({ genai: fc.option(ruleArb, { nil: null }), ads: fc.option(ruleArb, { nil: null }) })
  .map(({ genai, ads }) => {
    const purposes: Record<string, PurposeRule> = {};
    if (genai !== null) purposes["genai_training"] = genai;
    if (ads !== null) purposes["ads_targeting"] = ads;
    return {
      name: "random",
      title: "random",
      description: "",
      sources: [],
      extendsChain: [],
      purposes,
      redact: Object.fromEntries(REDACTION_TYPES.map((t) => [t, true])),
    };
  });

/** `m7` with 3 members becomes `m1`: authors and events land on real members more often. */
function fold(id: string | null, n: number): string | null {
  const m = id === null ? null : /^m(\d+)$/.exec(id);
  return m ? `m${Number(m[1]) % n}` : id;
}

/**
 * Makes a population reach the later reasons more often: most authors and events are folded
 * onto existing members, some gpc events say `allow` (they are denies), and some events tie
 * on `at` with the opposite choice.
 */
export function roughen(pop: TestPopulation, seed: number): TestPopulation {
  const n = Math.max(1, pop.members.length);
  const items = pop.items.map((it) => ({ ...it, authorId: fold(it.authorId, n) }));
  const events = pop.events.map((e, k) => {
    const folded = { ...e, memberId: fold(e.memberId, n) ?? e.memberId };
    return e.source === "gpc" && (k + seed) % 2 === 0
      ? { ...folded, choice: "allow" as const }
      : folded;
  });
  const first = events[0];
  if (first !== undefined && seed % 3 === 0)
    events.push({ ...first, choice: first.choice === "allow" ? "deny" : "allow", source: "api" });
  return { ...pop, items, events };
}
