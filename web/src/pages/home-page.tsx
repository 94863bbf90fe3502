/**
 * The landing page: what TrainGate is, who is signed in (asked of the server, since the
 * session cookie is httpOnly), the two ways in, and, when the server runs in demo mode (its
 * OpenAPI document lists `/demo/login`), demo sign-in links.
 */
import { useId, useState } from "react";
import { ApiError } from "../api/api-error.js";
import { call } from "../api/client.js";
import { OpenApi, Settings } from "../api/schemas.js";
import { Spinner } from "../components/status.js";
import { useResource } from "../hooks/use-resource.js";

type Session = { kind: "member"; id: string } | { kind: "staff" } | { kind: "none" };

/** Who the browser is signed in as: a member (settings answer), staff (members only), none. */
async function session(signal: AbortSignal): Promise<Session> {
  try {
    const s = await call(Settings, "/v1/me/settings", { signal });
    return { kind: "member", id: s.member_id ?? "" };
  } catch (e) {
    if (e instanceof ApiError && e.code === "TG_E_FORBIDDEN") return { kind: "staff" };
    if (e instanceof ApiError && e.code === "TG_E_UNAUTHENTICATED") return { kind: "none" };
    throw e;
  }
}

function DemoSignIn() {
  const id = useId();
  const [member, setMember] = useState("");
  return (
    <section className="card demo" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Demo sign-in</h2>
      <p>This server runs in demo mode. Sign in as any demo member, or as the admin.</p>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          const who = member.trim();
          if (who !== "") window.location.href = `/demo/login/${encodeURIComponent(who)}`;
        }}
      >
        <label className="grow">
          Member id
          <input value={member} onChange={(e) => setMember(e.target.value)} required />
        </label>
        <button type="submit" className="button">
          Sign in as this member
        </button>
      </form>
      <p>
        <a className="button secondary" href="/demo/login/admin">
          Sign in as the admin
        </a>{" "}
        <a className="button secondary" href="/demo/logout">
          Sign out
        </a>
      </p>
    </section>
  );
}

function SessionLine() {
  const who = useResource(session);
  if (who.status === "loading") return <Spinner label="Checking who is signed in…" />;
  if (who.status === "failed") return null;
  const s = who.data;
  return (
    <p className="session" role="status">
      {s.kind === "member"
        ? `Signed in as member ${s.id}.`
        : s.kind === "staff"
          ? "Signed in with a staff (admin) session."
          : "Not signed in."}
    </p>
  );
}

/** The / page. */
export function HomePage() {
  const api = useResource((signal) => call(OpenApi, "/openapi.json", { signal }));
  const demo =
    api.status === "ready" && Object.keys(api.data.paths).some((p) => p.startsWith("/demo/login"));
  return (
    <>
      <header className="page-header">
        <h1>TrainGate</h1>
        <p className="lead">The gate between people's data and AI training.</p>
        <SessionLine />
      </header>
      <div className="cards two">
        <section className="card" aria-labelledby="home-me">
          <h2 id="home-me">For members</h2>
          <p>
            Decide whether your posts may train AI, see what each choice covers and where your data
            went.
          </p>
          <a className="button" href="#/me">
            Open your privacy center
          </a>
        </section>
        <section className="card" aria-labelledby="home-console">
          <h2 id="home-console">For privacy and ML teams</h2>
          <p>
            Opt-out figures, build runs, obligations, the audit log, and what-if comparisons of
            policies.
          </p>
          <a className="button" href="#/console/overview">
            Open the console
          </a>
        </section>
      </div>
      {demo ? <DemoSignIn /> : null}
    </>
  );
}
