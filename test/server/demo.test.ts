/**
 * Demo mode: `/demo/login/:who` sets the httpOnly SameSite=Strict session cookie and
 * redirects; the cookie authenticates member and admin routes. A server not in demo mode has
 * no demo login and refuses demo tokens, even ones signed by the key in its own data dir.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadPreset } from "../../src/config/load-policy.js";
import { loadDemoKey, signDemoToken } from "../../src/server/auth/demo-key.js";
import { buildApp } from "../../src/server/build-app.js";
import { type Backend, backends, type TestServer, testServer } from "./harness.js";

const BACKENDS = await backends();

function sessionCookie(setCookie: string | string[] | undefined): string {
  const line = [setCookie ?? []].flat()[0] ?? "";
  return line.split(";")[0]!;
}

describe.each(BACKENDS)("demo mode on $name", (backend: Backend) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await testServer(backend, { demo: true });
  });
  afterAll(async () => s.close());

  it("signs a member in with a strict httpOnly cookie that authenticates member routes", async () => {
    const r = await s.app.inject({ url: "/demo/login/m-42" });
    expect(r.statusCode).toBe(302);
    expect(r.headers.location).toBe("/");
    const set = String(r.headers["set-cookie"]);
    expect(set).toContain("HttpOnly");
    expect(set).toContain("SameSite=Strict");
    const cookie = sessionCookie(r.headers["set-cookie"]);
    const me = await s.app.inject({ url: "/v1/me/settings", headers: { cookie } });
    expect(me.statusCode).toBe(200);
    expect(me.json().member_id).toBe("m-42");
    const noKey = await s.app.inject({
      method: "PUT",
      url: "/v1/me/settings/genai_training",
      payload: { choice: "deny" },
      headers: { cookie },
    });
    expect(noKey.statusCode).toBe(400);
    const put = await s.app.inject({
      method: "PUT",
      url: "/v1/me/settings/genai_training",
      payload: { choice: "deny" },
      headers: { cookie, "idempotency-key": "ui-1" },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json().event.source).toBe("settings");
    expect((await s.app.inject({ url: "/v1/admin/audit", headers: { cookie } })).statusCode).toBe(
      403,
    );
  });

  it("signs an admin in with privacy_admin, auditor and ml_engineer roles, not partner", async () => {
    const r = await s.app.inject({ url: "/demo/login/admin" });
    const cookie = sessionCookie(r.headers["set-cookie"]);
    expect(
      (await s.app.inject({ url: "/v1/admin/audit/verify", headers: { cookie } })).statusCode,
    ).toBe(200);
    expect(
      (await s.app.inject({ url: "/v1/admin/stats/opt-outs", headers: { cookie } })).statusCode,
    ).toBe(200);
    expect((await s.app.inject({ url: "/v1/feed/consent", headers: { cookie } })).statusCode).toBe(
      403,
    );
    expect((await s.app.inject({ url: "/v1/me/settings", headers: { cookie } })).statusCode).toBe(
      403,
    );
  });
});

describe.each(BACKENDS)("a server not in demo mode on $name", (backend: Backend) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await testServer(backend);
  });
  afterAll(async () => s.close());

  it("has no demo login", async () => {
    for (const who of ["admin", "m-1"]) {
      const r = await s.app.inject({ url: `/demo/login/${who}` });
      expect(r.statusCode).toBe(404);
      expect(r.headers["set-cookie"]).toBeUndefined();
    }
  });

  it("refuses demo tokens, even signed by the demo key of its own data directory", async () => {
    const key = await loadDemoKey(s.dir);
    const member = await signDemoToken(key, "m-1");
    const admin = await signDemoToken(key, "admin", { roles: ["privacy_admin"] });
    const r1 = await s.send(member, { url: "/v1/me/settings" });
    expect(r1.statusCode).toBe(401);
    expect(r1.json().error.message).toContain("not in demo mode");
    const r2 = await s.app.inject({
      url: "/v1/admin/audit/verify",
      headers: { cookie: `tg_session=${admin}` },
    });
    expect(r2.statusCode).toBe(401);
  });

  it("a server with neither JWKS nor demo key refuses every member token", async () => {
    const app = await buildApp({
      store: s.store,
      policy: loadPreset("recommended"),
      dataDir: s.dir,
      now: s.clock.now,
    });
    const token = await s.member("m-1");
    const r = await app.inject({
      url: "/v1/me/settings",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(r.statusCode).toBe(401);
    expect(r.json().error.message).toContain("no JWKS");
    await app.close();
  });
});
