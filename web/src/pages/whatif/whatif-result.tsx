/**
 * One what-if answer, side by side: the baseline and the candidate's included items, how
 * many members change status, the items each would lose or gain by reason, and by region.
 */
import type { WhatIf } from "../../api/schemas.js";
import { BarChart } from "../../components/bar-chart.js";
import {
  formatCount,
  formatDate,
  formatDelta,
  formatNumber,
  purposeName,
  reasonLabel,
  reasonText,
  regionName,
} from "../../components/format.js";
import { Empty } from "../../components/status.js";
import { TableScroll } from "../../components/table-scroll.js";
import { sortedCounts, total } from "./whatif-model.js";

function ReasonTable({
  caption,
  rows,
  testId,
}: {
  caption: string;
  rows: [string, number][];
  testId: string;
}) {
  return (
    <TableScroll label={caption}>
      <table data-testid={testId}>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Reason</th>
            <th scope="col" className="num">
              Items
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([reason, n]) => (
            <tr key={reason}>
              <th scope="row">
                <abbr title={reasonText(reason)}>{reasonLabel(reason)}</abbr>
              </th>
              <td className="num">{formatNumber(n)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

/** Renders the comparison. */
export function WhatIfResult({ result }: { result: WhatIf }) {
  const c = result.changes;
  const lost = sortedCounts(c.lostByReason);
  const gained = sortedCounts(c.gainedByReason);
  const regions = Object.entries(c.byRegion).sort((a, b) => a[0].localeCompare(b[0]));
  return (
    <div className="stack" data-testid="whatif-result">
      <p className="muted small">
        {purposeName(result.purpose)}, as of {formatDate(result.as_of, true)} ·{" "}
        {formatCount(c.items, "item")} from <code>{result.data.items}</code> · consent from{" "}
        {result.data.consent === "ledger" ? "the live ledger" : <code>{result.data.consent}</code>}
      </p>
      <div className="side-by-side">
        <div className="card stat-card">
          <p className="muted small">Current policy</p>
          <h3>{result.baseline}</h3>
          <p className="big-number" data-testid="baseline-included">
            {formatNumber(c.includedA)}
          </p>
          <p>items included</p>
        </div>
        <div className="card stat-card">
          <p className="muted small">Candidate policy</p>
          <h3>{result.policy}</h3>
          <p className="big-number" data-testid="policy-included">
            {formatNumber(c.includedB)}
          </p>
          <p>items included ({formatDelta(c.includedB - c.includedA)})</p>
        </div>
        <div className="card stat-card">
          <p className="muted small">Members</p>
          <h3>Change status</h3>
          <p className="big-number" data-testid="members-changed">
            {formatNumber(c.membersChanged)}
          </p>
          <p>members with at least one item that changes</p>
        </div>
      </div>
      {lost.length === 0 && gained.length === 0 ? (
        <Empty title="No item changes status between these two policies on this data." />
      ) : (
        <>
          <BarChart
            title="Items that change status, by reason"
            description={`${formatCount(total(c.lostByReason), "item")} used under ${result.baseline} would be excluded under ${result.policy} (counted under ${result.policy}'s reason); ${formatCount(total(c.gainedByReason), "item")} excluded under ${result.baseline} would be used (counted under ${result.baseline}'s reason).`}
            categoryLabel="Reason"
            valueLabel="Items"
            categories={[...new Set([...lost, ...gained].map(([r]) => r))].map(reasonLabel)}
            series={(() => {
              const keys = [...new Set([...lost, ...gained].map(([r]) => r))];
              return [
                { name: "Would be excluded", values: keys.map((k) => c.lostByReason[k] ?? 0) },
                { name: "Would be included", values: keys.map((k) => c.gainedByReason[k] ?? 0) },
              ];
            })()}
            format={formatNumber}
          />
          <div className="side-by-side">
            {lost.length === 0 ? null : (
              <ReasonTable
                caption={`Would be excluded under ${result.policy} (${formatNumber(total(c.lostByReason))})`}
                rows={lost}
                testId="lost-by-reason"
              />
            )}
            {gained.length === 0 ? null : (
              <ReasonTable
                caption={`Would be included, excluded today because of (${formatNumber(total(c.gainedByReason))})`}
                rows={gained}
                testId="gained-by-reason"
              />
            )}
          </div>
        </>
      )}
      {regions.length === 0 ? null : (
        <TableScroll label="Items that change status, by region">
          <table data-testid="by-region">
            <caption>Items that change status, by region</caption>
            <thead>
              <tr>
                <th scope="col">Region</th>
                <th scope="col" className="num">
                  Would be excluded
                </th>
                <th scope="col" className="num">
                  Would be included
                </th>
                <th scope="col" className="num">
                  Net
                </th>
              </tr>
            </thead>
            <tbody>
              {regions.map(([region, [l, g]]) => (
                <tr key={region}>
                  <th scope="row">{regionName(region)}</th>
                  <td className="num">{formatNumber(l)}</td>
                  <td className="num">{formatNumber(g)}</td>
                  <td className="num">{formatDelta(g - l)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </div>
  );
}
