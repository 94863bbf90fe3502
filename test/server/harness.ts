/**
 * Test harness for the server: a real ledger per backend (a SQLite file in a temp dir; a
 * private PostgreSQL schema through `freshSchema`), an app built with an injected clock, a
 * local identity provider (a JWKS file and its signing key), API keys per role, and helpers
 * that send authenticated requests with `app.inject()`.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from "fastify";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { loadPreset } from "../../src/config/load-policy.js";
import type { LedgerStore, Role } from "../../src/ledger/ledger-store.js";
import { openLedger } from "../../src/ledger/open-ledger.js";
import type { Policy } from "../../src/policy/model.js";
import { parseTimestamp } from "../../src/policy/time.js";
import { generateApiKey } from "../../src/server/auth/api-key.js";
import { type DemoKey, loadDemoKey } from "../../src/server/auth/demo-key.js";
import { type AppOptions, buildApp } from "../../src/server/build-app.js";
import { freshSchema, hasPostgres } from "../support/services.js";

/** A backend the suite runs against. */
export interface Backend {
  readonly name: "sqlite" | "postgres";
  /** Opens a fresh, empty ledger; `drop` removes it. */
  open(
    clock: () => number,
  ): Promise<{ store: LedgerStore; url: string; drop: () => Promise<void> }>;
}

const sqlite: Backend = {
  name: "sqlite",
  async open(clock) {
    const dir = mkdtempSync(join(tmpdir(), "tg-server-"));
    const url = `sqlite:${join(dir, "ledger.sqlite")}`;
    const store = await openLedger(url, { clock });
    return { store, url, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  },
};

const postgres: Backend = {
  name: "postgres",
  async open(clock) {
    const s = await freshSchema("tg_server");
    const store = await openLedger(s.url, { clock, poolSize: 4 });
    return { store, url: s.url, drop: s.drop };
  },
};

/** SQLite always; PostgreSQL when it answers (with CI=true a missing one fails). */
export async function backends(): Promise<Backend[]> {
  return (await hasPostgres()) ? [sqlite, postgres] : [sqlite];
}

/** A local identity provider: a JWKS file and a key that signs member tokens. */
export interface TestIdp {
  readonly jwksFile: string;
  readonly issuer: string;
  readonly audience: string;
  token(sub: string, claims?: Record<string, unknown>): Promise<string>;
}

/** Creates an IdP whose JWKS lives in `dir`. */
export async function testIdp(dir: string): Promise<TestIdp> {
  const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: "test-key", alg: "ES256", use: "sig" };
  const jwksFile = join(dir, "jwks.json");
  writeFileSync(jwksFile, JSON.stringify({ keys: [jwk] }));
  const issuer = "https://idp.test";
  const audience = "traingate-test";
  return {
    jwksFile,
    issuer,
    audience,
    token: (sub, claims = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: "ES256", kid: "test-key" })
        .setSubject(sub)
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime("1h")
        .sign(privateKey),
  };
}

/** A fixed, advanceable clock in epoch µs. */
export function testClock(start = "2025-03-01T12:00:00Z"): {
  now: () => number;
  advance(us: number): void;
} {
  let t = parseTimestamp(start)!;
  return {
    now: () => t,
    advance: (us) => {
      t += us;
    },
  };
}

/** A built app with its ledger, identity provider and keys. */
export interface TestServer {
  readonly app: FastifyInstance;
  readonly store: LedgerStore;
  readonly idp: TestIdp;
  readonly dir: string;
  readonly clock: { now: () => number; advance(us: number): void };
  readonly demoKey: DemoKey | undefined;
  /** Full API key tokens by role (one key per role, plus `all` with every admin role). */
  readonly keys: Readonly<Record<Role, string>>;
  /** Injects with `Authorization: Bearer <token>` and a fresh Idempotency-Key on writes. */
  send(token: string | null, opts: InjectOptions): Promise<LightMyRequestResponse>;
  member(id: string, claims?: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

/** Builds a server on `backend`. */
export async function testServer(
  backend: Backend,
  options: { demo?: boolean; policy?: Policy; extra?: Partial<AppOptions> } = {},
): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), "tg-app-"));
  const clock = testClock();
  const { store, drop } = await backend.open(clock.now);
  const idp = await testIdp(dir);
  const demoKey = options.demo ? await loadDemoKey(dir) : undefined;
  const app = await buildApp({
    store,
    policy: options.policy ?? loadPreset("recommended"),
    dataDir: dir,
    demoKey,
    jwksFile: idp.jwksFile,
    issuer: idp.issuer,
    audience: idp.audience,
    now: clock.now,
    rateLimit: 1_000_000,
    ...options.extra,
  });
  await app.ready();
  const keys = {} as Record<Role, string>;
  for (const role of ["privacy_admin", "ml_engineer", "auditor", "partner"] as const) {
    const k = generateApiKey();
    await store.createApiKey(
      { id: k.id, secretHash: k.secretHash, roles: [role], label: `test ${role}` },
      { actor: "test", requestId: null },
    );
    keys[role] = k.token;
  }
  return {
    app,
    store,
    idp,
    dir,
    clock,
    demoKey,
    keys,
    send(token, opts) {
      const headers: Record<string, string> = { ...(opts.headers as Record<string, string>) };
      if (token !== null) headers["authorization"] = `Bearer ${token}`;
      const method = (opts.method ?? "GET").toUpperCase();
      if (method !== "GET" && method !== "HEAD" && headers["idempotency-key"] === undefined) {
        headers["idempotency-key"] = randomUUID();
      }
      return app.inject({ ...opts, headers });
    },
    member: (id, claims) => idp.token(id, claims),
    async close() {
      await app.close();
      await store.close();
      await drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
