/**
 * Where the member's data went: the build runs that included their items, the models
 * trained on those runs, and the obligations their opt-out opened (retrain, filter, or
 * delete), with the server's plain-words summary of what opting out changed.
 */
import { STATUS_TEXT } from "../../../../src/lineage/obligation-status.js";
import type { Lineage, Obligation, Run } from "../../api/schemas.js";
import { formatDate, formatNumber, purposeName } from "../../components/format.js";
import { Empty } from "../../components/status.js";
import { TableScroll } from "../../components/table-scroll.js";

function runPolicy(r: Run): string {
  if (typeof r.policy === "string") return r.policy;
  return r.policy?.name ?? r.policy_name ?? "—";
}

/** The number of the member's items in a run, whichever name the server gives it. */
function myItems(r: Run): number | null {
  return r.my_items ?? r.items_used ?? r.items ?? null;
}

/** An obligation's status in words. */
export function obligationStatus(status: string): string {
  return status.replaceAll("_", " ");
}

function obligationWhat(o: Obligation): string {
  return (
    (STATUS_TEXT as Readonly<Record<string, string>>)[o.status] ??
    o.description ??
    "the platform has yet to act"
  );
}

/** Renders the lineage panel. */
export function LineagePanel({ lineage }: { lineage: Lineage }) {
  const runs = lineage.runs ?? [];
  const models = lineage.models ?? [];
  const obligations = lineage.obligations ?? [];
  const summary = lineage.what_changed ?? lineage.summary;
  const lines =
    summary === null || summary === undefined ? [] : Array.isArray(summary) ? summary : [summary];

  return (
    <div className="stack">
      {lines.length === 0 ? null : (
        <div className="callout">
          <h3>What opting out changed</h3>
          {lines.map((l) => (
            <p key={l}>{l}</p>
          ))}
        </div>
      )}
      <h3>Training runs that included your content</h3>
      {runs.length === 0 ? (
        <Empty title="None of your content has been used in a training run.">
          If a run uses it later, it will be listed here.
        </Empty>
      ) : (
        <TableScroll label="Training runs that included your content">
          <table>
            <caption className="visually-hidden">Training runs that included your content</caption>
            <thead>
              <tr>
                <th scope="col">Run</th>
                <th scope="col">Purpose</th>
                <th scope="col">Data as of</th>
                <th scope="col">Policy</th>
                <th scope="col" className="num">
                  Your items
                </th>
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
                  <td className="num">{formatNumber(myItems(r))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      <h3>Models trained on those runs</h3>
      {models.length === 0 ? (
        <Empty title="No model has been registered as trained on these runs." />
      ) : (
        <ul className="plain-list">
          {models.map((m) => (
            <li key={m.model_id}>
              <strong>{m.name ?? m.model_id}</strong>
              {m.version ? ` version ${m.version}` : ""}{" "}
              <span className="muted">
                (trained on {(m.runs ?? m.run_ids ?? []).join(", ") || "registered runs"})
              </span>
            </li>
          ))}
        </ul>
      )}
      <h3>Follow-ups opened by your opt-out</h3>
      {obligations.length === 0 ? (
        <Empty title="Your choices have not opened any follow-up.">
          When you turn training off, each run and model that already used your content gets a
          follow-up for the ML team, listed here with its status.
        </Empty>
      ) : (
        <TableScroll label="Follow-ups opened by your opt-out">
          <table className="obligations-mine">
            <caption className="visually-hidden">Follow-ups opened by your opt-out</caption>
            <thead>
              <tr>
                <th scope="col">Run or model</th>
                <th scope="col">Where it stands</th>
                <th scope="col">Opened</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {obligations.map((o) => (
                <tr key={String(o.id)}>
                  <td>
                    <code>{o.model_id ?? o.run_id ?? "—"}</code>
                  </td>
                  <td>{obligationWhat(o)}</td>
                  <td>{formatDate(o.created_at ?? o.opened_at)}</td>
                  <td>
                    <span className={`badge status-${o.status}`}>{obligationStatus(o.status)}</span>
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
