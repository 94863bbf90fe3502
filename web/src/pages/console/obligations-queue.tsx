/**
 * The obligations queue (GET /v1/admin/obligations) with status changes
 * (PATCH /v1/admin/obligations/{id} with a reason). Rows can be filtered by status; a change
 * is announced and the row updates in place.
 */
import { useState } from "react";
import {
  CLOSING_STATUSES,
  OBLIGATION_STATUSES,
  type ObligationStatus,
  STATUS_TEXT,
} from "../../../../src/lineage/obligation-status.js";
import { ApiError } from "../../api/api-error.js";
import { call } from "../../api/client.js";
import { AnyJson, type Obligation, Obligations } from "../../api/schemas.js";
import { formatDate, purposeName } from "../../components/format.js";
import { SelectField } from "../../components/select-field.js";
import { Async, Empty, ErrorPanel } from "../../components/status.js";
import { useResource } from "../../hooks/use-resource.js";
import { obligationStatus } from "../me/lineage-panel.js";

/** Every status, for the filter. */
const STATUSES = OBLIGATION_STATUSES;

function ObligationRow({ o, onChanged }: { o: Obligation; onChanged: (msg: string) => void }) {
  const [status, setStatus] = useState(o.status);
  const [target, setTarget] = useState<string>(CLOSING_STATUSES[0]);
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const idText = String(o.id);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await call(AnyJson, `/v1/admin/obligations/${encodeURIComponent(idText)}`, {
        method: "PATCH",
        body: { status: target, reason },
      });
      setStatus(target);
      setReason("");
      onChanged(`Obligation ${idText} is now ${obligationStatus(target)}.`);
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError("UI_ERROR", String(err), 0));
    } finally {
      setBusy(false);
    }
  }

  return (
    <li className="card obligation">
      <div className="obligation-head">
        <h3>Obligation {idText}</h3>
        <span className={`badge status-${status}`}>{obligationStatus(status)}</span>
      </div>
      <dl className="facts">
        <div>
          <dt>Status</dt>
          <dd>{STATUS_TEXT[status as ObligationStatus] ?? obligationStatus(status)}</dd>
        </div>
        <div>
          <dt>Dataset (run)</dt>
          <dd>
            <code>{o.model_id ?? o.run_id ?? "—"}</code>
          </dd>
        </div>
        {o.member_id ? (
          <div>
            <dt>Member</dt>
            <dd>{o.member_id}</dd>
          </div>
        ) : null}
        {o.purpose ? (
          <div>
            <dt>Purpose</dt>
            <dd>{purposeName(o.purpose)}</dd>
          </div>
        ) : null}
        <div>
          <dt>Opted out</dt>
          <dd>{formatDate(o.opted_out_at, true)}</dd>
        </div>
        <div>
          <dt>Opened</dt>
          <dd>{formatDate(o.created_at ?? o.opened_at, true)}</dd>
        </div>
        {o.reason ? (
          <div>
            <dt>Closing reason</dt>
            <dd>{o.reason}</dd>
          </div>
        ) : null}
      </dl>
      {status !== "open" ? null : (
        <form className="inline-form" onSubmit={(e) => void submit(e)}>
          <SelectField label="Close as" value={target} onChange={setTarget}>
            {CLOSING_STATUSES.map((s) => (
              <option key={s} value={s}>
                {obligationStatus(s)}
              </option>
            ))}
          </SelectField>
          <label className="grow">
            Reason (kept in the audit log)
            <input
              type="text"
              required
              minLength={3}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
          </label>
          <button
            type="submit"
            className="button"
            disabled={busy || target === status}
            aria-busy={busy}
          >
            {busy ? "Saving…" : "Close obligation"}
          </button>
        </form>
      )}
      {status !== "open" ? null : (
        <p className="hint">{STATUS_TEXT[target as ObligationStatus] ?? ""}</p>
      )}
      {error === null ? null : <ErrorPanel error={error} verb="save" what="the status change" />}
    </li>
  );
}

/** The most obligations one page shows (the API's maximum page is 1000). */
const PAGE = 200;

/** The obligations panel: the open queue by default, any status on request. */
export function ObligationsQueue() {
  const [filter, setFilter] = useState<string>("open");
  const [announce, setAnnounce] = useState("");
  const list = useResource(
    (signal) =>
      call(
        Obligations,
        `/v1/admin/obligations?limit=${PAGE}${filter === "all" ? "" : `&status=${encodeURIComponent(filter)}`}`,
        { signal },
      ),
    filter,
  );
  return (
    <div className="stack">
      <p className="live" role="status" aria-live="polite">
        {announce}
      </p>
      <SelectField label="Show" value={filter} onChange={setFilter} inline>
        <option value="all">all statuses</option>
        {STATUSES.map((s) => (
          <option key={s} value={s}>
            {obligationStatus(s)}
          </option>
        ))}
      </SelectField>
      <Async resource={list} what="the obligations queue">
        {(shown) => {
          if (shown.length === 0) {
            return (
              <Empty
                title={
                  filter === "open"
                    ? "No open obligation: the queue is clear."
                    : "No obligation has this status."
                }
              >
                An obligation opens when a member opts out after a dataset with their content was
                built; it closes when the models trained on it are retrained, made to unlearn or
                retired.
              </Empty>
            );
          }
          return (
            <>
              <p className="muted">
                {shown.length === PAGE ? `The first ${PAGE}` : shown.length}{" "}
                {shown.length === 1 ? "obligation" : "obligations"}, oldest first.
              </p>
              <ul className="run-list">
                {shown.map((o) => (
                  <ObligationRow key={String(o.id)} o={o} onChanged={setAnnounce} />
                ))}
              </ul>
            </>
          );
        }}
      </Async>
    </div>
  );
}
