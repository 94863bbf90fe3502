/**
 * The lineage routes on both backends, through the real server: the member view after an
 * opt-out, the runs and obligations queue by role, model registration, status changes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sharedLineage } from "../../src/lineage/open-lineage.js";
import { type Backend, backends, type TestServer, testServer } from "../server/harness.js";
import { manifestFor } from "./lineage-fixtures.js";

const BACKENDS = await backends();

describe.each(BACKENDS)("lineage API on $name", (backend: Backend) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await testServer(backend);
    await s.store.upsertMembers([
      { id: "m1", country: "US" },
      { id: "m2", country: "US" },
    ]);
    const lineage = await sharedLineage(s.store, s.clock.now);
    for (const [runId, members, asOf] of [
      ["r1", ["m1", "m2"], "2025-01-01T00:00:00Z"],
      ["r2", ["m2"], "2025-02-01T00:00:00Z"],
    ] as const) {
      const items = members.map((m) => `${runId}:${m}`);
      await lineage.registerRun({
        manifest: manifestFor(runId, items, { asOf }),
        itemIds: items,
        memberIds: [...members],
        memberConsent: { allow: 0, none: members.length },
      });
    }
  });
  afterAll(async () => s.close());

  it("lists runs for ml_engineer, privacy_admin and auditor, never for partners or members", async () => {
    for (const role of ["ml_engineer", "privacy_admin", "auditor"] as const) {
      const r = await s.send(s.keys[role], { url: "/v1/admin/runs" });
      expect(r.statusCode).toBe(200);
      expect(r.json().runs.map((x: { run_id: string }) => x.run_id)).toEqual(["r2", "r1"]);
    }
    expect((await s.send(s.keys.partner, { url: "/v1/admin/runs" })).statusCode).toBe(403);
    expect((await s.send(await s.member("m1"), { url: "/v1/admin/runs" })).statusCode).toBe(403);
    const one = await s.send(s.keys.auditor, { url: "/v1/admin/runs/r1" });
    expect(one.json()).toMatchObject({
      run_id: "r1",
      members: 2,
      items: 2,
      manifest: { run_id: "r1" },
    });
    expect((await s.send(s.keys.auditor, { url: "/v1/admin/runs/nope" })).statusCode).toBe(404);
  });

  it("registers models for ml_engineer only", async () => {
    const body = { name: "assistant", run_ids: ["r1"] };
    const ok = await s.send(s.keys.ml_engineer, {
      method: "POST",
      url: "/v1/admin/models",
      payload: body,
    });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ model_id: "assistant@1", run_ids: ["r1"] });
    const denied = await s.send(s.keys.privacy_admin, {
      method: "POST",
      url: "/v1/admin/models",
      payload: body,
    });
    expect(denied.statusCode).toBe(403);
    const bad = await s.send(s.keys.ml_engineer, {
      method: "POST",
      url: "/v1/admin/models",
      payload: { name: "x", run_ids: ["zz"] },
    });
    expect(bad.statusCode).toBe(404);
  });

  it("shows a member what opting out changed, and the queue to the platform", async () => {
    const token = await s.member("m1");
    const before = await s.send(token, { url: "/v1/me/lineage" });
    expect(before.statusCode, before.body).toBe(200);
    expect(before.json()).toMatchObject({
      member_id: "m1",
      runs: [{ run_id: "r1", models: [{ model_id: "assistant@1" }] }],
      obligations: [],
      opt_outs: [],
    });
    const put = await s.send(token, {
      method: "PUT",
      url: "/v1/me/settings/genai_training",
      payload: { choice: "deny" },
    });
    expect(put.statusCode).toBe(200);
    const after = (await s.send(token, { url: "/v1/me/lineage" })).json();
    expect(after.obligations).toMatchObject([
      {
        run_id: "r1",
        purpose: "genai_training",
        status: "open",
        models: ["assistant@1"],
        opted_out_at: "2025-03-01T12:00:00.000Z",
        due_by: "2025-03-31T12:00:00.000Z",
      },
    ]);
    expect(after.opt_outs[0].summary).toBe(
      "You opted out of genai_training on 2025-03-01. Every build for genai_training with a data date from then on excludes your content. 1 earlier dataset already contained your content, used to train assistant@1. The platform committed to retrain, unlearn or retire the affected models for 1 dataset by 2025-03-31; that is still open.",
    );
    // Another member sees nothing of m1's.
    const other = (await s.send(await s.member("m2"), { url: "/v1/me/lineage" })).json();
    expect(other.obligations).toEqual([]);
    expect(other.runs.map((r: { run_id: string }) => r.run_id).sort()).toEqual(["r1", "r2"]);

    const queue = await s.send(s.keys.auditor, { url: "/v1/admin/obligations?status=open" });
    expect(queue.json().obligations).toMatchObject([
      { member_id: "m1", run_id: "r1", status: "open" },
    ]);
    const id = queue.json().obligations[0].id;
    const patch = (key: string, payload: Record<string, string>) =>
      s.send(key, { method: "PATCH", url: `/v1/admin/obligations/${id}`, payload });
    expect((await patch(s.keys.auditor, { status: "retrained", reason: "x" })).statusCode).toBe(
      403,
    );
    expect((await patch(s.keys.privacy_admin, { status: "open", reason: "x" })).statusCode).toBe(
      400,
    );
    expect((await patch(s.keys.privacy_admin, { status: "retrained" })).statusCode).toBe(400);
    const done = await patch(s.keys.ml_engineer, {
      status: "retrained",
      reason: "assistant@2 trained without r1's opted-out members",
    });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({
      status: "retrained",
      reason: "assistant@2 trained without r1's opted-out members",
    });
    expect(
      (await patch(s.keys.privacy_admin, { status: "unlearned", reason: "again" })).statusCode,
    ).toBe(409);
    const view = (await s.send(token, { url: "/v1/me/lineage" })).json();
    expect(view.opt_outs[0].summary).toContain("Done so far: 1 retrained.");
    const audit = await s.send(s.keys.auditor, { url: "/v1/admin/audit?limit=1000" });
    expect(audit.json().entries.map((e: { action: string }) => e.action)).toContain(
      "obligation.resolve",
    );
  });

  it("closes every open obligation of a run at once, keeping earlier resolutions", async () => {
    // m2 is in r1 and r2; m1's r1 obligation was closed as retrained above.
    const m2 = await s.member("m2");
    s.clock.advance(1_000_000);
    const put = await s.send(m2, {
      method: "PUT",
      url: "/v1/me/settings/genai_training",
      payload: { choice: "deny" },
    });
    expect(put.statusCode).toBe(200);
    const resolve = (key: string, runId: string, payload: Record<string, string>) =>
      s.send(key, {
        method: "POST",
        url: `/v1/admin/runs/${encodeURIComponent(runId)}/obligations/resolve`,
        payload,
      });
    const payload = { status: "model_retired", reason: "assistant@1 retired on 2025-04-01" };
    expect((await resolve(s.keys.auditor, "r1", payload)).statusCode).toBe(403);
    expect((await resolve(s.keys.partner, "r1", payload)).statusCode).toBe(403);
    expect(
      (await resolve(s.keys.privacy_admin, "r1", { status: "model_retired" })).statusCode,
    ).toBe(400);
    expect((await resolve(s.keys.privacy_admin, "no-such-run", payload)).statusCode).toBe(404);
    const done = await resolve(s.keys.privacy_admin, "r1", payload);
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toEqual({ run_id: "r1", status: "model_retired", resolved: 1 });
    const r1 = (await s.send(s.keys.auditor, { url: "/v1/admin/obligations?run_id=r1" })).json();
    expect(
      r1.obligations.map(
        (o: { member_id: string; status: string }) => `${o.member_id}:${o.status}`,
      ),
    ).toEqual(["m1:retrained", "m2:model_retired"]);
    // r2's obligation is untouched; running it again on r1 closes nothing.
    const r2 = (await s.send(s.keys.auditor, { url: "/v1/admin/obligations?run_id=r2" })).json();
    expect(r2.obligations.map((o: { status: string }) => o.status)).toEqual(["open"]);
    expect((await resolve(s.keys.ml_engineer, "r1", payload)).json().resolved).toBe(0);
    const audit = await s.send(s.keys.auditor, { url: "/v1/admin/audit?limit=1000" });
    expect(audit.json().entries.map((e: { action: string }) => e.action)).toContain(
      "obligation.resolve_run",
    );
  });
});
