/**
 * Durability of the real server process: 2,000 opt-outs sent concurrently, the server
 * SIGKILLed while they are in flight, restarted on the same data directory (or database),
 * and every opt-out that was acknowledged (2xx received) must be in the ledger, read back
 * through the restarted server's partner feed.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshSchema, hasPostgres } from "../support/services.js";
import { type TestIdp, testIdp } from "./harness.js";

/**
 * Compiles src/ to dist/ for the spawned server. tsc emits even when another part of the
 * working tree has a type error (noEmitOnError is off); the server's own files typecheck in CI.
 */
function buildDist(): void {
  spawnSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: ROOT, stdio: "ignore" });
}

const ROOT = new URL("../../", import.meta.url).pathname;
const BIN = join(ROOT, "bin/traingate.js");
const N = 2000;

interface Server {
  readonly child: ChildProcess;
  readonly base: string;
}

async function startServer(args: string[]): Promise<Server> {
  const child = spawn(process.execPath, [BIN, "serve", "--port", "0", ...args], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const base = await new Promise<string>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 30_000);
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${stderr}`));
    });
  });
  return { child, base };
}

function put(agent: Agent, base: string, token: string): Promise<number> {
  return new Promise((resolve) => {
    const body = JSON.stringify({ choice: "deny" });
    const req = request(
      `${base}/v1/me/settings/genai_training`,
      {
        method: "PUT",
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
          "idempotency-key": randomUUID(),
          "content-length": Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", () => resolve(0));
      },
    );
    req.on("error", () => resolve(0));
    req.end(body);
  });
}

async function getJson(base: string, path: string, token: string): Promise<unknown> {
  const r = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
  if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  return r.json();
}

const pgOk = await hasPostgres();
const targets: {
  name: string;
  database: () => Promise<{ url: string; drop: () => Promise<void> } | null>;
}[] = [
  { name: "sqlite", database: async () => null },
  ...(pgOk ? [{ name: "postgres", database: () => freshSchema("tg_durable") }] : []),
];

beforeAll(() => {
  buildDist();
}, 180_000);

describe.each(targets)("SIGKILL during 2,000 concurrent opt-outs ($name)", ({ database }) => {
  let dir: string;
  let idp: TestIdp;
  let db: { url: string; drop: () => Promise<void> } | null;
  let common: string[];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "tg-durable-"));
    idp = await testIdp(dir);
    db = await database();
    common = [
      "--data-dir",
      dir,
      "--jwks-file",
      idp.jwksFile,
      "--issuer",
      idp.issuer,
      "--audience",
      idp.audience,
      "--rate-limit",
      "1000000000",
      "--no-webhooks",
      "--log-level",
      "error",
      ...(db === null ? [] : ["--database", db.url]),
    ];
  }, 180_000);
  afterAll(async () => {
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps every acknowledged opt-out", async () => {
    const tokens = await Promise.all(Array.from({ length: N }, (_, i) => idp.token(`d${i}`)));
    const first = await startServer(common);
    const agent = new Agent({ keepAlive: true, maxSockets: 128 });
    const acked = new Set<number>();
    let answered = 0;
    let killed = false;
    const inFlight = tokens.map((t, i) =>
      put(agent, first.base, t).then((status) => {
        answered++;
        if (status >= 200 && status < 300) acked.add(i);
        // Kill once a good share is acknowledged, with the rest still in flight.
        if (!killed && acked.size >= N / 4) {
          killed = true;
          first.child.kill("SIGKILL");
        }
      }),
    );
    await Promise.all(inFlight);
    agent.destroy();
    expect(killed).toBe(true);
    expect(acked.size).toBeGreaterThanOrEqual(N / 4);
    expect(acked.size).toBeLessThan(N);
    if (first.child.exitCode === null && first.child.signalCode === null) {
      await new Promise((r) => first.child.once("exit", r));
    }

    const keyArgs = ["api-keys", "create", "--role", "partner", "--data-dir", dir];
    if (db !== null) keyArgs.push("--database", db.url);
    const partnerKey = execFileSync(process.execPath, [BIN, ...keyArgs], { cwd: ROOT })
      .toString()
      .trim();
    const second = await startServer(common);
    try {
      const denied = new Set<string>();
      let cursor = "";
      for (;;) {
        const page = (await getJson(
          second.base,
          `/v1/feed/consent?limit=1000${cursor ? `&after=${encodeURIComponent(cursor)}` : ""}`,
          partnerKey,
        )) as { events: { member_id: string; choice: string }[]; next_cursor: string };
        if (page.events.length === 0) break;
        for (const e of page.events) if (e.choice === "deny") denied.add(e.member_id);
        cursor = page.next_cursor;
      }
      const missing = [...acked].filter((i) => !denied.has(`d${i}`));
      expect(missing).toEqual([]);
      expect(answered).toBe(N);
    } finally {
      // Wait for the shutdown (it finishes the background obligations pass) before the
      // schema is dropped: a drop racing the server's last transaction can deadlock.
      const running = second.child.exitCode === null && second.child.signalCode === null;
      const exited = running ? new Promise((r) => second.child.once("exit", r)) : null;
      second.child.kill("SIGTERM");
      const timer = setTimeout(() => second.child.kill("SIGKILL"), 20_000);
      await exited;
      clearTimeout(timer);
    }
  }, 180_000);
});
