/** The policy document versions the member was shown, and how each was accepted. */
import type { Notice } from "../../api/schemas.js";
import { formatDate } from "../../components/format.js";
import { Empty } from "../../components/status.js";
import { TableScroll } from "../../components/table-scroll.js";

function acceptance(n: Notice): string {
  const how = n.acceptance ?? n.how;
  if (n.accepted_at !== null && n.accepted_at !== undefined) {
    const by = how === "continued_use" ? "by continuing to use the service" : "explicitly";
    return `Accepted ${by} on ${formatDate(n.accepted_at)}`;
  }
  if (how !== null && how !== undefined) return how.replaceAll("_", " ");
  return "Shown, not accepted";
}

/** Renders the notices table, or an empty state. */
export function NoticesTable({ notices }: { notices: readonly Notice[] }) {
  if (notices.length === 0) {
    return (
      <Empty title="No policy version has been shown to you yet.">
        Published versions are listed in the console's policy page and at /v1/documents.
      </Empty>
    );
  }
  return (
    <TableScroll label="Policy versions you were shown">
      <table>
        <caption className="visually-hidden">Policy versions you were shown</caption>
        <thead>
          <tr>
            <th scope="col">Document</th>
            <th scope="col">Version</th>
            <th scope="col">Shown</th>
            <th scope="col">Acceptance</th>
          </tr>
        </thead>
        <tbody>
          {notices.map((n, i) => (
            <tr key={`${n.document_id ?? n.id ?? i}`}>
              <td>{n.title ?? n.kind ?? String(n.document_id ?? n.id ?? "Document")}</td>
              <td>{n.version ?? "—"}</td>
              <td>{formatDate(n.shown_at)}</td>
              <td>{acceptance(n)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
