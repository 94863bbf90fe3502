/**
 * Policy versions: the published documents (GET /v1/documents) and a form to publish a new
 * version (POST /v1/admin/documents, privacy admins only).
 */
import { useId, useState } from "react";
import { ApiError } from "../../api/api-error.js";
import { call } from "../../api/client.js";
import { AnyJson, PolicyDocuments } from "../../api/schemas.js";
import { formatDate } from "../../components/format.js";
import { SelectField } from "../../components/select-field.js";
import { Async, Empty, ErrorPanel } from "../../components/status.js";
import { TableScroll } from "../../components/table-scroll.js";
import { TextField } from "../../components/text-field.js";
import { useResource } from "../../hooks/use-resource.js";

/** An RFC 3339 instant is what the API takes; the form checks the shape before sending. */
const RFC3339 = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+\\-]\\d{2}:\\d{2})";

function PublishForm({ onPublished }: { onPublished: () => void }) {
  const id = useId();
  const [kind, setKind] = useState("privacy_policy");
  const [version, setVersion] = useState("");
  const [title, setTitle] = useState("");
  const [effective, setEffective] = useState("");
  const [body, setBody] = useState("");
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState("");
  const [error, setError] = useState<ApiError | null>(null);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setDone("");
    try {
      await call(AnyJson, "/v1/admin/documents", {
        method: "POST",
        body: { kind, version, title, body, effective_at: effective },
      });
      setDone(`Published ${title} version ${version}.`);
      onPublished();
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError("UI_ERROR", String(err), 0));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card form-grid" onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>Publish a new version</h3>
      <SelectField label="Document" value={kind} onChange={setKind}>
        <option value="privacy_policy">Privacy Policy</option>
        <option value="user_agreement">User Agreement</option>
      </SelectField>
      <TextField
        label="Version"
        required
        pattern="[A-Za-z0-9][A-Za-z0-9._\-]{0,63}"
        value={version}
        onChange={setVersion}
        hint="Letters, digits, dots, dashes; e.g. 2025-11-03"
      />
      <TextField label="Title" required value={title} onChange={setTitle} />
      <TextField
        label="Effective from"
        required
        pattern={RFC3339}
        value={effective}
        onChange={setEffective}
        hint="RFC 3339, not before now, e.g. 2030-01-01T00:00:00Z"
      />
      <TextField
        label="Text of the document"
        required
        rows={5}
        value={body}
        onChange={setBody}
        className="full"
      />
      <div className="full">
        <button type="submit" className="button" disabled={busy} aria-busy={busy}>
          {busy ? "Publishing…" : "Publish"}
        </button>
        <p className="live" role="status" aria-live="polite">
          {done}
        </p>
      </div>
      {error === null ? null : (
        <div className="full">
          <ErrorPanel error={error} verb="publish" what="the new version (nothing was published)" />
        </div>
      )}
    </form>
  );
}

/** The policy versions panel. */
export function PolicyDocumentsPanel() {
  const docs = useResource((signal) => call(PolicyDocuments, "/v1/documents", { signal }));
  return (
    <div className="stack">
      <Async resource={docs} what="the policy versions">
        {(list) =>
          list.length === 0 ? (
            <Empty title="No policy version is published yet.">Publish the first one below.</Empty>
          ) : (
            <TableScroll label="Published policy versions">
              <table>
                <caption className="visually-hidden">Published policy versions</caption>
                <thead>
                  <tr>
                    <th scope="col">Document</th>
                    <th scope="col">Version</th>
                    <th scope="col">Published</th>
                    <th scope="col">Effective</th>
                    <th scope="col">Text</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((d, i) => (
                    <tr key={String(d.id ?? d.document_id ?? i)}>
                      <td>{d.title ?? d.kind ?? "—"}</td>
                      <td>{d.version ?? "—"}</td>
                      <td>{formatDate(d.published_at)}</td>
                      <td>{formatDate(d.effective_at)}</td>
                      <td>
                        {d.body ? (
                          <details>
                            <summary>Read</summary>
                            <p className="doc-body">{d.body}</p>
                          </details>
                        ) : (
                          "—"
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          )
        }
      </Async>
      <PublishForm onPublished={docs.reload} />
    </div>
  );
}
