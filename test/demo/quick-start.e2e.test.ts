/**
 * The README's first command, end to end, as a newcomer runs it: a clean clone of this
 * repository in a fresh folder, `npm ci && npm start` with CI=true, then the printed sign-in
 * links are followed like a browser would (the redirect's session cookie, then the API), and
 * the server is stopped. Finally a server started on the same data WITHOUT demo mode must
 * refuse those links.
 *
 * It takes minutes (npm ci compiles better-sqlite3 and roaring), so it runs only when asked:
 * TRAINGATE_E2E=1, or CI=true. The clone is of the committed HEAD: uncommitted work is not
 * in it, exactly as for anyone who clones the repository.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const RUN = process.env["TRAINGATE_E2E"] === "1" || process.env["CI"] === "true";
const REPO = resolve(import.meta.dirname, "../..");
const work = RUN ? mkdtempSync(join(tmpdir(), "tg-quick-start-")) : "";
const clone = join(work, "traingate");
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const child of children) await stop(child);
  if (work !== "") rmSync(work, { recursive: true, force: true });
});

/** Runs a command to completion, its output in a log file; throws with the log's tail on failure. */
function run(cmd: string, args: string[], cwd: string, log: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const out = createWriteStream(log);
    const child = spawn(cmd, args, { cwd, env: { ...process.env, CI: "true" } });
    child.stdout.pipe(out);
    child.stderr.pipe(out);
    child.on("error", reject);
    child.on("close", (code) => {
      out.end(() => {
        if (code === 0) resolvePromise();
        else
          reject(
            new Error(
              `${cmd} ${args.join(" ")} exited ${code}:\n${readFileSync(log, "utf8").slice(-4000)}`,
            ),
          );
      });
    });
  });
}

/** Starts a long-running command in its own process group, collecting its output. */
function launch(
  cmd: string,
  args: string[],
  cwd: string,
): { child: ChildProcess; output: () => string } {
  let text = "";
  const child = spawn(cmd, args, {
    cwd,
    env: { ...process.env, CI: "true" },
    detached: true,
  });
  children.push(child);
  child.stdout?.on("data", (b: Buffer) => {
    text += b.toString("utf8");
  });
  child.stderr?.on("data", (b: Buffer) => {
    text += b.toString("utf8");
  });
  return { child, output: () => text };
}

/** Waits until the output matches, the process exits, or the time runs out. */
async function waitFor(
  p: { child: ChildProcess; output: () => string },
  pattern: RegExp,
  ms: number,
): Promise<RegExpExecArray> {
  const until = Date.now() + ms;
  for (;;) {
    const m = pattern.exec(p.output());
    if (m !== null) return m;
    if (p.child.exitCode !== null)
      throw new Error(`exited ${p.child.exitCode} before ${pattern}:\n${p.output().slice(-4000)}`);
    if (Date.now() > until)
      throw new Error(`timed out waiting for ${pattern}:\n${p.output().slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** SIGTERM to the whole process group (npm, then node), then waits for the exit. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // Already gone.
    }
  }, 15_000);
  await exited;
  clearTimeout(timer);
}

function sessionCookie(res: Response): string {
  const m = /tg_session=([^;]+)/.exec(res.headers.get("set-cookie") ?? "");
  if (m === null) throw new Error("no tg_session cookie");
  return `tg_session=${m[1]}`;
}

describe.skipIf(!RUN)("quick start in a clean clone (npm ci && npm start)", () => {
  it("serves the demo with working sign-in links, which a non-demo server refuses", async () => {
    execFileSync("git", ["clone", "--quiet", REPO, clone]);
    await run("npm", ["ci", "--no-audit", "--no-fund"], clone, join(work, "npm-ci.log"));

    // `--port 0`: a free port, so parallel runs and other servers on 8080 never collide.
    const started = Date.now();
    const demo = launch("npm", ["start", "--", "--port", "0"], clone);
    await waitFor(demo, /Stop with Ctrl\+C/, 180_000);
    const seconds = (Date.now() - started) / 1000;
    console.info(`quick start: npm start was serving the demo after ${seconds.toFixed(1)} s`);
    const text = demo.output();
    const base = /TrainGate demo is running: (http:\/\/\S+\/)/.exec(text)?.[1];
    expect(base, text).toBeDefined();
    expect(text).toMatch(/3\/4 built .*dataset\.jsonl/);
    // The brief: listening within a minute for the default size (generous under CI load).
    expect(seconds, `npm start took ${seconds} s`).toBeLessThan(180);

    // The privacy center and console: the web UI npm ci built, served at /.
    const home = await fetch(base!);
    expect(home.status).toBe(200);
    expect(home.headers.get("content-type")).toMatch(/text\/html/);
    expect(text).not.toMatch(/web UI is not built/);

    const links = [...text.matchAll(/(http:\/\/\S+\/demo\/login\/\S+)/g)].map((m) => m[1]!);
    expect(links).toHaveLength(4);
    expect(links.at(-1)).toMatch(/\/demo\/login\/admin$/);
    for (const link of links) {
      const login = await fetch(link, { redirect: "manual" });
      expect(login.status, link).toBe(302);
      expect(login.headers.get("location")).toBe("/");
      const cookie = sessionCookie(login);
      const path = link.endsWith("/admin") ? "v1/admin/runs" : "v1/me/settings";
      const res = await fetch(`${base}${path}`, { headers: { cookie } });
      expect(res.status, `${path} after ${link}`).toBe(200);
      const body = JSON.stringify(await res.json());
      expect(body).toContain(link.endsWith("/admin") ? "recommended" : "genai_training");
    }
    await stop(demo.child);
    expect(demo.child.exitCode ?? demo.child.signalCode).not.toBeNull();

    // The same data, served without --demo: the sign-in links do not exist.
    const plain = launch(
      "node",
      [
        "bin/traingate.js",
        "serve",
        "--data-dir",
        ".traingate/demo",
        "--database",
        `sqlite:${join(clone, ".traingate/demo/ledger.sqlite")}`,
        "--port",
        "0",
      ],
      clone,
    );
    const url = (await waitFor(plain, /listening on (http:\/\/\S+)/, 60_000))[1]!;
    for (const link of links) {
      const path = new URL(link).pathname;
      const res = await fetch(`${url}${path}`, { redirect: "manual" });
      expect(res.status, path).toBe(404);
      expect(res.headers.get("set-cookie")).toBeNull();
    }
    await stop(plain.child);
  }, 2_400_000);
});
