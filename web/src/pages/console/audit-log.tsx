/**
 * The audit log (GET /v1/admin/audit) with the hash chain's verification result
 * (GET /v1/admin/audit/verify) shown first, in words and with an icon that is not colour
 * alone.
 */

import { useState } from "react";
import { call } from "../../api/client.js";
import { type AuditEntry, AuditPage, AuditVerify } from "../../api/schemas.js";
import { formatDate, formatNumber } from "../../components/format.js";
import { Async, Empty } from "../../components/status.js";
import { TableScroll } from "../../components/table-scroll.js";
import { useResource } from "../../hooks/use-resource.js";

/** Entries per page. */
const PAGE = 100;

/** The audit panel. */
export function AuditLog() {
  const verify = useResource((signal) => call(AuditVerify, "/v1/admin/audit/verify", { signal }));
  // Pages of the log in chain order; "Show the next entries" moves the cursor on.
  const [after, setAfter] = useState(0);
  const [earlier, setEarlier] = useState<readonly AuditEntry[]>([]);
  const entries = useResource(
    (signal) => call(AuditPage, `/v1/admin/audit?after=${after}&limit=${PAGE}`, { signal }),
    String(after),
  );
  return (
    <div className="stack">
      <Async resource={verify} what="the audit chain verification">
        {(v) => (
          <div className={`verify ${v.ok ? "verify-ok" : "verify-bad"}`}>
            <span className="verify-icon" aria-hidden="true">
              {v.ok ? "✓" : "✗"}
            </span>
            <div>
              <p className="verify-title" data-testid="audit-verify">
                {v.ok ? "The audit chain verifies." : "The audit chain does NOT verify."}
              </p>
              <p>
                {v.entries === undefined ? "" : `${formatNumber(v.entries)} entries checked. `}
                {v.ok && v.head ? (
                  <>
                    Head hash <code>{v.head.slice(0, 16)}…</code>
                  </>
                ) : null}
                {v.ok ? "" : `First broken entry: ${v.broken_seq ?? "unknown"}. ${v.problem ?? ""}`}
              </p>
              <button type="button" className="button secondary" onClick={verify.reload}>
                Verify again
              </button>
            </div>
          </div>
        )}
      </Async>
      <Async resource={entries} what="the audit log">
        {(page) => {
          const list = [...earlier, ...page.entries];
          return list.length === 0 ? (
            <Empty title="The audit log is empty.">
              Every consent change, import, document publication and obligation update is logged
              here as it happens.
            </Empty>
          ) : (
            <>
              <TableScroll label="Audit log entries, oldest first">
                <table>
                  <caption className="visually-hidden">Audit log entries, oldest first</caption>
                  <thead>
                    <tr>
                      <th scope="col">#</th>
                      <th scope="col">When</th>
                      <th scope="col">Who</th>
                      <th scope="col">Action</th>
                      <th scope="col">Subject</th>
                      <th scope="col">Hash</th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.map((e, i) => (
                      <tr key={String(e.seq ?? i)}>
                        <td>{e.seq ?? i + 1}</td>
                        <td>{formatDate(e.at, true)}</td>
                        <td>{e.actor ?? "—"}</td>
                        <td>{e.action ?? "—"}</td>
                        <td>{e.subject ?? "—"}</td>
                        <td>
                          <code title={e.entry_hash ?? ""}>
                            {e.entry_hash ? `${e.entry_hash.slice(0, 10)}…` : "—"}
                          </code>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableScroll>
              {page.entries.length === PAGE ? (
                <button
                  type="button"
                  className="button secondary"
                  onClick={() => {
                    setEarlier(list);
                    setAfter(page.next_after);
                  }}
                >
                  Show the next {PAGE} entries
                </button>
              ) : (
                <p className="muted">End of the log: {formatNumber(list.length)} entries shown.</p>
              )}
            </>
          );
        }}
      </Async>
    </div>
  );
}
