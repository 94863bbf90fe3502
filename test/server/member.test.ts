/**
 * Member endpoints on both backends: settings in plain words, changing them (idempotent), my
 * history and notices, GPC recorded once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Backend, backends, type TestServer, testServer } from "./harness.js";

const BACKENDS = await backends();

describe.each(BACKENDS)("member API on $name", (backend: Backend) => {
  let s: TestServer;
  let alice: string;
  beforeAll(async () => {
    s = await testServer(backend);
    await s.store.upsertMembers([
      { id: "alice", country: "DE" },
      { id: "bob", country: "US" },
    ]);
    alice = await s.member("alice");
  });
  afterAll(async () => s.close());

  it("explains what applies to me in my region", async () => {
    const r = await s.send(alice, { url: "/v1/me/settings" });
    expect(r.statusCode).toBe(200);
    const body = r.json();
    const genai = body.settings.find((x: { purpose: string }) => x.purpose === "genai_training");
    expect(genai).toMatchObject({
      state: null,
      regime: "opt_in",
      region: "EEA",
      content_used: false,
      messages_used: false,
      minimum_age: 18,
    });
    expect(genai.explanation).toContain("opt-in");
    expect(genai.explanation).toContain("messages are never used");
    expect(genai.content_classes.map((c: { kind: string }) => c.kind)).toEqual([
      "post",
      "comment",
      "article",
    ]);
    const ads = body.settings.find((x: { purpose: string }) => x.purpose === "ads_targeting");
    expect(ads).toMatchObject({ regime: null, content_used: false });
  });

  it("records a change, replays it for the same key, refuses another body with that key", async () => {
    const headers = { "idempotency-key": "k-allow-1" };
    const first = await s.send(alice, {
      method: "PUT",
      url: "/v1/me/settings/genai_training",
      payload: { choice: "allow" },
      headers,
    });
    expect(first.statusCode).toBe(200);
    expect(first.json().setting).toMatchObject({
      state: "allow",
      source: "api",
      content_used: true,
    });
    const again = await s.send(alice, {
      method: "PUT",
      url: "/v1/me/settings/genai_training",
      payload: { choice: "allow" },
      headers,
    });
    expect(again.statusCode).toBe(200);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    expect(again.json()).toEqual(first.json());
    const other = await s.send(alice, {
      method: "PUT",
      url: "/v1/me/settings/genai_training",
      payload: { choice: "deny" },
      headers,
    });
    expect(other.statusCode).toBe(409);
    expect(other.json().error.code).toBe("TG_E_CONFLICT");
    const history = (await s.store.history("alice")).filter((e) => e.source === "api");
    expect(history).toHaveLength(1);
  });

  it("requires an Idempotency-Key on writes", async () => {
    const r = await s.app.inject({
      method: "PUT",
      url: "/v1/me/settings/genai_training",
      payload: { choice: "deny" },
      headers: { authorization: `Bearer ${alice}` },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.message).toContain("Idempotency-Key");
  });

  it("lists my history newest first", async () => {
    s.clock.advance(1_000_000);
    await s.send(alice, {
      method: "PUT",
      url: "/v1/me/settings/genai_training",
      payload: { choice: "deny" },
    });
    const r = await s.send(alice, { url: "/v1/me/history" });
    expect(r.statusCode).toBe(200);
    const events = r.json().events;
    expect(events[0]).toMatchObject({ purpose: "genai_training", choice: "deny" });
    expect(events[1]).toMatchObject({ choice: "allow" });
  });

  it("records GPC once for purposes whose policy honours it, and says so", async () => {
    const bob = await s.member("bob");
    const first = await s.send(bob, { url: "/v1/me/settings", headers: { "sec-gpc": "1" } });
    expect(first.statusCode).toBe(200);
    expect(first.json().gpc).toMatchObject({ signal: true, recorded: ["genai_training"] });
    expect(first.headers["x-traingate-gpc"]).toBe("recorded=genai_training");
    const genai = first
      .json()
      .settings.find((x: { purpose: string }) => x.purpose === "genai_training");
    expect(genai).toMatchObject({ state: "deny", source: "gpc" });
    const second = await s.send(bob, { url: "/v1/me/history", headers: { "sec-gpc": "1" } });
    expect(second.json().gpc.recorded).toEqual([]);
    const gpcEvents = (await s.store.history("bob")).filter((e) => e.source === "gpc");
    expect(gpcEvents).toHaveLength(1);
    const none = await s.send(bob, { url: "/v1/me/settings" });
    expect(none.json().gpc).toBeNull();
  });

  it("keeps a member's explicit allow made after the GPC deny, while the browser keeps the signal", async () => {
    const carol = await s.member("carol-gpc");
    const gpc = { "sec-gpc": "1" };
    const first = await s.send(carol, { url: "/v1/me/settings", headers: gpc });
    expect(first.json().gpc.recorded).toEqual(["genai_training"]);
    s.clock.advance(1_000_000);
    const allow = await s.send(carol, {
      method: "PUT",
      url: "/v1/me/settings/genai_training",
      headers: gpc,
      payload: { choice: "allow" },
    });
    expect(allow.statusCode).toBe(200);
    s.clock.advance(1_000_000);
    const later = await s.send(carol, { url: "/v1/me/settings", headers: gpc });
    expect(later.json().gpc).toMatchObject({ recorded: [], choice_kept: ["genai_training"] });
    expect(later.headers["x-traingate-gpc"]).toBe("choice-kept=genai_training");
    const genai = later
      .json()
      .settings.find((x: { purpose: string }) => x.purpose === "genai_training");
    expect(genai).toMatchObject({ state: "allow", source: "api" });
    const events = await s.store.history("carol-gpc");
    expect(events.filter((e) => e.source === "gpc")).toHaveLength(1);
    expect(events).toHaveLength(2);
  });

  it("shows notices and records explicit and continued-use acceptance", async () => {
    const admin = s.keys.privacy_admin;
    const pub = await s.send(admin, {
      method: "POST",
      url: "/v1/admin/documents",
      payload: {
        kind: "privacy_policy",
        version: "2025-03",
        title: "Privacy Policy",
        body: "We train on public posts.",
        effective_at: "2025-04-01T00:00:00Z",
      },
    });
    expect(pub.statusCode).toBe(201);
    const id = pub.json().id;
    const list = await s.send(alice, { url: "/v1/me/notices" });
    expect(list.json().notices[0]).toMatchObject({ document_id: id, acceptance: null });
    expect(list.json().notices[0].notified_at).not.toBeNull();
    const acc = await s.send(alice, { method: "POST", url: `/v1/me/notices/${id}/accept` });
    expect(acc.statusCode).toBe(200);
    expect(acc.json().acceptance).toBe("explicit");
    const carol = await s.member("carol");
    s.clock.advance(40 * 86_400_000_000);
    const later = await s.send(carol, { url: "/v1/me/notices" });
    expect(later.json().notices[0]).toMatchObject({ acceptance: "continued_use" });
  });

  it("an erased member's choices can no longer change, and settings show the tombstone deny", async () => {
    const erin = await s.member("erin");
    await s.send(erin, {
      method: "PUT",
      url: "/v1/me/settings/genai_training",
      payload: { choice: "allow" },
    });
    await s.store.eraseMember("erin", "GDPR art. 17 request", { actor: "test", requestId: null });
    const r = await s.send(erin, {
      method: "PUT",
      url: "/v1/me/settings/genai_training",
      payload: { choice: "allow" },
    });
    expect(r.statusCode).toBe(409);
    expect(r.json().error.code).toBe("TG_E_CONFLICT");
    const settings = await s.send(erin, { url: "/v1/me/settings", headers: { "sec-gpc": "1" } });
    expect(settings.statusCode).toBe(200);
    const genai = settings
      .json()
      .settings.find((x: { purpose: string }) => x.purpose === "genai_training");
    expect(genai).toMatchObject({ state: "deny", content_used: false });
    expect(settings.json().gpc.recorded).toEqual([]);
  });

  it("exports everything as one download", async () => {
    const r = await s.send(alice, { url: "/v1/me/export" });
    expect(r.statusCode).toBe(200);
    expect(r.headers["content-disposition"]).toContain("attachment");
    expect(r.json()).toMatchObject({ member_id: "alice", country: "DE" });
    expect(r.json().history.length).toBeGreaterThan(0);
    expect(r.json().lineage).toMatchObject({
      runs: expect.any(Array),
      obligations: expect.any(Array),
    });
  });
});
