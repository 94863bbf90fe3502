/**
 * Where the member's data went: the build runs that included their content, the models
 * trained on them, what each opt-out changed (the server's plain words), and the obligations
 * an opt-out opened, with their status and the date the platform committed to.
 */
import type { Lineage, Obligation, Run } from "../../api/schemas.js";
import { formatDate, purposeName } from "../../components/format.js";
import { Empty } from "../../components/status.js";
import { TableScroll } from "../../components/table-scroll.js";

function runPolicy(r: Run): string {
  if (typeof r.policy === "string") return r.policy;
  return r.policy?.name ?? r.policy_name ?? "—";
}

/** An obligation's status as a short label ("model_retired" → "model retired"). */
export function obligationStatus(status: string): string {
  return status.replaceAll("_", " ");
}

function modelsOf(o: Obligation): string {
  const models = o.models ?? [];
  return models.length === 0 ? "no model registered" : models.join(", ");
}

/** Renders the lineage panel. */
export function LineagePanel({ lineage }: { lineage: Lineage }) {
  const runs = lineage.runs ?? [];
  const models = lineage.models ?? [];
  const obligations = lineage.obligations ?? [];
  const optOuts = lineage.opt_outs ?? [];

  return (
    <div className="stack">
      {lineage.summary ? <p className="lead-small">{lineage.summary}</p> : null}
      {optOuts.length === 0 ? null : (
        <div className="callout">
          <h3>What opting out changed</h3>
          {optOuts.map((o) => (
            <p key={`${o.purpose}-${o.opted_out_at}`}>{o.summary}</p>
          ))}
        </div>
      )}
      <h3>Datasets that contained your content</h3>
      {runs.length === 0 ? (
        <Empty title="None of your content has been used in a training dataset.">
          If a build uses it later, it will be listed here.
        </Empty>
      ) : (
        <TableScroll label="Datasets that contained your content">
          <table className="runs-mine">
            <caption className="visually-hidden">Datasets that contained your content</caption>
            <thead>
              <tr>
                <th scope="col">Run</th>
                <th scope="col">Purpose</th>
                <th scope="col">Data as of</th>
                <th scope="col">Policy</th>
                <th scope="col">Models trained on it</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((r) => (
                <tr key={r.run_id}>
                  <td>
                    <code>{r.run_id}</code>
                  </td>
                  <td>{r.purpose === undefined ? "—" : purposeName(r.purpose)}</td>
                  <td>{formatDate(r.as_of)}</td>
                  <td>{runPolicy(r)}</td>
                  <td>{(r.models ?? []).map((m) => m.model_id).join(", ") || "none"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {models.length === 0 ? null : (
        <p>
          Models trained on these datasets:{" "}
          {models.map((m, i) => (
            <span key={m.model_id}>
              {i > 0 ? ", " : ""}
              <strong>{m.name ?? m.model_id}</strong>
              {m.version ? ` version ${m.version}` : ""}
            </span>
          ))}
          .
        </p>
      )}
      <h3>Follow-ups opened by your opt-out</h3>
      {obligations.length === 0 ? (
        <Empty title="Your choices have not opened any follow-up.">
          When you turn training off, every earlier dataset that contained your content gets a
          follow-up: the models trained on it must be retrained, made to unlearn, or retired.
        </Empty>
      ) : (
        <TableScroll label="Follow-ups opened by your opt-out">
          <table className="obligations-mine">
            <caption className="visually-hidden">Follow-ups opened by your opt-out</caption>
            <thead>
              <tr>
                <th scope="col">Dataset</th>
                <th scope="col">Models</th>
                <th scope="col">Opened</th>
                <th scope="col">Due by</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {obligations.map((o) => (
                <tr key={String(o.id)}>
                  <td>
                    <code>{o.run_id ?? "—"}</code>
                  </td>
                  <td>{modelsOf(o)}</td>
                  <td>{formatDate(o.created_at ?? o.opened_at)}</td>
                  <td>{o.status === "open" ? formatDate(o.due_by) : "—"}</td>
                  <td>
                    <span className={`badge status-${o.status}`}>{obligationStatus(o.status)}</span>
                    {o.status_text ? <span className="muted small"> {o.status_text}</span> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </div>
  );
}
