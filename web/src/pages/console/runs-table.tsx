/**
 * The runs list (GET /v1/admin/runs): each build run with its policy, as-of instant,
 * included count and its exclusions by reason, the largest first.
 */
import { call } from "../../api/client.js";
import { type Run, Runs } from "../../api/schemas.js";
import {
  formatDate,
  formatNumber,
  purposeName,
  reasonLabel,
  reasonText,
} from "../../components/format.js";
import { Async, Empty } from "../../components/status.js";
import { useResource } from "../../hooks/use-resource.js";

function policyOf(r: Run): string {
  if (typeof r.policy === "string") return r.policy;
  return r.policy?.name ?? r.policy_name ?? "—";
}

/** The runs panel. */
export function RunsTable() {
  const runs = useResource((signal) => call(Runs, "/v1/admin/runs", { signal }));
  return (
    <Async resource={runs} what="the runs">
      {(list) =>
        list.length === 0 ? (
          <Empty title="No build run is registered yet.">
            Build a dataset with <code>traingate build</code>; each build registers its run here
            with its counts.
          </Empty>
        ) : (
          <ul className="run-list">
            {list.map((r) => {
              const excluded = Object.entries(r.counts?.excluded ?? {})
                .filter(([, n]) => n > 0)
                .sort((a, b) => b[1] - a[1]);
              return (
                <li key={r.run_id} className="card">
                  <h3>
                    <code>{r.run_id}</code>
                  </h3>
                  <dl className="facts">
                    <div>
                      <dt>Purpose</dt>
                      <dd>{r.purpose === undefined ? "—" : purposeName(r.purpose)}</dd>
                    </div>
                    <div>
                      <dt>Policy</dt>
                      <dd>{policyOf(r)}</dd>
                    </div>
                    <div>
                      <dt>Data as of</dt>
                      <dd>{formatDate(r.as_of, true)}</dd>
                    </div>
                    <div>
                      <dt>Items read</dt>
                      <dd>{formatNumber(r.counts?.input)}</dd>
                    </div>
                    <div>
                      <dt>Included</dt>
                      <dd>{formatNumber(r.counts?.included)}</dd>
                    </div>
                    <div>
                      <dt>Members included</dt>
                      <dd>{formatNumber(r.members)}</dd>
                    </div>
                  </dl>
                  {excluded.length === 0 ? (
                    <p className="muted">No item was excluded.</p>
                  ) : (
                    <table className="compact">
                      <caption>Excluded items by reason</caption>
                      <thead>
                        <tr>
                          <th scope="col">Reason</th>
                          <th scope="col" className="num">
                            Items
                          </th>
                        </tr>
                      </thead>
                      <tbody>
                        {excluded.map(([reason, n]) => (
                          <tr key={reason}>
                            <th scope="row">
                              <abbr title={reasonText(reason)}>{reasonLabel(reason)}</abbr>
                            </th>
                            <td className="num">{formatNumber(n)}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  )}
                </li>
              );
            })}
          </ul>
        )
      }
    </Async>
  );
}
