/**
 * The console's overview: opt-out rates by region, by purpose and by month
 * (GET /v1/admin/stats/opt-outs), each as a chart with a table alternative.
 */
import { call } from "../../api/client.js";
import { OptOutStats, type StatRow } from "../../api/schemas.js";
import { BarChart } from "../../components/bar-chart.js";
import { formatNumber, formatPercent, purposeName, regionName } from "../../components/format.js";
import { LineChart } from "../../components/line-chart.js";
import { Async, Empty } from "../../components/status.js";
import { useResource } from "../../hooks/use-resource.js";

/** A row's opt-out rate: the server's `rate`, else opted_out / members. */
function rate(r: StatRow): number {
  if (r.rate !== undefined) return r.rate;
  return r.members !== undefined && r.members > 0 ? (r.opted_out ?? 0) / r.members : 0;
}

function Breakdown({
  rows,
  title,
  label,
  field,
  name,
}: {
  rows: readonly StatRow[];
  title: string;
  label: string;
  field: "region" | "purpose";
  name: (v: string) => string;
}) {
  const cats = rows.map((r) => name(r[field] ?? "unknown"));
  return (
    <BarChart
      title={title}
      description={`Share of members who turned training off, by ${label.toLowerCase()}. Counts: ${rows
        .map(
          (r) =>
            `${name(r[field] ?? "unknown")} ${formatNumber(r.opted_out)} of ${formatNumber(r.members)}`,
        )
        .join("; ")}.`}
      categoryLabel={label}
      valueLabel="Opt-out rate"
      categories={cats}
      series={[{ name: "Opt-out rate", values: rows.map(rate) }]}
      format={formatPercent}
      {...(Math.max(0, ...rows.map(rate)) > 0.5 ? { max: 1 } : {})}
    />
  );
}

/** The overview panel. */
export function OptOutCharts() {
  const stats = useResource((signal) => call(OptOutStats, "/v1/admin/stats/opt-outs", { signal }));
  return (
    <Async resource={stats} what="the opt-out figures">
      {(s) => {
        const byRegion = s.by_region ?? [];
        const byPurpose = s.by_purpose ?? [];
        const byMonth = s.by_month ?? [];
        if (byRegion.length + byPurpose.length + byMonth.length === 0) {
          return (
            <Empty title="No consent choices are recorded yet.">
              Import the platform's consent history (POST /v1/admin/consent/import) or start the
              demo with <code>traingate demo start</code>.
            </Empty>
          );
        }
        const purposes = [...new Set(byMonth.map((r) => r.purpose ?? "all"))];
        const months = [...new Set(byMonth.map((r) => r.month ?? ""))].sort();
        return (
          <div className="chart-grid">
            {byRegion.length > 0 ? (
              <Breakdown
                rows={byRegion}
                title="Opt-out rate by region"
                label="Region"
                field="region"
                name={regionName}
              />
            ) : null}
            {byPurpose.length > 0 ? (
              <Breakdown
                rows={byPurpose}
                title="Opt-out rate by purpose"
                label="Purpose"
                field="purpose"
                name={purposeName}
              />
            ) : null}
            {byMonth.length > 0 ? (
              <LineChart
                title="Opt-outs over time"
                description="Members who turned training off in each month, per purpose."
                categoryLabel="Month"
                valueLabel="Opt-outs"
                categories={months}
                series={purposes.map((p) => ({
                  name: p === "all" ? "All purposes" : purposeName(p),
                  values: months.map(
                    (m) =>
                      byMonth.find((r) => r.month === m && (r.purpose ?? "all") === p)?.opted_out ??
                      0,
                  ),
                }))}
                format={formatNumber}
              />
            ) : null}
          </div>
        );
      }}
    </Async>
  );
}
