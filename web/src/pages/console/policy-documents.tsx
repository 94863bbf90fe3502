/**
 * Policy versions: the published documents (GET /v1/documents) and a form to publish a new
 * version (POST /v1/admin/documents, privacy admins only).
 */
import { useState } from "react";
import { ApiError } from "../../api/api-error.js";
import { call } from "../../api/client.js";
import { AnyJson, PolicyDocuments } from "../../api/schemas.js";
import { formatDate } from "../../components/format.js";
import { Async, Empty, ErrorPanel } from "../../components/status.js";
import { useResource } from "../../hooks/use-resource.js";

function PublishForm({ onPublished }: { onPublished: () => void }) {
  const [kind, setKind] = useState("privacy_policy");
  const [version, setVersion] = useState("");
  const [title, setTitle] = useState("");
  const [effective, setEffective] = useState("");
  const [summary, setSummary] = useState("");
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
        body: {
          kind,
          version,
          title,
          ...(effective === "" ? {} : { effective_at: new Date(effective).toISOString() }),
          ...(summary === "" ? {} : { summary }),
        },
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
    <form className="card form-grid" onSubmit={(e) => void submit(e)} aria-labelledby="publish-h">
      <h3 id="publish-h">Publish a new version</h3>
      <label>
        Document
        <select value={kind} onChange={(e) => setKind(e.target.value)}>
          <option value="privacy_policy">Privacy Policy</option>
          <option value="user_agreement">User Agreement</option>
        </select>
      </label>
      <label>
        Version
        <input
          required
          value={version}
          onChange={(e) => setVersion(e.target.value)}
          placeholder="e.g. 2025-11-03"
        />
      </label>
      <label>
        Title
        <input required value={title} onChange={(e) => setTitle(e.target.value)} />
      </label>
      <label>
        Effective from (optional)
        <input
          type="datetime-local"
          value={effective}
          onChange={(e) => setEffective(e.target.value)}
        />
      </label>
      <label className="full">
        Summary of changes (optional)
        <textarea rows={3} value={summary} onChange={(e) => setSummary(e.target.value)} />
      </label>
      <div className="full">
        <button type="submit" className="button" disabled={busy} aria-busy={busy}>
          {busy ? "Publishing…" : "Publish"}
        </button>
        <p className="live" role="status" aria-live="polite">
          {done}
        </p>
      </div>
      {error === null ? null : (
        <ErrorPanel error={error} what="the new version (nothing was published)" />
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
            <div className="table-scroll">
              <table>
                <caption className="visually-hidden">Published policy versions</caption>
                <thead>
                  <tr>
                    <th scope="col">Document</th>
                    <th scope="col">Version</th>
                    <th scope="col">Published</th>
                    <th scope="col">Effective</th>
                    <th scope="col">Summary</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((d, i) => (
                    <tr key={String(d.id ?? d.document_id ?? i)}>
                      <td>{d.title ?? d.kind ?? "—"}</td>
                      <td>{d.version ?? "—"}</td>
                      <td>{formatDate(d.published_at)}</td>
                      <td>{formatDate(d.effective_at)}</td>
                      <td>{d.summary ?? "—"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Async>
      <PublishForm onPublished={docs.reload} />
    </div>
  );
}
