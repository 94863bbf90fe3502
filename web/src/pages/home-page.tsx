/**
 * The landing page: what TrainGate is, the two ways in (privacy center for members, console
 * for privacy and ML teams) and, when the server runs in demo mode, demo sign-in links.
 */
import { useId, useState } from "react";
import { call } from "../api/client.js";
import { Health } from "../api/schemas.js";
import { useResource } from "../hooks/use-resource.js";

function DemoSignIn() {
  const id = useId();
  const [member, setMember] = useState("");
  return (
    <section className="card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Demo sign-in</h2>
      <p>This server runs in demo mode. Sign in as any demo member, or as the admin.</p>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (member.trim() !== "")
            window.location.href = `/demo/login/${encodeURIComponent(member.trim())}`;
        }}
      >
        <label className="grow">
          Member id
          <input
            value={member}
            onChange={(e) => setMember(e.target.value)}
            placeholder="e.g. m000001"
            required
          />
        </label>
        <button type="submit" className="button">
          Sign in as this member
        </button>
      </form>
      <p>
        <a className="button secondary" href="/demo/login/admin">
          Sign in as the admin
        </a>
      </p>
    </section>
  );
}

/** The / page. */
export function HomePage() {
  const health = useResource((signal) => call(Health, "/healthz", { signal }));
  const demo = health.status === "ready" && health.data.demo === true;
  return (
    <>
      <header className="page-header">
        <h1>TrainGate</h1>
        <p className="lead">The gate between people's data and AI training.</p>
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
