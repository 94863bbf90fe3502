/**
 * Admin endpoints on both backends: streamed idempotent import, documents, opt-out
 * aggregates, the audit log and its verification, what-if, API keys; plus rate limits and the
 * OpenAPI document's security declarations.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Backend, backends, type TestServer, testServer } from "./harness.js";

const BACKENDS = await backends();

const CSV = [
  "member_id,purpose,choice,at,source",
  "a1,genai_training,deny,2025-01-10T00:00:00Z,import",
  "a2,genai_training,allow,2025-01-11T00:00:00Z,import",
  "a3,genai_training,deny,2025-02-01T00:00:00Z,settings",
].join("\n");

describe.each(BACKENDS)("admin API on $name", (backend: Backend) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await testServer(backend);
    await s.store.upsertMembers([
      { id: "a1", country: "DE" },
      { id: "a2", country: "US" },
      { id: "a3", country: "US" },
    ]);
  });
  afterAll(async () => s.close());

  it("imports CSV, replays the same import, refuses another body under the same key", async () => {
    const admin = s.keys.privacy_admin;
    const send = (payload: string, key: string, type = "text/csv") =>
      s.send(admin, {
        method: "POST",
        url: "/v1/admin/consent/import",
        payload,
        headers: { "content-type": type, "idempotency-key": key },
      });
    const first = await send(CSV, "imp-1");
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ rows: 3, inserted: 3, duplicates: 0 });
    const replay = await send(CSV, "imp-1");
    expect(replay.headers["idempotent-replayed"]).toBe("true");
    expect(replay.json()).toEqual(first.json());
    const conflict = await send(`${CSV}\n`, "imp-1");
    expect(conflict.statusCode).toBe(409);
    const again = await send(CSV, "imp-2");
    expect(again.json()).toMatchObject({ rows: 3, inserted: 0, duplicates: 3 });
    const jsonl = `${JSON.stringify({ member_id: "a4", purpose: "genai_training", choice: "deny", at: "2025-03-01T00:00:00Z", source: "import" })}\n`;
    const nd = await send(jsonl, "imp-3", "application/x-ndjson");
    expect(nd.json()).toMatchObject({ rows: 1, inserted: 1 });
  });

  it("fails a bad import whole, naming the line, and imports nothing", async () => {
    const before = (await s.store.status()).events;
    const bad = `${CSV.replace("a1,", "b1,").replace("a2,", "b2,")}\nb9,genai_training,maybe,2025-01-01T00:00:00Z,import`;
    const r = await s.send(s.keys.privacy_admin, {
      method: "POST",
      url: "/v1/admin/consent/import",
      payload: bad,
      headers: { "content-type": "text/csv" },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.message).toMatch(/body:5/);
    expect((await s.store.status()).events).toBe(before);
    const json = await s.send(s.keys.privacy_admin, {
      method: "POST",
      url: "/v1/admin/consent/import",
      payload: { a: 1 },
    });
    expect(json.statusCode).toBe(400);
    expect(json.json().error.message).toContain("text/csv");
  });

  it("reports opt-out rates by month, region and purpose", async () => {
    const r = await s.send(s.keys.auditor, {
      url: "/v1/admin/stats/opt-outs?until=2025-02-28T00:00:00Z&purpose=genai_training",
    });
    expect(r.statusCode).toBe(200);
    const feb = r.json().stats.filter((x: { month: string }) => x.month === "2025-02");
    const rest = feb.find((x: { region: string }) => x.region === "REST");
    expect(rest).toMatchObject({ members: 2, opted_out: 1, rate: 0.5 });
    const eea = feb.find((x: { region: string }) => x.region === "EEA");
    expect(eea).toMatchObject({ members: 1, opted_out: 1, rate: 1 });
  });

  it("lists the audit log and verifies its chain", async () => {
    const log = await s.send(s.keys.auditor, { url: "/v1/admin/audit?limit=1000" });
    expect(log.statusCode).toBe(200);
    const actions = log.json().entries.map((e: { action: string }) => e.action);
    expect(actions).toContain("consent.import");
    const v = await s.send(s.keys.auditor, { url: "/v1/admin/audit/verify" });
    expect(v.json()).toMatchObject({ ok: true });
  });

  it("creates an API key whose token works once shown, and never lists its secret", async () => {
    const r = await s.send(s.keys.privacy_admin, {
      method: "POST",
      url: "/v1/admin/api-keys",
      payload: { roles: ["auditor"], label: "ci" },
    });
    expect(r.statusCode).toBe(201);
    const token = r.json().token as string;
    expect(token).toMatch(/^tgk_[0-9a-f]{16}_/);
    expect((await s.send(token, { url: "/v1/admin/audit/verify" })).statusCode).toBe(200);
    const list = await s.send(s.keys.auditor, { url: "/v1/admin/api-keys" });
    // The secret itself may contain "_", so take everything after `tgk_<16 hex>_`.
    const secret = token.slice("tgk_".length + 16 + 1);
    expect(secret).toHaveLength(43);
    expect(list.body.includes(secret)).toBe(false);
    const entries = await s.store.auditEntries(0, 10_000);
    expect(entries.some((e) => e.action.startsWith("api_key"))).toBe(true);
  });

  it("counts what-if changes between two policies on an export", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tg-whatif-"));
    const members = join(dir, "members.jsonl");
    const items = join(dir, "items.jsonl");
    writeFileSync(
      members,
      [
        { id: "u1", country: "DE", birth_date: "1990-01-01", created_at: "2020-01-01T00:00:00Z" },
        { id: "u2", country: "US", birth_date: "1990-01-01", created_at: "2020-01-01T00:00:00Z" },
      ]
        .map((x) => JSON.stringify(x))
        .join("\n"),
    );
    writeFileSync(
      items,
      [
        {
          id: "i1",
          author_id: "u1",
          kind: "post",
          visibility: "public",
          created_at: "2025-01-01T00:00:00Z",
          text: "a",
        },
        {
          id: "i2",
          author_id: "u2",
          kind: "post",
          visibility: "public",
          created_at: "2025-01-01T00:00:00Z",
          text: "b",
        },
      ]
        .map((x) => JSON.stringify(x))
        .join("\n"),
    );
    const r = await s.send(s.keys.ml_engineer, {
      method: "POST",
      url: "/v1/admin/whatif",
      payload: {
        baseline: { preset: "recommended" },
        policy: { preset: "meta-2024" },
        purpose: "genai_training",
        as_of: "2025-06-01T00:00:00Z",
        export: { members, items },
      },
    });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ baseline: "recommended", policy: "meta-2024" });
    expect(r.json().changes.items).toBe(2);
    expect(r.json().data.consent).toBe("ledger");
    const bad = await s.send(s.keys.ml_engineer, {
      method: "POST",
      url: "/v1/admin/whatif",
      payload: {
        baseline: { preset: "nope" },
        policy: { yaml: "name: [" },
        as_of: "2025-06-01T00:00:00Z",
        export: { members, items },
      },
    });
    expect(bad.statusCode).toBeGreaterThanOrEqual(400);
    expect(bad.statusCode).toBeLessThan(500);
  });

  it("declares security on every OpenAPI operation, empty only for public ones", async () => {
    const doc = (await s.app.inject({ url: "/openapi.json" })).json();
    const publicPaths = new Set([
      "/healthz",
      "/openapi.json",
      "/v1/documents",
      "/v1/documents/{id}",
      "/v1/policies",
    ]);
    let ops = 0;
    for (const [path, item] of Object.entries(
      doc.paths as Record<string, Record<string, { security?: unknown[] }>>,
    )) {
      for (const [method, op] of Object.entries(item)) {
        ops++;
        expect(op.security, `${method} ${path}`).toBeDefined();
        if (op.security!.length === 0)
          expect(publicPaths.has(path), `${method} ${path}`).toBe(true);
        else expect(publicPaths.has(path)).toBe(false);
      }
    }
    expect(ops).toBeGreaterThan(15);
    expect(doc.paths["/v1/me/settings/{purpose}"].put.requestBody).toBeDefined();
    expect((await s.app.inject({ url: "/docs" })).statusCode).toBeLessThan(400);
  });
});

describe.each(BACKENDS)("rate limits on $name", (backend: Backend) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await testServer(backend, { extra: { rateLimit: 5, rateWindowMs: 60_000 } });
  });
  afterAll(async () => s.close());

  it("answers 429 TG_E_RATE_LIMITED per key, not for other keys", async () => {
    const codes: number[] = [];
    for (let i = 0; i < 7; i++) {
      codes.push((await s.send(s.keys.auditor, { url: "/v1/admin/audit/verify" })).statusCode);
    }
    expect(codes.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    const limited = await s.send(s.keys.auditor, { url: "/v1/admin/audit/verify" });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe("TG_E_RATE_LIMITED");
    expect((await s.send(s.keys.privacy_admin, { url: "/v1/admin/audit/verify" })).statusCode).toBe(
      200,
    );
  });
});
