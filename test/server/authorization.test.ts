/**
 * Authorization, driven by the app's route table so that a new route cannot escape it: every
 * member route with no credentials and with another member's token (no leak, no change in the
 * ledger); every admin and partner route with no credentials, a member token and each wrong
 * role (refused, no change).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROLES, type Role } from "../../src/ledger/ledger-store.js";
import type { RouteEntry } from "../../src/server/build-app.js";
import { type Backend, backends, type TestServer, testServer } from "./harness.js";

const BACKENDS = await backends();
const VICTIM = "victim-7f3a";

/** A URL for a route pattern: every `:param` gets a plausible value. */
function fill(url: string, docId: string): string {
  return url
    .replace(":purpose", "genai_training")
    .replace(":documentId", docId)
    .replace(":id", "0123456789abcdef")
    .replace(/:[A-Za-z]+/g, "x1")
    .replace("*", "");
}

/** Everything a refused request must not have changed. */
async function snapshot(s: TestServer) {
  return JSON.stringify({
    history: await s.store.history(VICTIM),
    state: await s.store.currentState(VICTIM),
    audit: (await s.store.verifyAudit()).entries,
    keys: (await s.store.listApiKeys()).length,
    hooks: (await s.store.listWebhooks()).length,
    docs: (await s.store.listDocuments()).length,
  });
}

describe.each(BACKENDS)("authorization on $name", (backend: Backend) => {
  let s: TestServer;
  let routes: RouteEntry[];
  let docId: string;
  beforeAll(async () => {
    s = await testServer(backend, { demo: true });
    await s.store.upsertMembers([{ id: VICTIM, country: "FR" }]);
    const victimToken = await s.member(VICTIM);
    const put = await s.send(victimToken, {
      method: "PUT",
      url: "/v1/me/settings/genai_training",
      payload: { choice: "allow" },
    });
    expect(put.statusCode).toBe(200);
    const doc = await s.send(s.keys.privacy_admin, {
      method: "POST",
      url: "/v1/admin/documents",
      payload: {
        kind: "user_agreement",
        version: "v1",
        title: "User Agreement",
        body: "Terms.",
        effective_at: "2025-01-01T00:00:00Z",
      },
    });
    docId = doc.json().id;
    routes = s.app.routeTable.filter((r) => !r.url.startsWith("/docs") && r.url !== "/*");
  });
  afterAll(async () => s.close());

  it("every TrainGate route declares who may call it", () => {
    expect(routes.length).toBeGreaterThan(15);
    expect(routes.filter((r) => !r.declared).map((r) => `${r.method} ${r.url}`)).toEqual([]);
  });

  it("every member route refuses a request without credentials and changes nothing", async () => {
    const member = routes.filter((r) => r.access.audience === "member");
    expect(member.length).toBeGreaterThanOrEqual(6);
    for (const r of member) {
      const before = await snapshot(s);
      const res = await s.send(null, {
        method: r.method as "GET",
        url: fill(r.url, docId),
        ...(r.method === "GET" ? {} : { payload: { choice: "deny" } }),
        headers: { "sec-gpc": "1" },
      });
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(401);
      expect(await snapshot(s), `${r.method} ${r.url}`).toBe(before);
    }
  });

  it("every member route with another member's token shows and changes nothing of the victim", async () => {
    const mallory = await s.member("mallory");
    for (const r of routes.filter((x) => x.access.audience === "member")) {
      const before = await snapshot(s);
      // Try to name the victim everywhere a route could be tricked into reading it.
      const url = `${fill(r.url, docId)}?member_id=${VICTIM}&sub=${VICTIM}`;
      const res = await s.send(mallory, {
        method: r.method as "GET",
        url,
        ...(r.method === "GET"
          ? {}
          : { payload: { choice: "deny", member_id: VICTIM, memberId: VICTIM } }),
        headers: { "x-member-id": VICTIM },
      });
      expect(res.statusCode, `${r.method} ${r.url}`).toBeLessThan(500);
      expect(res.body.includes(VICTIM), `${r.method} ${r.url} leaked`).toBe(false);
      expect(await snapshot(s), `${r.method} ${r.url} changed the victim`).toBe(before);
    }
  });

  it("every admin and partner route refuses no credentials, members and each wrong role", async () => {
    const guarded = routes.filter(
      (r) => r.access.audience === "admin" || r.access.audience === "partner",
    );
    expect(guarded.length).toBeGreaterThanOrEqual(10);
    const mallory = await s.member("mallory");
    for (const r of guarded) {
      const allowed: readonly Role[] =
        r.access.audience === "partner" ? ["partner"] : (r.access.roles ?? []);
      const wrong = ROLES.filter((role) => !allowed.includes(role));
      const callers: [string, string | null, number][] = [
        ["nobody", null, 401],
        ["a member", mallory, 403],
        ...wrong.map((role): [string, string, number] => [role, s.keys[role], 403]),
      ];
      for (const [who, token, status] of callers) {
        const before = await snapshot(s);
        const res = await s.send(token, {
          method: r.method as "GET",
          url: fill(r.url, docId),
          ...(r.method === "GET" || r.method === "DELETE"
            ? {}
            : { payload: { roles: ["partner"] } }),
        });
        expect(res.statusCode, `${r.method} ${r.url} as ${who}`).toBe(status);
        expect(res.json().error.code).toBe(
          status === 401 ? "TG_E_UNAUTHENTICATED" : "TG_E_FORBIDDEN",
        );
        expect(await snapshot(s), `${r.method} ${r.url} as ${who}`).toBe(before);
      }
    }
  });

  it("refuses revoked keys, forged keys and tokens from an unknown issuer", async () => {
    const auditor = s.keys.auditor;
    const id = auditor.split("_")[1]!;
    const ok = await s.send(auditor, { url: "/v1/admin/audit/verify" });
    expect(ok.statusCode).toBe(200);
    const forged = `${auditor.slice(0, -4)}AAAA`;
    expect((await s.send(forged, { url: "/v1/admin/audit/verify" })).statusCode).toBe(401);
    await s.send(s.keys.privacy_admin, { method: "DELETE", url: `/v1/admin/api-keys/${id}` });
    expect((await s.send(auditor, { url: "/v1/admin/audit/verify" })).statusCode).toBe(401);
    const other = await (await import("./harness.js")).testIdp(s.dir);
    const stranger = await other.token("alice");
    // Same issuer name, another key: the signature does not verify against the configured JWKS.
    expect((await s.send(stranger, { url: "/v1/me/settings" })).statusCode).toBe(401);
  });
});
