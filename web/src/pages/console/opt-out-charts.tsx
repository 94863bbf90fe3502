/**
 * The console's overview: opt-out rates by region, by purpose and by month
 * (GET /v1/admin/stats/opt-outs: each month's state at the month's end, per region group and
 * purpose), and the latest run's exclusions by reason (GET /v1/admin/runs). Each chart has a
 * table alternative with the counts behind the rates.
 */
import { useState } from "react";
import { call } from "../../api/client.js";
import { OptOutStats, Runs, type StatRow } from "../../api/schemas.js";
import { BarChart } from "../../components/bar-chart.js";
import {
  formatNumber,
  formatPercent,
  purposeName,
  reasonLabel,
  regionName,
} from "../../components/format.js";
import { LineChart } from "../../components/line-chart.js";
import { SelectField } from "../../components/select-field.js";
import { Async, Empty } from "../../components/status.js";
import { useResource } from "../../hooks/use-resource.js";

interface Cell {
  readonly key: string;
  readonly members: number;
  readonly optedOut: number;
}

/** Sums rows by `field`, keeping first-seen order. */
function sumBy(rows: readonly StatRow[], field: "region" | "purpose" | "month"): Cell[] {
  const cells = new Map<string, { members: number; optedOut: number }>();
  for (const r of rows) {
    const c = cells.get(r[field]) ?? { members: 0, optedOut: 0 };
    c.members += r.members;
    c.optedOut += r.opted_out;
    cells.set(r[field], c);
  }
  return [...cells].map(([key, c]) => ({ key, ...c }));
}

const rateOf = (c: Cell) => (c.members === 0 ? 0 : c.optedOut / c.members);

function RateBars({
  cells,
  title,
  label,
  name,
}: {
  cells: readonly Cell[];
  title: string;
  label: string;
  name: (k: string) => string;
}) {
  const rates = cells.map(rateOf);
  return (
    <BarChart
      title={title}
      description={`Share of members who turned training off, by ${label.toLowerCase()}: ${cells
        .map((c) => `${name(c.key)} ${formatNumber(c.optedOut)} of ${formatNumber(c.members)}`)
        .join("; ")}.`}
      categoryLabel={label}
      valueLabel="Opt-out rate"
      categories={cells.map((c) => name(c.key))}
      series={[{ name: "Opt-out rate", values: rates }]}
      tableColumns={[
        { name: "Opted out", cells: cells.map((c) => formatNumber(c.optedOut)) },
        { name: "Members with a choice", cells: cells.map((c) => formatNumber(c.members)) },
      ]}
      format={formatPercent}
      {...(Math.max(0, ...rates) > 0.5 ? { max: 1 } : {})}
    />
  );
}

function LatestRunExclusions() {
  const runs = useResource((signal) => call(Runs, "/v1/admin/runs", { signal }));
  return (
    <Async resource={runs} what="the latest run's exclusions">
      {(list) => {
        const latest = list[0];
        const excluded = Object.entries(latest?.counts?.excluded ?? {}).filter(([, n]) => n > 0);
        if (latest === undefined || excluded.length === 0) {
          return (
            <Empty title="No build run with exclusions yet.">
              Run <code>traingate build</code>; its exclusions by reason appear here.
            </Empty>
          );
        }
        excluded.sort((a, b) => b[1] - a[1]);
        return (
          <BarChart
            title={`Items excluded by reason, run ${latest.run_id}`}
            description={`Each excluded item is counted under the first reason that applies. ${formatNumber(
              latest.counts?.included,
            )} of ${formatNumber(latest.counts?.input)} items were included.`}
            categoryLabel="Reason"
            valueLabel="Excluded items"
            categories={excluded.map(([r]) => reasonLabel(r))}
            series={[{ name: "Excluded items", values: excluded.map(([, n]) => n) }]}
            format={formatNumber}
          />
        );
      }}
    </Async>
  );
}

/** The overview panel. */
export function OptOutCharts() {
  const stats = useResource((signal) => call(OptOutStats, "/v1/admin/stats/opt-outs", { signal }));
  const [purpose, setPurpose] = useState("genai_training");
  return (
    <div className="stack">
      <Async resource={stats} what="the opt-out figures">
        {(s) => {
          if (s.stats.length === 0) {
            return (
              <Empty title="No consent choices are recorded yet.">
                Import the platform's consent history (POST /v1/admin/consent/import) or start the
                demo with <code>traingate demo start</code>.
              </Empty>
            );
          }
          const months = [...new Set(s.stats.map((r) => r.month))].sort();
          const latestMonth = months[months.length - 1]!;
          const purposes = [...new Set(s.stats.map((r) => r.purpose))].sort();
          const chosen = purposes.includes(purpose) ? purpose : purposes[0]!;
          const ofPurpose = s.stats.filter((r) => r.purpose === chosen);
          const latest = s.stats.filter((r) => r.month === latestMonth);
          const regions = [...new Set(ofPurpose.map((r) => r.region))].sort();
          return (
            <>
              <div className="toolbar">
                <SelectField label="Purpose" value={chosen} onChange={setPurpose} inline>
                  {purposes.map((p) => (
                    <option key={p} value={p}>
                      {purposeName(p)}
                    </option>
                  ))}
                </SelectField>
                <p className="muted small">
                  State at the end of each month; the current month up to{" "}
                  {s.until === undefined ? "now" : new Date(s.until).toUTCString()}.
                </p>
              </div>
              <div className="chart-grid">
                <RateBars
                  cells={sumBy(
                    latest.filter((r) => r.purpose === chosen),
                    "region",
                  )}
                  title={`Opt-out rate by region: ${purposeName(chosen)}, ${latestMonth}`}
                  label="Region"
                  name={regionName}
                />
                <RateBars
                  cells={sumBy(latest, "purpose")}
                  title={`Opt-out rate by purpose: all regions, ${latestMonth}`}
                  label="Purpose"
                  name={purposeName}
                />
              </div>
              <LineChart
                title={`Opt-out rate over time by region: ${purposeName(chosen)}`}
                description="Share of members with a choice whose choice was no at each month's end."
                categoryLabel="Month"
                valueLabel="Opt-out rate"
                categories={months}
                series={regions.map((region) => ({
                  name: regionName(region),
                  values: months.map((m) => {
                    const r = ofPurpose.find((x) => x.month === m && x.region === region);
                    return r === undefined || r.members === 0 ? 0 : r.opted_out / r.members;
                  }),
                }))}
                format={formatPercent}
              />
            </>
          );
        }}
      </Async>
      <LatestRunExclusions />
    </div>
  );
}
