/**
 * The five presets on the same data in one view: one what-if per preset against the same
 * baseline, run one after the other with a progress bar, then a chart of included items and
 * a table with members and each preset's main exclusion reason.
 */
import { useState } from "react";
import { ApiError } from "../../api/api-error.js";
import { call } from "../../api/client.js";
import { WhatIf } from "../../api/schemas.js";
import { BarChart } from "../../components/bar-chart.js";
import { formatDelta, formatNumber, reasonLabel, reasonText } from "../../components/format.js";
import { ErrorPanel } from "../../components/status.js";
import {
  candidateOf,
  figures,
  mainReason,
  PRESETS,
  type SideFigures,
  type WhatIfInputs,
  whatIfBody,
} from "./whatif-model.js";

interface Row {
  readonly preset: string;
  readonly f: SideFigures;
}

/** Renders the comparison button, its progress and its result. */
export function PresetComparison({ inputs }: { inputs: WhatIfInputs }) {
  const [rows, setRows] = useState<readonly Row[]>([]);
  const [baseline, setBaseline] = useState<SideFigures | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  async function compare() {
    setError(null);
    setRows([]);
    setProgress(0);
    const done: Row[] = [];
    try {
      for (const preset of PRESETS) {
        const r = await call(WhatIf, "/v1/admin/whatif", {
          method: "POST",
          body: whatIfBody({ preset }, inputs.baseline, inputs.purpose, inputs.source, inputs.asOf),
        });
        done.push({ preset, f: figures(candidateOf(r)) });
        setBaseline(figures(r.baseline));
        setRows([...done]);
        setProgress(done.length);
      }
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError("UI_ERROR", String(e), 0));
    } finally {
      setProgress(null);
    }
  }

  const running = progress !== null;
  return (
    <div className="stack">
      <p>
        Each preset is evaluated on the same data and compared with{" "}
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
      {running ? (
        <div className="progress-row" role="status" aria-live="polite">
          <label>
            Evaluated {progress} of {PRESETS.length} presets
            <progress max={PRESETS.length} value={progress} />
          </label>
        </div>
      ) : null}
      {error === null ? null : (
        <ErrorPanel error={error} what="the preset comparison" onRetry={() => void compare()} />
      )}
      {rows.length === 0 || running ? null : (
        <div data-testid="preset-comparison" className="stack">
          <BarChart
            title="Items each preset would include"
            description={`Included items per preset on the same data. ${rows
              .map((r) => `${r.preset}: ${formatNumber(r.f.items)}`)
              .join("; ")}.`}
            categoryLabel="Preset"
            valueLabel="Included items"
            categories={rows.map((r) => r.preset)}
            series={[{ name: "Included items", values: rows.map((r) => r.f.items) }]}
            format={formatNumber}
          />
          <div className="table-scroll">
            <table>
              <caption>
                Presets compared
                {baseline === null
                  ? ""
                  : ` (baseline includes ${formatNumber(baseline.items)} items)`}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Preset</th>
                  <th scope="col" className="num">
                    Included items
                  </th>
                  <th scope="col" className="num">
                    vs baseline
                  </th>
                  <th scope="col" className="num">
                    Members
                  </th>
                  <th scope="col">Main exclusion reason</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => {
                  const main = mainReason(r.f);
                  return (
                    <tr key={r.preset}>
                      <th scope="row">{r.preset}</th>
                      <td className="num">{formatNumber(r.f.items)}</td>
                      <td className="num">
                        {baseline === null ? "—" : formatDelta(r.f.items - baseline.items)}
                      </td>
                      <td className="num">{formatNumber(r.f.members)}</td>
                      <td>
                        {main === null ? (
                          "none"
                        ) : (
                          <>
                            <abbr title={reasonText(main.reason)}>{reasonLabel(main.reason)}</abbr>{" "}
                            ({formatNumber(main.count)})
                          </>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </div>
  );
}
