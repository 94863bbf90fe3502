/**
 * `traingate demo start`, in-process on a small platform: every step runs against the real
 * ledger, build, lineage and server; the printed sign-in links work; a second start reuses
 * everything; and a server started without demo mode on the same data refuses the links.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoGuide, demoLinks } from "../../src/demo/demo-guide.js";
import { type RunningDemo, startDemo } from "../../src/demo/start-demo.js";
import { parseTimestamp } from "../../src/policy/time.js";
import { startServer } from "../../src/server/start-server.js";

/** The server's present for picking the minor: fixed, not the wall clock. */
const NOW = parseTimestamp("2026-01-15T00:00:00Z")!;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "tg-demo-start-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function sessionCookie(res: Response): string {
  const header = res.headers.get("set-cookie") ?? "";
  const m = /tg_session=([^;]+)/.exec(header);
  if (m === null) throw new Error(`no tg_session cookie in ${JSON.stringify(header)}`);
  return `tg_session=${m[1]}`;
}

async function start(log: string[]): Promise<RunningDemo> {
  return startDemo({
    dataDir: dir,
    port: 0,
    members: 400,
    items: 4000,
    now: () => NOW,
    log: (line) => log.push(line),
  });
}

describe("demo start", () => {
  it("builds the first run, serves working sign-in links, and reuses everything on restart", async () => {
    const log: string[] = [];
    const demo = await start(log);
    try {
      expect(log[0]).toMatch(/^1\/4 generated a demo platform: 400 members, 4000 items/);
      expect(log[2]).toMatch(/^3\/4 built .* registered in lineage/);
      expect(demo.run.counts.input).toBe(4000);
      expect(demo.run.counts.included).toBeGreaterThan(0);
      expect(demo.featured.germany?.country).toBe("DE");
      expect(demo.featured.us?.country).toBe("US");
      expect(demo.featured.us?.included).toBeGreaterThanOrEqual(2);
      expect(demo.featured.minor).not.toBeNull();
      const guide = demoGuide(demo).join("\n");
      const links = demoLinks(demo);
      expect(links).toHaveLength(4);
      for (const link of links) expect(guide).toContain(link.url);

      for (const link of links) {
        const login = await fetch(link.url, { redirect: "manual" });
        expect(login.status, link.url).toBe(302);
        const cookie = sessionCookie(login);
        if (link.url.endsWith("/admin")) {
          const runs = await fetch(`${demo.url}v1/admin/runs`, { headers: { cookie } });
          expect(runs.status).toBe(200);
          expect(JSON.stringify(await runs.json())).toContain(demo.run.runId);
        } else {
          const settings = await fetch(`${demo.url}v1/me/settings`, { headers: { cookie } });
          expect(settings.status).toBe(200);
          const body = (await settings.json()) as { member_id: string };
          expect(link.url.endsWith(`/demo/login/${body.member_id}`)).toBe(true);
        }
      }
      // The US member's posts are in the run: lineage says so.
      const us = links[1]!;
      const cookie = sessionCookie(await fetch(us.url, { redirect: "manual" }));
      const lineage = await fetch(`${demo.url}v1/me/lineage`, { headers: { cookie } });
      expect(JSON.stringify(await lineage.json())).toContain(demo.run.runId);
    } finally {
      await demo.close();
    }

    const again: string[] = [];
    const second = await start(again);
    try {
      expect(again[0]).toMatch(/^1\/4 reusing the demo platform/);
      expect(again[1]).toMatch(/: 0 events imported, \d+ already there/);
      expect(again[2]).toBe(
        `3/4 reusing run ${demo.run.runId} in ${join(dir, "runs", "recommended-genai_training")}`,
      );
      expect(second.run.runId).toBe(demo.run.runId);
    } finally {
      await second.close();
    }
  }, 300_000);

  it("refuses a demo with other sizes in the same folder", async () => {
    await expect(
      startDemo({ dataDir: dir, port: 0, members: 401, log: () => undefined }),
    ).rejects.toThrow(/already holds a demo platform with 400 members/);
  });

  it("says so when the port is taken, keeping what it built", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      await expect(
        startDemo({ dataDir: dir, port, now: () => NOW, log: () => undefined }),
      ).rejects.toThrow(new RegExp(`port ${port} is already in use`));
    } finally {
      blocker.close();
    }
  });

  it("a server started without demo mode on the same data refuses the sign-in links", async () => {
    const server = await startServer({
      dataDir: dir,
      database: `sqlite:${join(dir, "ledger.sqlite")}`,
      port: 0,
      logLevel: "warn",
    });
    try {
      for (const who of ["admin", "m000001"]) {
        const res = await fetch(`${server.url}/demo/login/${who}`, { redirect: "manual" });
        expect(res.status).toBe(404);
        expect(res.headers.get("set-cookie")).toBeNull();
      }
    } finally {
      await server.close();
    }
  });
});
