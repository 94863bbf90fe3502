/**
 * The transparency report (`traingate report`): per purpose and period, the members and
 * items used, the share excluded by reason and by region, the opt-out rate, how many member
 * inclusions rested on an explicit allow versus on never having chosen (defaulted in under
 * opt_out), and the obligations opened and closed. Computed from the lineage registry and
 * the ledger's opt-out aggregate; rendered as JSON, Markdown or one self-contained HTML page.
 */
import roaring from "roaring";
import type { OptOutStat } from "../ledger/ledger-store.js";
import { REASON_TEXT, REASONS, type Reason } from "../policy/domain.js";
import { formatInstant } from "../policy/time.js";
import type { LineageStore } from "./lineage-store.js";
import { readBitmap } from "./run-index.js";
import type { RegionMembers } from "./run-members.js";

const { RoaringBitmap32 } = roaring;

/** The period and purpose a report covers (instants in epoch µs; `until` exclusive). */
export interface ReportFilter {
  readonly purpose?: string | undefined;
  readonly from?: number | undefined;
  readonly until?: number | undefined;
}

/** One purpose's section of the report. */
export interface PurposeReport {
  readonly purpose: string;
  readonly runs: { run_id: string; as_of: string; members: number; items: number }[];
  /** Distinct members and items used by any run of the period. */
  readonly members_used: number;
  readonly items_used: number;
  /** Items read and excluded, summed over the period's runs, by reason with shares. */
  readonly items_input: number;
  readonly items_included: number;
  readonly excluded_by_reason: { reason: Reason; items: number; share: number; text: string }[];
  /** Members of the export and members used per region group, summed over runs. */
  readonly excluded_by_region: {
    region: string;
    members: number;
    used: number;
    share_excluded: number;
  }[];
  /** Member inclusions summed over runs: by explicit allow vs never chose (defaulted in). */
  readonly consent_basis: { explicit_allow: number; defaulted_in: number; share_defaulted: number };
  /** Opt-out rate at the period's end among members with a choice, overall and by region. */
  readonly opt_out: {
    month: string | null;
    members_with_choice: number;
    opted_out: number;
    rate: number;
    by_region: { region: string; members: number; opted_out: number; rate: number }[];
  };
  readonly obligations: { opened: number; closed: number; open_now: number };
}

/** The whole report. */
export interface TransparencyReport {
  readonly generated_at: string;
  readonly period: { from: string | null; until: string | null };
  readonly purposes: PurposeReport[];
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

/**
 * Computes the report. `optOuts` is the ledger's opt-out aggregate up to the period's end
 * (`LedgerStore.optOutStats(until)`); `now` stamps it.
 */
export async function transparencyReport(
  lineage: LineageStore,
  optOuts: readonly OptOutStat[],
  filter: ReportFilter,
  now: number,
): Promise<TransparencyReport> {
  const runs = await lineage.listRuns({
    ...(filter.purpose === undefined ? {} : { purpose: filter.purpose }),
    ...(filter.from === undefined ? {} : { fromAsOf: filter.from }),
    ...(filter.until === undefined ? {} : { untilAsOf: filter.until }),
  });
  const purposes = [
    ...new Set([
      ...(filter.purpose === undefined ? [] : [filter.purpose]),
      ...runs.map((r) => r.purpose),
    ]),
  ].sort();
  const sections: PurposeReport[] = [];
  for (const purpose of purposes) {
    const mine = runs.filter((r) => r.purpose === purpose).sort((a, b) => a.asOf - b.asOf);
    const bitmaps = await lineage.db
      .selectFrom("lineage_runs")
      .select(["member_bitmap", "item_bitmap"])
      .where("run_id", "in", mine.length === 0 ? [""] : mine.map((r) => r.runId))
      .execute();
    const members = RoaringBitmap32.orMany(bitmaps.map((b) => readBitmap(b.member_bitmap)));
    const items = RoaringBitmap32.orMany(bitmaps.map((b) => readBitmap(b.item_bitmap)));
    const input = mine.reduce((s, r) => s + r.counts.input, 0);
    const included = mine.reduce((s, r) => s + r.counts.included, 0);
    const regions: RegionMembers = {};
    for (const r of mine) {
      for (const [region, cell] of Object.entries((r.regions ?? {}) as RegionMembers)) {
        const acc = regions[region] ?? { members: 0, included: 0 };
        acc.members += Number(cell.members ?? 0);
        acc.included += Number(cell.included ?? 0);
        regions[region] = acc;
      }
    }
    const allow = mine.reduce((s, r) => s + r.memberConsent.allow, 0);
    const none = mine.reduce((s, r) => s + r.memberConsent.none, 0);
    // The aggregate runs to the period's end; its last month is the state at that end.
    const stats = optOuts.filter((s) => s.purpose === purpose);
    const month = stats.reduce<string | null>(
      (m, s) => (m === null || s.month > m ? s.month : m),
      null,
    );
    const last = stats.filter((s) => s.month === month);
    const withChoice = last.reduce((s, x) => s + x.members, 0);
    const optedOut = last.reduce((s, x) => s + x.optedOut, 0);
    const counts = await lineage.obligationCounts({
      purpose,
      ...(filter.from === undefined ? {} : { from: filter.from }),
      ...(filter.until === undefined ? {} : { until: filter.until }),
    });
    sections.push({
      purpose,
      runs: mine.map((r) => ({
        run_id: r.runId,
        as_of: formatInstant(r.asOf),
        members: r.members,
        items: r.items,
      })),
      members_used: members.size,
      items_used: items.size,
      items_input: input,
      items_included: included,
      excluded_by_reason: REASONS.map((reason) => {
        const n = mine.reduce((s, r) => s + (r.counts.excluded[reason] ?? 0), 0);
        return { reason, items: n, share: ratio(n, input), text: REASON_TEXT[reason] };
      }),
      excluded_by_region: Object.entries(regions)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([region, c]) => ({
          region,
          members: c.members,
          used: c.included,
          share_excluded: ratio(c.members - c.included, c.members),
        })),
      consent_basis: {
        explicit_allow: allow,
        defaulted_in: none,
        share_defaulted: ratio(none, allow + none),
      },
      opt_out: {
        month,
        members_with_choice: withChoice,
        opted_out: optedOut,
        rate: ratio(optedOut, withChoice),
        by_region: last
          .map((s) => ({
            region: s.region,
            members: s.members,
            opted_out: s.optedOut,
            rate: s.rate,
          }))
          .sort((a, b) => (a.region < b.region ? -1 : 1)),
      },
      obligations: { opened: counts.opened, closed: counts.closed, open_now: counts.open },
    });
  }
  return {
    generated_at: formatInstant(now),
    period: {
      from: filter.from === undefined ? null : formatInstant(filter.from),
      until: filter.until === undefined ? null : formatInstant(filter.until),
    },
    purposes: sections,
  };
}
