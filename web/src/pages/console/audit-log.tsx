/**
 * The audit log (GET /v1/admin/audit) with the hash chain's verification result
 * (GET /v1/admin/audit/verify) shown first, in words and with an icon that is not colour
 * alone.
 */
import { call } from "../../api/client.js";
import { Audit, AuditVerify } from "../../api/schemas.js";
import { formatDate, formatNumber } from "../../components/format.js";
import { Async, Empty } from "../../components/status.js";
import { useResource } from "../../hooks/use-resource.js";

/** The audit panel. */
export function AuditLog() {
  const verify = useResource((signal) => call(AuditVerify, "/v1/admin/audit/verify", { signal }));
  const entries = useResource((signal) => call(Audit, "/v1/admin/audit", { signal }));
  return (
    <div className="stack">
      <Async resource={verify} what="the audit chain verification">
        {(v) => {
          const ok = v.ok ?? v.valid ?? v.verified ?? false;
          const n = v.entries ?? v.checked;
          return (
            <div className={`verify ${ok ? "verify-ok" : "verify-bad"}`} role="status">
              <span className="verify-icon" aria-hidden="true">
                {ok ? "✓" : "✗"}
              </span>
              <div>
                <p className="verify-title">
                  {ok ? "The audit chain verifies." : "The audit chain does NOT verify."}
                </p>
                <p>
                  {n === undefined ? "" : `${formatNumber(n)} entries checked. `}
                  {v.head ? (
                    <>
                      Head hash <code>{v.head.slice(0, 16)}…</code>
                    </>
                  ) : null}
                  {v.message ? ` ${v.message}` : ""}
                </p>
                <button type="button" className="button secondary" onClick={verify.reload}>
                  Verify again
                </button>
              </div>
            </div>
          );
        }}
      </Async>
      <Async resource={entries} what="the audit log">
        {(list) =>
          list.length === 0 ? (
            <Empty title="The audit log is empty.">
              Every consent change, import, document publication and obligation update is logged
              here as it happens.
            </Empty>
          ) : (
            <div className="table-scroll">
              <table>
                <caption className="visually-hidden">Audit log entries, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col">When</th>
                    <th scope="col">Who</th>
                    <th scope="col">Action</th>
                    <th scope="col">Target</th>
                    <th scope="col">Hash</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((e, i) => (
                    <tr key={String(e.seq ?? e.id ?? i)}>
                      <td>{e.seq ?? e.id ?? i + 1}</td>
                      <td>{formatDate(e.at, true)}</td>
                      <td>{e.actor ?? "—"}</td>
                      <td>{e.action ?? "—"}</td>
                      <td>{e.target ?? "—"}</td>
                      <td>
                        <code title={e.hash ?? ""}>{e.hash ? `${e.hash.slice(0, 10)}…` : "—"}</code>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Async>
    </div>
  );
}
