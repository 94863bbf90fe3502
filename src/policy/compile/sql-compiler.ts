/**
 * The dialect-agnostic SQL compiler of a decision (contract §6). It writes one SELECT over
 * the tables `members`, `items` and `consent_events` that returns, for every row of `items`,
 * `id`, `included` and `reason` (the first reason of contract §3, NULL when included),
 * deciding exactly as `decideItem` does. Each dialect subclasses it and overrides only its
 * quirks: literals, the UTC date of an instant, subtracting years, identifier quoting.
 *
 * Shape of the query:
 * - `member_facts`: one row per member id. A member id that appears more than once is a bad
 *   export; the query does not guess which row is right and treats the author as unknown
 *   (`unknown_member`, fail closed). Items are never duplicated by the join.
 * - `consent_ranked`/`consent_state`: the latest event with `at <= T` per member for the
 *   purpose, deny first on ties, through ROW_NUMBER rather than DuckDB's ASOF JOIN, because
 *   PostgreSQL, Spark and Trino have no ASOF JOIN and one shape serves them all (DuckDB
 *   overrides it with one grouped maximum, see its compiler).
 * - `authors`: member facts, consent state and the region's regime at T, once per member, so
 *   each item needs one join and no per-item country lookups.
 * - `decided`: a CASE that tries the reasons in precedence order.
 * The build asks for a variant of the same rule (`packedAuthors`, `reasonCodes`): the member
 * tests packed into bits, reasons as codes. Pure: no I/O.
 */
import { REASONS, type Reason } from "../domain.js";
import type { Policy } from "../model.js";
import { formatDate } from "../time.js";
import { type DecisionPlan, planDecision } from "./decision-plan.js";

/**
 * Columns of `items` the build can carry through the decision, beside id/included/reason:
 * the contract's, and `frn`, the row's position in the items file, which the build's `items`
 * adds (src/build/load-inputs.ts).
 */
export const ITEM_COLUMNS = [
  "author_id",
  "kind",
  "visibility",
  "created_at",
  "deleted_at",
  "text",
  "lang",
  "frn",
] as const;
export type ItemColumn = (typeof ITEM_COLUMNS)[number];

/** Options of one compilation. */
export interface CompileOptions {
  /** Extra `items` columns to return after `reason` (the build uses them; the CLI does not). */
  readonly carry?: readonly ItemColumn[];
  /**
   * The caller has already refused an export with a repeated member id (the build does, in
   * its members stage, naming the id): `member_facts` is then a projection of `members`, not
   * a GROUP BY, and every member has one copy. The CLI's query never assumes it.
   */
  readonly membersUnique?: boolean;
  /**
   * The name of a table the caller has already filled with `authorsQuery` (same plan and
   * options): the decision then joins the items with that table instead of computing the
   * `authors` CTE. The build does this so DuckDB joins the items with a stored table; with
   * the CTE, DuckDB ran out of memory under a memory limit smaller than the export instead
   * of spilling (a 2M-item build at 150MB).
   */
  readonly authorsTable?: string;
  /**
   * Each member's tests are read as bits of one integer, `flags`, beside `birth_date` (which
   * the item's minimum-age test still needs), so the join carries three narrow columns
   * instead of eight (the build's join of 10M items with 2M members: 2.3 CPU-s instead of
   * 3.7). Every member test is the same expression as in the printed query, evaluated once
   * per member instead of per item. With `authorsTable`, that table holds
   * `packedAuthorsQuery` (same plan and options); without it, the packed authors are a CTE.
   */
  readonly packedAuthors?: boolean;
  /**
   * `reason` as its code, 1 + its place in REASONS (NULL when included), instead of its name:
   * the build stores codes and need not map names back.
   */
  readonly reasonCodes?: boolean;
}

/**
 * The member tests of the decision (contract §3), as bits of `flags` in packed authors
 * (`packedAuthorsQuery`). A member without a row has no flags (NULL): unknown.
 */
export const MEMBER_BITS = {
  repeated: 1,
  deleted: 2,
  noCountry: 4,
  unusable: 8,
  noBirthDate: 16,
  bornAfterAdult: 32,
  denied: 64,
  optInNotAllowed: 128,
  notAllowed: 256,
} as const;
type MemberTest = keyof typeof MEMBER_BITS;

const INDENT = "  ";

/** Base SQL compiler: standard SQL; subclasses override the quirks of their engine. */
export abstract class SqlCompiler {
  /** The dialect's name as the CLI spells it. */
  abstract readonly dialect: string;

  /** Compiles the decision of `purpose` at `asOf` (epoch µs) under `policy` to one SELECT. */
  compile(policy: Policy, purpose: string, asOf: number, options: CompileOptions = {}): string {
    return this.compilePlan(planDecision(policy, purpose, asOf), options);
  }

  /** Compiles an already computed plan (see `planDecision`). */
  compilePlan(plan: DecisionPlan, options: CompileOptions = {}): string {
    const carry = (options.carry ?? []).map((c) => `,\n${INDENT}${this.col(c)}`).join("");
    const packed = options.packedAuthors === true;
    // The CTEs before `decided`, and the member table the items join.
    let authors = ["WITH decided AS ("];
    let joined = "authors";
    if (options.authorsTable !== undefined) joined = this.ident(options.authorsTable);
    else if (packed) {
      authors = [
        ...this.authorsCtes(plan, options),
        "), packed_authors AS (",
        ...this.packedSelect(plan).map((l) => `${INDENT}${l}`),
        "), decided AS (",
      ];
      joined = "packed_authors";
    } else authors = [...this.authorsCtes(plan, options), "), decided AS ("];
    return [
      ...authors,
      `${INDENT}SELECT ${this.col("id", "i")} AS id, CASE`,
      ...this.reasonCases(plan, packed).map(
        ([when, reason]) =>
          `${INDENT}${INDENT}WHEN ${when} THEN ${options.reasonCodes ? String(1 + REASONS.indexOf(reason)) : this.string(reason)}`,
      ),
      `${INDENT}${INDENT}ELSE NULL END AS reason${(options.carry ?? []).map((c) => `, ${this.col(c, "i")} AS ${this.ident(c)}`).join("")}`,
      `${INDENT}FROM items AS i`,
      `${INDENT}LEFT JOIN ${joined} AS m ON m.member_id = ${this.col("author_id", "i")}`,
      ")",
      `SELECT id, reason IS NULL AS included, reason${carry}`,
      "FROM decided",
    ].join("\n");
  }

  /**
   * What the decision knows of each member, once per member, as one SELECT: `(member_id,
   * copies, country, birth_date, deleted_at, state, usable, opt_in)`; see `authorsTable`.
   */
  authorsQuery(plan: DecisionPlan, options: CompileOptions = {}): string {
    return [...this.authorsCtes(plan, options), ")", "SELECT * FROM authors"].join("\n");
  }

  /**
   * What the decision knows of each member as `(member_id, flags, birth_date)`: `flags` has
   * the bit of each member test (MEMBER_BITS) that holds, so that `packedAuthors` decisions
   * test bits where the row form compares columns. A test that is NULL sets no bit, as a NULL
   * WHEN is not taken.
   */
  packedAuthorsQuery(plan: DecisionPlan, options: CompileOptions = {}): string {
    return [...this.authorsCtes(plan, options), ")", ...this.packedSelect(plan)].join("\n");
  }

  /** The SELECT of packed authors from the `authors` CTE. */
  private packedSelect(plan: DecisionPlan): string[] {
    const tests = this.memberTests(plan);
    const flags = (Object.keys(MEMBER_BITS) as MemberTest[])
      .map((k) => `CASE WHEN ${tests[k]} THEN ${MEMBER_BITS[k]} ELSE 0 END`)
      .join(`\n${INDENT}${INDENT}+ `);
    return [
      `SELECT m.member_id, CAST(${flags} AS SMALLINT) AS flags, m.birth_date`,
      "FROM authors AS m",
    ];
  }

  /** The member tests over the `authors` row `m`, as the decision's WHENs write them. */
  private memberTests(plan: DecisionPlan): Record<MemberTest, string> {
    const notAllowed = "(m.state IS NULL OR m.state <> 'allow')";
    return {
      repeated: "m.copies <> 1",
      deleted: `m.deleted_at <= ${this.instant(plan.asOf)}`,
      noCountry: "m.country IS NULL",
      unusable: "NOT m.usable",
      noBirthDate: "m.birth_date IS NULL",
      bornAfterAdult:
        plan.adultBornBy === null
          ? this.boolean(false)
          : `m.birth_date > ${this.date(plan.adultBornBy)}`,
      denied: "m.state = 'deny'",
      optInNotAllowed: `m.opt_in AND ${notAllowed}`,
      notAllowed,
    };
  }

  /** `flags` has `bit` set. */
  protected hasBit(flags: string, bit: number): string {
    return `(${flags} & ${bit}) <> 0`;
  }

  /** The CTE lines from `WITH member_facts AS (` to the body of `authors`, left open. */
  private authorsCtes(plan: DecisionPlan, options: CompileOptions): string[] {
    const memberFacts = options.membersUnique
      ? [
          `${INDENT}SELECT ${this.col("id")} AS member_id, 1 AS copies,`,
          `${INDENT}${INDENT}${this.countryExpr(plan)} AS country,`,
          `${INDENT}${INDENT}${this.col("birth_date")} AS birth_date, ${this.col("deleted_at")} AS deleted_at`,
          `${INDENT}FROM members`,
          `${INDENT}WHERE ${this.col("id")} IS NOT NULL`,
        ]
      : [
          `${INDENT}SELECT ${this.col("id")} AS member_id, COUNT(*) AS copies,`,
          `${INDENT}${INDENT}MIN(${this.countryExpr(plan)}) AS country,`,
          `${INDENT}${INDENT}MIN(${this.col("birth_date")}) AS birth_date, MIN(${this.col("deleted_at")}) AS deleted_at`,
          `${INDENT}FROM members`,
          `${INDENT}WHERE ${this.col("id")} IS NOT NULL`,
          `${INDENT}GROUP BY ${this.col("id")}`,
        ];
    return [
      "WITH member_facts AS (",
      ...memberFacts,
      ...this.consentState(plan),
      "), authors AS (",
      `${INDENT}SELECT f.member_id, f.copies, f.country, f.birth_date, f.deleted_at, c.state,`,
      `${INDENT}${INDENT}${this.countryIn("f.country", plan.usable, plan.countries)} AS usable,`,
      `${INDENT}${INDENT}${this.countryIn("f.country", plan.optIn, plan.countries)} AS opt_in`,
      `${INDENT}FROM member_facts AS f`,
      `${INDENT}LEFT JOIN consent_state AS c ON c.member_id = f.member_id`,
    ];
  }

  /**
   * The CTE lines that end in `consent_state (member_id, state)`: each member's latest event
   * for the purpose with `at <= T`, ties broken by `denyFirst` (fail closed), through
   * ROW_NUMBER, which every dialect has. `state` is the event's effective choice.
   */
  protected consentState(plan: DecisionPlan): string[] {
    return [
      "), consent_ranked AS (",
      `${INDENT}SELECT ${this.col("member_id")} AS member_id, ${this.effectiveChoice()} AS state,`,
      `${INDENT}${INDENT}ROW_NUMBER() OVER (PARTITION BY ${this.col("member_id")} ORDER BY ${this.col("at")} DESC, ${this.denyFirst()}) AS pos`,
      `${INDENT}FROM consent_events`,
      `${INDENT}WHERE ${this.consentFilter(plan)}`,
      "), consent_state AS (",
      `${INDENT}SELECT member_id, state FROM consent_ranked WHERE pos = 1`,
    ];
  }

  /**
   * The WHEN conditions, in the precedence order of contract §3; `packed`: the member tests
   * read from `flags` (see `packedAuthorsQuery`).
   */
  protected reasonCases(plan: DecisionPlan, packed = false): [string, Reason][] {
    const t = this.instant(plan.asOf);
    const i = (c: string): string => this.col(c, "i");
    const rowTests = this.memberTests(plan);
    const m = (test: MemberTest): string =>
      packed ? this.hasBit("m.flags", MEMBER_BITS[test]) : rowTests[test];
    const cases: [string, Reason][] = [
      [
        `${i("id")} IS NULL OR ${i("author_id")} IS NULL OR ${i("kind")} IS NULL OR ${i("created_at")} IS NULL`,
        "malformed",
      ],
      [
        packed ? `m.flags IS NULL OR ${m("repeated")}` : `m.member_id IS NULL OR ${m("repeated")}`,
        "unknown_member",
      ],
      [`${i("created_at")} > ${t}`, "not_yet_created"],
      [`${i("deleted_at")} <= ${t} OR ${m("deleted")}`, "deleted"],
      [
        `${i("kind")} NOT IN (${this.list(["post", "comment", "article", "message", "profile"])})`,
        "unknown_kind",
      ],
    ];
    // COALESCE: an unknown (NULL) visibility must exclude, not fall through to later reasons.
    if (plan.hasRule)
      cases.push([
        `NOT COALESCE(${this.contentExpr(plan)}, ${this.boolean(false)})`,
        "content_class",
      ]);
    cases.push([m("noCountry"), "unknown_region"]);
    // When every country is usable at T there is nothing to exclude and no WHEN is written.
    if (plan.usable.length < plan.countries.length) cases.push([m("unusable"), "region_excluded"]);
    if (plan.minimumAge !== null && plan.adultBornBy !== null) {
      cases.push([m("noBirthDate"), "unknown_age"]);
      cases.push([
        `${m("bornAfterAdult")} OR m.birth_date > ${this.subtractYears(this.utcDate(i("created_at")), plan.minimumAge)}`,
        "minor",
      ]);
    }
    cases.push([m("denied"), "opted_out"]);
    if (plan.optIn.length > 0) cases.push([m("optInNotAllowed"), "no_consent"]);
    if (plan.notice !== null)
      cases.push([
        `${i("created_at")} < ${this.instant(plan.notice)} AND ${m("notAllowed")}`,
        "before_notice",
      ]);
    return cases;
  }

  /** The member's country as the policy sees it: `UK` is `GB`, anything not assigned is NULL. */
  protected countryExpr(plan: DecisionPlan): string {
    const c = this.col("country");
    return `CASE WHEN ${c} = 'UK' THEN 'GB' WHEN ${c} IN (${this.list(plan.countries)}) THEN ${c} END`;
  }

  /**
   * `expr` (a valid country) is in `set`: written as IN or NOT IN over the complement,
   * whichever lists fewer codes; an empty set is FALSE. `negate` asks for "not in `set`".
   */
  protected countryIn(
    expr: string,
    set: readonly string[],
    universe: readonly string[],
    negate = false,
  ): string {
    if (set.length === 0 || set.length === universe.length)
      return this.boolean(set.length > 0 !== negate);
    const inSet = new Set(set);
    const small = set.length * 2 <= universe.length;
    const listed = small ? set : universe.filter((c) => !inSet.has(c));
    return `${expr} ${small === negate ? "NOT IN" : "IN"} (${this.list(listed)})`;
  }

  /** The content classes the purpose allows; a message counts as private whatever its row says. */
  protected contentExpr(plan: DecisionPlan): string {
    if (plan.content.length === 0) return this.boolean(false);
    const kind = this.col("kind", "i");
    const vis = this.col("visibility", "i");
    return plan.content
      .map((c) =>
        c.kind === "message"
          ? `${kind} = ${this.string(c.kind)}`
          : `(${kind} = ${this.string(c.kind)} AND ${vis} IN (${this.list(c.visibilities)}))`,
      )
      .join(" OR ");
  }

  /** A `gpc` event is always a deny, whatever its `choice` says. */
  protected effectiveChoice(): string {
    return `CASE WHEN ${this.col("source")} = 'gpc' THEN 'deny' ELSE ${this.col("choice")} END`;
  }

  /** Ties on `at`: deny first, then anything that is not an allow, allow last (fail closed). */
  protected denyFirst(): string {
    const s = this.col("source");
    const ch = this.col("choice");
    return `CASE WHEN ${s} = 'gpc' OR ${ch} = 'deny' THEN 0 WHEN ${ch} = 'allow' THEN 2 ELSE 1 END`;
  }

  /** Events of this purpose up to T; `gpc` ones only when the purpose honours GPC. */
  protected consentFilter(plan: DecisionPlan): string {
    const parts = [
      `${this.col("member_id")} IS NOT NULL`,
      `${this.col("purpose")} = ${this.string(plan.purpose)}`,
      `${this.col("at")} <= ${this.instant(plan.asOf)}`,
    ];
    if (!plan.gpc) parts.push(`(${this.col("source")} IS NULL OR ${this.col("source")} <> 'gpc')`);
    return parts.join(" AND ");
  }

  /** A comma-separated list of string literals. */
  protected list(values: readonly string[]): string {
    return values.map((v) => this.string(v)).join(", ");
  }

  /** A column reference, optionally qualified by a table alias. */
  protected col(name: string, table?: string): string {
    return table === undefined ? this.ident(name) : `${table}.${this.ident(name)}`;
  }

  /** A quoted identifier (standard SQL: double quotes, doubled inside). */
  protected ident(name: string): string {
    return `"${name.replaceAll('"', '""')}"`;
  }

  /** A string literal (standard SQL: single quotes, doubled inside). Values are data. */
  string(value: string): string {
    return `'${value.replaceAll("'", "''")}'`;
  }

  /** A boolean literal. */
  protected boolean(value: boolean): string {
    return value ? "TRUE" : "FALSE";
  }

  /** A DATE literal of a day number. */
  protected date(day: number): string {
    return `DATE '${formatDate(day)}'`;
  }

  /** A TIMESTAMP WITH TIME ZONE literal of an instant (epoch µs), in UTC, to the microsecond. */
  protected abstract instant(micros: number): string;

  /** The UTC calendar date (a DATE) of a TIMESTAMP WITH TIME ZONE expression. */
  protected abstract utcDate(expr: string): string;

  /**
   * `dateExpr` minus `years` years, as a DATE, where a 29 February that does not exist in the
   * target year becomes 28 February (every engine here clamps that way). Comparing a birth
   * date against the clamped date is the same as comparing its anniversary, with the contract's
   * 29 February → 1 March rule, against `dateExpr`: see docs/build.md.
   */
  protected abstract subtractYears(dateExpr: string, years: number): string;
}

/** Splits epoch µs into a `YYYY-MM-DD HH:MM:SS.ffffff` UTC text. */
export function utcText(micros: number): string {
  const US_PER_DAY = 86_400_000_000;
  const day = Math.floor(micros / US_PER_DAY);
  let rest = micros - day * US_PER_DAY;
  const h = Math.floor(rest / 3_600_000_000);
  rest -= h * 3_600_000_000;
  const mi = Math.floor(rest / 60_000_000);
  rest -= mi * 60_000_000;
  const s = Math.floor(rest / 1_000_000);
  const us = rest - s * 1_000_000;
  const p = (n: number, w = 2): string => String(n).padStart(w, "0");
  return `${formatDate(day)} ${p(h)}:${p(mi)}:${p(s)}.${p(us, 6)}`;
}
