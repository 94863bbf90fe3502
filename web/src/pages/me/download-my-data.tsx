/**
 * "Download my data (JSON)": fetches GET /v1/me/export and saves it as a file. The button
 * shows progress while the export is prepared and the outcome is announced.
 */
import { useState } from "react";
import { ApiError } from "../../api/api-error.js";
import { call } from "../../api/client.js";
import { AnyJson } from "../../api/schemas.js";
import { ErrorPanel, Spinner } from "../../components/status.js";

/** Renders the download button and its status. */
export function DownloadMyData() {
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState("");
  const [error, setError] = useState<ApiError | null>(null);

  async function download() {
    setBusy(true);
    setError(null);
    setDone("");
    try {
      const data = await call(AnyJson, "/v1/me/export");
      const blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
      const url = URL.createObjectURL(blob);
      const a = document.createElement("a");
      a.href = url;
      a.download = "traingate-my-data.json";
      document.body.append(a);
      a.click();
      a.remove();
      URL.revokeObjectURL(url);
      setDone(
        `Your data was downloaded as traingate-my-data.json (${Math.ceil(blob.size / 1024)} KB).`,
      );
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError("UI_ERROR", String(e), 0));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="card">
      <p>
        One JSON file with your settings, the history of your choices, where your data was used, and
        the policy versions you were shown.
      </p>
      <button
        type="button"
        className="button"
        onClick={() => void download()}
        disabled={busy}
        aria-busy={busy}
      >
        Download my data (JSON)
      </button>{" "}
      {busy ? <Spinner label="Preparing your file…" /> : null}
      <p className="live" role="status" aria-live="polite">
        {done}
      </p>
      {error === null ? null : (
        <ErrorPanel
          error={error}
          verb="download"
          what="your data"
          onRetry={() => void download()}
        />
      )}
    </div>
  );
}
