/**
 * One what-if answer, side by side: the baseline (current) policy and the candidate, the
 * items and members that change status, and the breakdowns by reason and by region.
 */
import type { WhatIf, WhatIfBreakdown } from "../../api/schemas.js";
import { BarChart } from "../../components/bar-chart.js";
import {
  formatDelta,
  formatNumber,
  reasonLabel,
  reasonText,
  regionName,
} from "../../components/format.js";
import { candidateOf, figures } from "./whatif-model.js";

function Breakdown({
  rows,
  field,
  caption,
  baselineName,
  policyName,
}: {
  rows: readonly WhatIfBreakdown[];
  field: "reason" | "region";
  caption: string;
  baselineName: string;
  policyName: string;
}) {
  const label = field === "reason" ? "Reason" : "Region";
  return (
    <div className="table-scroll">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{label}</th>
            <th scope="col" className="num">
              {baselineName}
            </th>
            <th scope="col" className="num">
              {policyName}
            </th>
            <th scope="col" className="num">
              Change
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const key = r[field] ?? "unknown";
            const b = r.baseline ?? r.items_baseline ?? 0;
            const p = r.policy ?? r.candidate ?? r.items_policy ?? 0;
            return (
              <tr key={key}>
                <th scope="row">
                  {field === "reason" ? (
                    <abbr title={reasonText(key)}>{reasonLabel(key)}</abbr>
                  ) : (
                    regionName(key)
                  )}
                </th>
                <td className="num">{formatNumber(b)}</td>
                <td className="num">{formatNumber(p)}</td>
                <td className="num">{formatDelta(p - b)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** Renders the comparison. */
export function WhatIfResult({
  result,
  baselineName,
  policyName,
}: {
  result: WhatIf;
  baselineName: string;
  policyName: string;
}) {
  const base = figures(result.baseline);
  const cand = figures(candidateOf(result));
  const ch = result.changes;
  const byReason: readonly WhatIfBreakdown[] =
    result.by_reason ??
    [...new Set([...Object.keys(base.excluded), ...Object.keys(cand.excluded)])].map((reason) => ({
      reason,
      baseline: base.excluded[reason] ?? 0,
      policy: cand.excluded[reason] ?? 0,
    }));
  const reasons = byReason.filter((r) => (r.baseline ?? 0) + (r.policy ?? r.candidate ?? 0) > 0);
  return (
    <div className="stack" data-testid="whatif-result">
      <div className="side-by-side">
        <div className="card stat-card">
          <h3>{baselineName}</h3>
          <p className="muted small">Current policy</p>
          <p className="big-number" data-testid="baseline-items">
            {formatNumber(base.items)}
          </p>
          <p>items included</p>
          {base.members === null ? null : <p>{formatNumber(base.members)} members</p>}
        </div>
        <div className="card stat-card">
          <h3>{policyName}</h3>
          <p className="muted small">Candidate policy</p>
          <p className="big-number" data-testid="policy-items">
            {formatNumber(cand.items)}
          </p>
          <p>items included ({formatDelta(cand.items - base.items)})</p>
          {cand.members === null ? null : (
            <p>
              {formatNumber(cand.members)} members
              {base.members === null ? "" : ` (${formatDelta(cand.members - base.members)})`}
            </p>
          )}
        </div>
      </div>
      {ch === undefined ? null : (
        <ul className="change-list">
          <li>
            <strong>{formatNumber(ch.items_newly_included)}</strong> items would become included
          </li>
          <li>
            <strong>{formatNumber(ch.items_newly_excluded)}</strong> items would become excluded
          </li>
          {ch.members_newly_included === undefined ? null : (
            <li>
              <strong>{formatNumber(ch.members_newly_included)}</strong> members would have content
              newly used
            </li>
          )}
          {ch.members_newly_excluded === undefined ? null : (
            <li>
              <strong>{formatNumber(ch.members_newly_excluded)}</strong> members would no longer
              have content used
            </li>
          )}
        </ul>
      )}
      {reasons.length === 0 ? null : (
        <>
          <BarChart
            title="Excluded items by reason"
            description={`Items each policy excludes, counted under the first reason that applies: ${baselineName} versus ${policyName}.`}
            categoryLabel="Reason"
            valueLabel="Excluded items"
            categories={reasons.map((r) => reasonLabel(r.reason ?? "unknown"))}
            series={[
              { name: baselineName, values: reasons.map((r) => r.baseline ?? 0) },
              { name: policyName, values: reasons.map((r) => r.policy ?? r.candidate ?? 0) },
            ]}
            format={formatNumber}
          />
          <Breakdown
            rows={reasons}
            field="reason"
            caption="Excluded items by reason"
            baselineName={baselineName}
            policyName={policyName}
          />
        </>
      )}
      {result.by_region === undefined || result.by_region.length === 0 ? null : (
        <Breakdown
          rows={result.by_region}
          field="region"
          caption="Included items by region"
          baselineName={baselineName}
          policyName={policyName}
        />
      )}
    </div>
  );
}
