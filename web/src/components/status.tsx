/**
 * The designed loading, empty, error and "not available" states every panel uses, so a
 * reader always knows whether data is coming, missing, or broken, and what to do next.
 */
import type { ReactNode } from "react";
import type { ApiError } from "../api/api-error.js";
import type { Resource } from "../hooks/use-resource.js";

/** A skeleton placeholder announced as busy. */
export function Loading({ label, lines = 3 }: { label: string; lines?: number }) {
  return (
    <div className="loading" aria-busy="true" role="status" aria-live="polite">
      <span className="visually-hidden">{label}</span>
      {Array.from({ length: lines }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a fixed list of identical placeholders.
        <div key={i} className="skeleton" aria-hidden="true" style={{ width: `${90 - i * 15}%` }} />
      ))}
    </div>
  );
}

/** An inline spinner for a running action. */
export function Spinner({ label }: { label: string }) {
  return (
    <span className="spinner-wrap" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </span>
  );
}

/** An empty state with what to do next. */
export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <p className="empty-title">{title}</p>
      {children === undefined ? null : <div className="empty-next">{children}</div>}
    </div>
  );
}

function hintFor(error: ApiError): ReactNode {
  switch (error.code) {
    case "TG_E_UNAUTHENTICATED":
      return (
        <>
          You are not signed in, or your session expired. <a href="#/">Sign in again</a>.
        </>
      );
    case "TG_E_FORBIDDEN":
      return "Your account's role cannot see this. Ask a privacy admin for access.";
    case "TG_E_RATE_LIMITED":
      return "Too many requests in a short time. Wait a moment, then retry.";
    case "TG_E_NO_LEDGER":
      return "The consent ledger is not reachable. The operator should check the server's database.";
    case "UI_NETWORK":
      return "The server did not answer.";
    default:
      return null;
  }
}

/** An error with the server's code and message and a retry button. */
export function ErrorPanel({
  error,
  onRetry,
  what,
  verb = "load",
}: {
  error: ApiError;
  onRetry?: () => void;
  what: string;
  /** What failed: "load" for reads, "save", "publish", ... for writes. */
  verb?: string;
}) {
  if (error.routeMissing) return <Unavailable what={what} />;
  const hint = hintFor(error);
  return (
    <div className="error-panel" role="alert">
      <p className="error-title">
        Could not {verb} {what}.
      </p>
      <p>
        <code className="error-code">{error.code}</code> {error.message}
      </p>
      {hint === null ? null : <p className="error-hint">{hint}</p>}
      {error.requestId === null ? null : (
        <p className="muted small">Request id: {error.requestId}</p>
      )}
      {onRetry === undefined ? null : (
        <button type="button" className="button secondary" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}

/** A panel whose API route this server does not offer. */
export function Unavailable({ what }: { what: string }) {
  return (
    <div className="unavailable" role="note">
      <p className="empty-title">
        {what[0]?.toUpperCase() + what.slice(1)} is not available on this server.
      </p>
      <p className="muted">
        This server version does not provide the data for this panel yet. Nothing is shown rather
        than something made up.
      </p>
    </div>
  );
}

/** Renders a resource: loading skeleton, error panel with retry, or `children(data)`. */
export function Async<T>({
  resource,
  what,
  children,
}: {
  resource: Resource<T>;
  what: string;
  children: (data: T) => ReactNode;
}) {
  if (resource.status === "loading") return <Loading label={`Loading ${what}…`} />;
  if (resource.status === "failed")
    return <ErrorPanel error={resource.error} onRetry={resource.reload} what={what} />;
  return <>{children(resource.data)}</>;
}
