/**
 * The partner feed and webhooks on both backends: a consumer that stops and resumes misses
 * nothing and sees nothing twice; a webhook partner that is down for a while catches up with
 * no gap; every delivery's signature verifies with the partner's secret.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signBody, verifySignature } from "../../src/server/webhooks/signature.js";
import { startWebhookWorker } from "../../src/server/webhooks/webhook-worker.js";
import { type Backend, backends, type TestServer, testServer } from "./harness.js";

const BACKENDS = await backends();
const LOCAL_RECEIVERS = { allowPrivate: true, allowIps: [] };

/** Writes `n` opt-outs through the member API, from members m<from>..m<from+n-1>. */
async function optOuts(s: TestServer, from: number, n: number): Promise<void> {
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const token = await s.member(`m${from + i}`);
      const r = await s.send(token, {
        method: "PUT",
        url: "/v1/me/settings/genai_training",
        payload: { choice: "deny" },
      });
      expect(r.statusCode).toBe(200);
    }),
  );
}

/** A partner endpoint on 127.0.0.1 that can be "down" (answers 503) and records deliveries. */
async function partnerEndpoint(secret: () => string) {
  const received: { id: string; position: number }[] = [];
  let badSignatures = 0;
  let up = false;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      if (!up) {
        res.writeHead(503).end();
        return;
      }
      const sig = req.headers["x-traingate-signature"];
      if (!verifySignature(secret(), body, typeof sig === "string" ? sig : undefined)) {
        badSignatures++;
        res.writeHead(401).end();
        return;
      }
      const parsed = JSON.parse(body.toString("utf8")) as {
        events: { id: string; position: number }[];
      };
      received.push(...parsed.events.map((e) => ({ id: e.id, position: e.position })));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    badSignatures: () => badSignatures,
    setUp: (v: boolean) => {
      up = v;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.each(BACKENDS)("partner feed and webhooks on $name", (backend: Backend) => {
  let s: TestServer;
  beforeAll(async () => {
    // The partner endpoint is a local http receiver: allowed only by this development setting.
    s = await testServer(backend, { extra: { webhookDestinations: LOCAL_RECEIVERS } });
  });
  afterAll(async () => s.close());

  it("a consumer that stops and resumes misses nothing and sees nothing twice", async () => {
    const partner = s.keys.partner;
    await optOuts(s, 0, 40);
    const seen: string[] = [];
    let cursor: string | null = null;
    // Read a little, stop (writes keep coming), resume from the saved cursor.
    for (let round = 0; round < 3; round++) {
      const r = await s.send(partner, {
        url: `/v1/feed/consent?limit=7${cursor === null ? "" : `&after=${encodeURIComponent(cursor)}`}`,
      });
      expect(r.statusCode).toBe(200);
      seen.push(...r.json().events.map((e: { id: string }) => e.id));
      cursor = r.json().next_cursor;
    }
    await optOuts(s, 40, 30);
    for (;;) {
      const r = await s.send(partner, {
        url: `/v1/feed/consent?limit=9&after=${encodeURIComponent(cursor!)}`,
      });
      const events = r.json().events as { id: string }[];
      if (events.length === 0) break;
      seen.push(...events.map((e) => e.id));
      cursor = r.json().next_cursor;
    }
    const all: string[] = [];
    for await (const e of s.store.iterateEvents()) all.push(e.id);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(all);
    expect(all.length).toBe(70);
  });

  it("refuses a malformed cursor with 400", async () => {
    const r = await s.send(s.keys.partner, { url: "/v1/feed/consent?after=%21%21garbage" });
    expect(r.statusCode).toBe(400);
  });

  it("a webhook partner that was down catches up with no gap, every signature verifying", async () => {
    let secret = "";
    const endpoint = await partnerEndpoint(() => secret);
    const reg = await s.send(s.keys.partner, {
      method: "POST",
      url: "/v1/partner/webhooks",
      payload: { url: endpoint.url },
    });
    expect(reg.statusCode).toBe(201);
    secret = reg.json().secret;
    const attempts: boolean[] = [];
    const worker = startWebhookWorker(s.store, {
      destinations: LOCAL_RECEIVERS,
      pollMs: 20,
      baseDelayMs: 10,
      maxDelayMs: 80,
      batch: 25,
      onAttempt: (a) => attempts.push(a.ok),
    });
    try {
      // Down: deliveries fail and are retried with backoff; nothing is acknowledged.
      await optOuts(s, 100, 20);
      await new Promise((r) => setTimeout(r, 400));
      expect(attempts.filter((ok) => !ok).length).toBeGreaterThan(1);
      expect(endpoint.received).toHaveLength(0);
      const hook = (await s.store.listWebhooks()).find((h) => h.id === reg.json().id)!;
      expect(hook.cursor).toBe("");
      // Back up, while more writes arrive.
      endpoint.setUp(true);
      await optOuts(s, 120, 15);
      const total = async () => {
        let n = 0;
        for await (const _ of s.store.iterateEvents()) n++;
        return n;
      };
      const want = await total();
      const deadline = Date.now() + 20_000;
      while (endpoint.received.length < want && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await worker.stop();
    }
    // The server restarts: a new worker resumes from the acknowledged cursor in the ledger.
    endpoint.setUp(true);
    const before = endpoint.received.length;
    await optOuts(s, 140, 10);
    const restarted = startWebhookWorker(s.store, {
      destinations: LOCAL_RECEIVERS,
      pollMs: 20,
      baseDelayMs: 10,
      batch: 25,
    });
    try {
      const deadline = Date.now() + 20_000;
      while (endpoint.received.length < before + 10 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await restarted.stop();
      await endpoint.close();
    }
    const all: string[] = [];
    for await (const e of s.store.iterateEvents()) all.push(e.id);
    const ids = endpoint.received.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(all);
    expect(endpoint.badSignatures()).toBe(0);
  });

  it("a delivery signed with another secret does not verify", () => {
    const body = JSON.stringify({ events: [] });
    const good = signBody("partner-secret-123456", body);
    expect(verifySignature("partner-secret-123456", body, good)).toBe(true);
    expect(verifySignature("another-secret-123456", body, good)).toBe(false);
    expect(verifySignature("partner-secret-123456", `${body} `, good)).toBe(false);
  });
});

describe.each(BACKENDS)(
  "webhook destinations on $name (server-side request forgery)",
  (backend) => {
    let s: TestServer;
    beforeAll(async () => {
      // The production default (public https only), plus one internal range the operator allows.
      s = await testServer(backend, {
        extra: { webhookDestinations: { allowPrivate: false, allowIps: ["10.1.0.0/16"] } },
      });
    });
    afterAll(async () => s.close());

    const register = (url: string) =>
      s.send(s.keys.partner, { method: "POST", url: "/v1/partner/webhooks", payload: { url } });

    it.each([
      ["http://partner.example/hook", /must use https/],
      ["https://127.0.0.1/hook", /127\.0\.0\.1 is not public/],
      ["https://169.254.169.254/latest/meta-data", /169\.254\.169\.254 is not public/],
      ["https://[::1]:8443/hook", /::1 is not public/],
      ["https://[::ffff:192.168.0.1]/hook", /is not public/],
      ["https://10.2.0.1/hook", /10\.2\.0\.1 is not public/],
      ["https://localhost:8443/hook", /points at localhost/],
      ["https://api.localhost/hook", /points at localhost/],
      ["https://user:pw@partner.example/hook", /must not carry credentials/],
    ])("refuses %s with 400 and stores nothing", async (url, message) => {
      const before = (await s.store.listWebhooks()).length;
      const r = await register(url);
      expect(r.statusCode).toBe(400);
      expect(r.json().error.message).toMatch(message);
      expect(await s.store.listWebhooks()).toHaveLength(before);
    });

    it("accepts a public https host name and an address in an allowed range", async () => {
      expect((await register("https://partner.example/hook")).statusCode).toBe(201);
      expect((await register("https://10.1.2.3/hook")).statusCode).toBe(201);
    });

    it("a stored webhook that now points at a refused address is never called", async () => {
      // Registered under a looser setting earlier; the worker checks again at every delivery.
      let calls = 0;
      const receiver: Server = createServer((_req, res) => {
        calls++;
        res.writeHead(204).end();
      });
      await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
      const port = (receiver.address() as AddressInfo).port;
      const hook = await s.store.registerWebhook(
        { owner: "k-old", url: `https://127.0.0.1:${port}/hook`, secret: "partner-secret-123456" },
        "",
        { actor: "test", requestId: null },
      );
      await optOuts(s, 500, 3);
      const errors: string[] = [];
      const worker = startWebhookWorker(s.store, {
        destinations: { allowPrivate: false, allowIps: [] },
        pollMs: 20,
        baseDelayMs: 10,
        maxDelayMs: 40,
        onAttempt: (a) => {
          if (a.webhookId === hook.id && a.error !== null) errors.push(a.error);
        },
      });
      try {
        const deadline = Date.now() + 5000;
        while (errors.length < 2 && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 20));
      } finally {
        await worker.stop();
        await new Promise<void>((resolve) => receiver.close(() => resolve()));
      }
      expect(errors.length).toBeGreaterThanOrEqual(2);
      expect(errors[0]).toMatch(/127\.0\.0\.1 is not public/);
      expect(calls).toBe(0);
      expect((await s.store.listWebhooks()).find((h) => h.id === hook.id)!.cursor).toBe("");
    });
  },
);
