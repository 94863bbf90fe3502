/**
 * The five presets on the same data in one view: one what-if per preset against the same
 * baseline, run one after the other with a progress bar, then a chart of included items and
 * a table with each preset's change against the baseline and its main reasons.
 */
import { useState } from "react";
import { ApiError } from "../../api/api-error.js";
import { call } from "../../api/client.js";
import { WhatIf } from "../../api/schemas.js";
import { BarChart } from "../../components/bar-chart.js";
import { formatDelta, formatNumber, reasonLabel, reasonText } from "../../components/format.js";
import { ErrorPanel } from "../../components/status.js";
import { TableScroll } from "../../components/table-scroll.js";
import { PRESETS, topEntry, type WhatIfInputs, whatIfBody } from "./whatif-model.js";

function Reason({ entry }: { entry: { key: string; count: number } | null }) {
  if (entry === null) return <>none</>;
  return (
    <>
      <abbr title={reasonText(entry.key)}>{reasonLabel(entry.key)}</abbr> (
      {formatNumber(entry.count)})
    </>
  );
}

/** Renders the comparison button, its progress and its result. */
export function PresetComparison({ inputs }: { inputs: WhatIfInputs }) {
  const [rows, setRows] = useState<readonly WhatIf[]>([]);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  async function compare() {
    setError(null);
    setRows([]);
    setProgress(0);
    const done: WhatIf[] = [];
    try {
      for (const preset of PRESETS) {
        done.push(
          await call(WhatIf, "/v1/admin/whatif", {
            method: "POST",
            body: whatIfBody({ preset }, inputs),
          }),
        );
        setProgress(done.length);
      }
      setRows(done);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError("UI_ERROR", String(e), 0));
    } finally {
      setProgress(null);
    }
  }

  const running = progress !== null;
  const base = rows[0];
  return (
    <div className="stack">
      <p>
        Each preset is evaluated on the same data, purpose and instant as above, and compared with{" "}
        <strong>{inputs.baselineName}</strong>.
      </p>
      <div>
        <button
          type="button"
          className="button"
          onClick={() => void compare()}
          disabled={running}
          aria-busy={running}
        >
          Compare all presets
        </button>
      </div>
      <div role="status" aria-live="polite">
        {running ? (
          <label className="progress-row">
            Evaluated {progress} of {PRESETS.length} presets
            <progress max={PRESETS.length} value={progress} />
          </label>
        ) : rows.length > 0 ? (
          <span className="visually-hidden">All {rows.length} presets evaluated.</span>
        ) : null}
      </div>
      {error === null ? null : (
        <ErrorPanel
          error={error}
          verb="run"
          what="the preset comparison"
          onRetry={() => void compare()}
        />
      )}
      {base === undefined ? null : (
        <div data-testid="preset-comparison" className="stack">
          <BarChart
            title="Items each preset would include"
            description={`Included items per preset on the same data (${formatNumber(base.changes.items)} items). ${base.baseline} includes ${formatNumber(base.changes.includedA)}.`}
            categoryLabel="Preset"
            valueLabel="Included items"
            categories={rows.map((r) => r.policy)}
            series={[{ name: "Included items", values: rows.map((r) => r.changes.includedB) }]}
            format={formatNumber}
          />
          <TableScroll label="Presets compared">
            <table>
              <caption>
                Presets compared with {base.baseline} ({formatNumber(base.changes.includedA)} items
                included)
              </caption>
              <thead>
                <tr>
                  <th scope="col">Preset</th>
                  <th scope="col" className="num">
                    Included items
                  </th>
                  <th scope="col" className="num">
                    vs {base.baseline}
                  </th>
                  <th scope="col" className="num">
                    Members changing
                  </th>
                  <th scope="col">Main reason it excludes more</th>
                  <th scope="col">Main reason it includes more</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.policy}>
                    <th scope="row">{r.policy}</th>
                    <td className="num">{formatNumber(r.changes.includedB)}</td>
                    <td className="num">
                      {formatDelta(r.changes.includedB - r.changes.includedA)}
                    </td>
                    <td className="num">{formatNumber(r.changes.membersChanged)}</td>
                    <td>
                      <Reason entry={topEntry(r.changes.lostByReason)} />
                    </td>
                    <td>
                      <Reason entry={topEntry(r.changes.gainedByReason)} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        </div>
      )}
    </div>
  );
}
