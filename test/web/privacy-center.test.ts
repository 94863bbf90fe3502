/**
 * End to end: the web UI against a real `traingate serve` (in-process, listening on
 * 127.0.0.1, demo mode, SQLite ledger in a temp data directory) driven by Debian's Chromium.
 * A member signs in with the demo link, turns AI training off, sees the change in the
 * history and the obligations it opened for the run and model that used their posts;
 * another member sees none of it; the admin sees the opt-out in the console's chart and the
 * what-if numbers of meta-2024 against recommended, checked against the evaluator itself.
 * Every page is screenshotted at desktop and phone width and checked with axe-core.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import axe from "axe-core";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { build } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadPolicyText, loadPreset } from "../../src/config/load-policy.js";
import { loadExport } from "../../src/export/load-export.js";
import type { ConsentEvent } from "../../src/policy/domain.js";
import { countChanges } from "../../src/policy/evaluate/count-changes.js";
import { parseTimestamp } from "../../src/policy/time.js";
import { type RunningServer, startServer } from "../../src/server/start-server.js";
import { CHROMIUM, CHROMIUM_ARGS, hasChromium } from "../support/services.js";
import { ALICE, BOB, GPC_MEMBER, RUN_ID, seedLedger, writeExport } from "./seed-demo-data.js";

const SHOTS = join(process.cwd(), "test-artifacts", "screenshots");
const WEB = join(process.cwd(), "web");

/** Latest modification time of the files under `dir` (recursively). */
function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** True when web/dist is missing or older than the UI's sources. */
function webDistStale(): boolean {
  const built = join(WEB, "dist", "index.html");
  if (!existsSync(built)) return true;
  const sources = Math.max(
    newest(join(WEB, "src")),
    statSync(join(WEB, "index.html")).mtimeMs,
    statSync(join(WEB, "vite.config.ts")).mtimeMs,
  );
  return sources > statSync(built).mtimeMs;
}
const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 375, height: 812 },
} as const;
const WHATIF_AS_OF = "2025-06-01T00:00:00Z";

const chromiumOk = hasChromium();

/** Polls until the UI catches up (the machine may be busy; the default 1 s is too short). */
const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 20_000, interval: 100 });

/** Time for one end-to-end scenario, browser and server included. */
const SCENARIO_MS = 180_000;

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Runs axe-core on the page (WCAG 2.0/2.1 A and AA) and returns its violations. */
async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: axe.source });
  return (await page.evaluate(
    `axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] } }).then(r => r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => ({ target: n.target })) })))`,
  )) as AxeViolation[];
}

/** Screenshots the page at both widths and checks it with axe at both. */
async function checkPage(page: Page, name: string): Promise<void> {
  for (const [label, size] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(size);
    await page.waitForFunction("document.querySelectorAll('[aria-busy=\"true\"]').length === 0");
    await page.screenshot({ path: join(SHOTS, `${name}-${label}.png`), fullPage: true });
    const violations = await axeViolations(page);
    expect(violations, `${name} at ${label}: ${JSON.stringify(violations, null, 1)}`).toEqual([]);
    if (label === "phone") {
      // Nothing may force horizontal scrolling of the page on a 375 px screen.
      const overflow = await page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth",
      );
      expect(overflow, `${name} scrolls sideways at 375 px`).toBeLessThanOrEqual(0);
    }
  }
  await page.setViewportSize(VIEWPORTS.desktop);
}

/** Opens a browser context signed in through the demo login link. */
async function signIn(browser: Browser, base: string, who: string): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: VIEWPORTS.desktop,
    reducedMotion: "reduce",
  });
  const page = await context.newPage();
  await page.goto(`${base}/demo/login/${encodeURIComponent(who)}`);
  await page.close();
  return context;
}

/** The opted-out count of a region in the console's by-region chart table. */
async function optedOutIn(page: Page, region: string): Promise<number> {
  const figure = page.locator("figure", { hasText: "Opt-out rate by region" });
  await figure.locator("summary").click();
  const row = figure.locator("tbody tr", { hasText: region });
  const text = (await row.locator("td").nth(1).textContent()) ?? "";
  await figure.locator("summary").click();
  return Number(text.replace(/[^0-9]/g, ""));
}

describe.skipIf(!chromiumOk)("web UI end to end (Chromium, real server)", () => {
  let tmp: string;
  let exportDir: string;
  let server: RunningServer;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    // The server serves web/dist. Rebuild it only when the sources are newer: `npm test`
    // has just built it, and other test files may be reading it at this very moment.
    if (webDistStale()) {
      await build({
        configFile: join(WEB, "vite.config.ts"),
        mode: "production",
        logLevel: "warn",
      });
    }
    mkdirSync(SHOTS, { recursive: true });
    tmp = mkdtempSync(join(tmpdir(), "tg-web-"));
    exportDir = join(tmp, "export");
    writeExport(exportDir);
    server = await startServer({
      dataDir: join(tmp, "data"),
      demo: true,
      exportDir,
      port: 0,
      webhooks: false,
      logLevel: "warn",
    });
    await seedLedger(server.store, exportDir);
    base = server.url.replace("localhost", "127.0.0.1");
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
  });

  it(
    "shows the landing page with the demo sign-in",
    async () => {
      const context = await browser.newContext({ viewport: VIEWPORTS.desktop });
      const page = await context.newPage();
      await page.goto(`${base}/`);
      await poll(() => page.getByRole("heading", { name: "Demo sign-in" }).count()).toBe(1);
      await poll(() => page.getByText("Not signed in.").count()).toBe(1);
      await checkPage(page, "home");
      // Signed out, the privacy center says so with the server's code and a way back in.
      await page.goto(`${base}/#/me`);
      await poll(() => page.getByText("TG_E_UNAUTHENTICATED").count()).toBeGreaterThan(0);
      await poll(() => page.getByRole("link", { name: "Sign in again" }).count()).toBeGreaterThan(
        0,
      );
      await checkPage(page, "privacy-center-signed-out");
      await context.close();
    },
    SCENARIO_MS,
  );

  it(
    "lets a member turn training off, see it in the history and the obligations it opened",
    async () => {
      const admin = await signIn(browser, base, "admin");
      const consolePage = await admin.newPage();
      await consolePage.goto(`${base}/#/console/overview`);
      const before = await optedOutIn(consolePage, "Rest of the world");

      const context = await signIn(browser, base, ALICE);
      const page = await context.newPage();
      await page.goto(`${base}/#/me`);
      const toggle = page.getByRole("switch", {
        name: "Use my content for Generative AI training",
      });
      await poll(() => toggle.getAttribute("aria-checked")).toBe("true");
      await poll(() =>
        page.getByText("Your messages are never used", { exact: false }).count(),
      ).toBeGreaterThan(0);
      // Before opting out: the run and model that used Alice's posts, no obligation yet.
      const lineage = page.locator("section", { hasText: "Where your data was used" });
      await poll(() => lineage.getByText(RUN_ID).count()).toBeGreaterThan(0);
      // The policy version she was shown, accepted by continuing to use the service.
      const notices = page
        .locator("section", { hasText: "Policy versions you were shown" })
        .locator("tbody");
      await poll(() => notices.textContent()).toContain("2024-09");
      await checkPage(page, "privacy-center");

      // Keyboard, not the mouse: the switch must be operable with Space.
      await toggle.focus();
      await page.keyboard.press("Space");
      await poll(() => page.getByText("Saved: Generative AI training is now off.").count()).toBe(1);
      expect(await toggle.getAttribute("aria-checked")).toBe("false");
      const history = page.locator("table.history tbody tr").first();
      await poll(() => history.textContent()).toContain("No, refused");
      expect(await history.textContent()).toContain("You, in settings");
      // The opt-out opened an obligation for the run that used Alice's posts.
      const obligations = page.locator("table.obligations-mine");
      await poll(() => obligations.locator("tbody tr").count()).toBeGreaterThan(0);
      expect(await obligations.textContent()).toContain(RUN_ID);
      expect(await obligations.textContent()).toContain("open");
      await checkPage(page, "privacy-center-opted-out");

      // Another member sees neither Alice's choice nor her obligations.
      const bob = await signIn(browser, base, BOB);
      const bobPage = await bob.newPage();
      await bobPage.goto(`${base}/#/me`);
      await poll(() => bobPage.getByText(`Signed in as member ${BOB}.`).count()).toBe(1);
      await poll(() => bobPage.locator("table.history tbody tr").count()).toBeGreaterThan(0);
      const bobText = (await bobPage.locator("main").textContent()) ?? "";
      expect(bobText).not.toContain(ALICE);
      expect(await bobPage.locator("table.obligations-mine").count()).toBe(0);
      expect(await bobPage.locator("table.history tbody tr").count()).toBe(1);
      // A member's session cannot open the console's data.
      await bobPage.goto(`${base}/#/console/overview`);
      await poll(() => bobPage.getByText("TG_E_FORBIDDEN").count()).toBeGreaterThan(0);
      await bob.close();

      // The admin sees Alice's opt-out in the by-region chart.
      await consolePage.reload();
      await poll(() => optedOutIn(consolePage, "Rest of the world")).toBe(before + 1);
      await checkPage(consolePage, "console-overview");
      await context.close();
      await admin.close();
    },
    SCENARIO_MS,
  );

  it(
    "records a browser's Global Privacy Control signal as a no and says so",
    async () => {
      const context = await browser.newContext({
        viewport: VIEWPORTS.desktop,
        extraHTTPHeaders: { "Sec-GPC": "1" },
      });
      const login = await context.newPage();
      await login.goto(`${base}/demo/login/${GPC_MEMBER}`);
      const page = await context.newPage();
      await page.goto(`${base}/#/me`);
      await poll(() =>
        page.getByText(/Global Privacy Control signal.*(recorded as a no|counts as a no)/).count(),
      ).toBe(1);
      const toggle = page.getByRole("switch", {
        name: "Use my content for Generative AI training",
      });
      await poll(() => toggle.getAttribute("aria-checked")).toBe("false");
      const latest = page.locator("table.history tbody tr").first();
      await poll(() => latest.textContent()).toContain("GPC");
      expect(await latest.textContent()).toContain("No, refused");
      await checkPage(page, "privacy-center-gpc");
      await context.close();
    },
    SCENARIO_MS,
  );

  it(
    "shows the console's runs, obligations, audit log and policy versions",
    async () => {
      const admin = await signIn(browser, base, "admin");
      const page = await admin.newPage();
      await page.goto(`${base}/#/console/runs`);
      await poll(() => page.getByText(RUN_ID).count()).toBeGreaterThan(0);
      await checkPage(page, "console-runs");

      await page.goto(`${base}/#/console/obligations`);
      await poll(() => page.locator("li.obligation").count()).toBeGreaterThan(0);
      const first = page.locator("li.obligation").first();
      await first
        .getByLabel("Reason (kept in the audit log)")
        .fill("retrained assistant@2 without her posts");
      await first.getByLabel("Close as").selectOption("retrained");
      await checkPage(page, "console-obligations");
      await first.getByRole("button", { name: "Close obligation" }).click();
      await poll(() => page.getByText(/is now retrained/).count()).toBe(1);

      await page.goto(`${base}/#/console/audit`);
      await poll(() => page.getByTestId("audit-verify").textContent()).toBe(
        "The audit chain verifies.",
      );
      await checkPage(page, "console-audit");

      await page.goto(`${base}/#/console/policies`);
      await page.getByLabel("Version", { exact: true }).fill("2030-01");
      await page.getByLabel("Title", { exact: true }).fill("Privacy Policy, January 2030");
      await page.getByLabel("Effective from", { exact: true }).fill("2030-01-01T00:00:00Z");
      await page
        .getByLabel("Text of the document")
        .fill("We use public posts to train AI unless you opt out.");
      await page.getByRole("button", { name: "Publish" }).click();
      await poll(() =>
        page.locator("table tbody").getByText("Privacy Policy, January 2030").count(),
      ).toBe(1);
      await checkPage(page, "console-policies");
      await admin.close();
    },
    SCENARIO_MS,
  );

  it(
    "shows the what-if numbers of meta-2024 against recommended, and all presets",
    async () => {
      const data = await loadExport({
        members: join(exportDir, "members.jsonl"),
        items: join(exportDir, "items.jsonl"),
      });
      const events: ConsentEvent[] = [];
      for await (const e of server.store.iterateEvents()) events.push(e);
      const expected = countChanges(
        loadPreset("recommended"),
        loadPreset("meta-2024"),
        "genai_training",
        parseTimestamp(WHATIF_AS_OF)!,
        data.items,
        data.members,
        events,
      );
      expect(expected.includedA).not.toBe(expected.includedB);

      const admin = await signIn(browser, base, "admin");
      const page = await admin.newPage();
      await page.goto(`${base}/#/whatif`);
      await page.getByLabel("Preset", { exact: true }).selectOption("meta-2024");
      await page.getByLabel("Compare with").selectOption("recommended");
      await page.getByLabel("As of", { exact: true }).fill(WHATIF_AS_OF);
      await page.getByRole("button", { name: "Show what would change" }).click();
      await poll(() => page.getByTestId("baseline-included").textContent()).toBe(
        String(expected.includedA),
      );
      expect(await page.getByTestId("policy-included").textContent()).toBe(
        String(expected.includedB),
      );
      expect(await page.getByTestId("members-changed").textContent()).toBe(
        String(expected.membersChanged),
      );
      for (const [reason, n] of Object.entries(expected.lostByReason)) {
        const row = page
          .getByTestId("lost-by-reason")
          .locator("tr", { hasText: reason.replaceAll("_", " ") });
        expect(await row.locator("td").textContent()).toBe(String(n));
      }

      await page.getByRole("button", { name: "Compare all presets" }).click();
      const table = page.getByTestId("preset-comparison").locator("table").last();
      await poll(() => table.locator("tbody tr").count()).toBe(5);
      const metaRow = table.locator("tbody tr", { hasText: "meta-2024" });
      expect(await metaRow.locator("td").first().textContent()).toBe(String(expected.includedB));
      await checkPage(page, "whatif");

      // Edits to the current policy: a broken one is refused with the server's code...
      await page.getByRole("radio", { name: "Edit the current policy" }).check();
      const editor = page.getByLabel(/Policy \(YAML\)/);
      const current = await editor.inputValue();
      expect(current).toContain("minimum_age: 18");
      await editor.fill(current.replace("minimum_age: 18", "minimum_age: eighteen"));
      await page.getByRole("button", { name: "Show what would change" }).click();
      await poll(() => page.getByText("TG_E_BAD_POLICY").count()).toBe(1);
      // ...and a valid edit (no minimum age) is compared like any other policy.
      const edited = current.replace("minimum_age: 18", "minimum_age: null");
      const expectedEdit = countChanges(
        loadPreset("recommended"),
        loadPolicyText(edited),
        "genai_training",
        parseTimestamp(WHATIF_AS_OF)!,
        data.items,
        data.members,
        events,
      );
      await editor.fill(edited);
      await page.getByRole("button", { name: "Show what would change" }).click();
      await poll(() => page.getByTestId("members-changed").textContent()).toBe(
        String(expectedEdit.membersChanged),
      );
      expect(await page.getByTestId("policy-included").textContent()).toBe(
        String(expectedEdit.includedB),
      );
      expect(await page.getByText("TG_E_BAD_POLICY").count()).toBe(0);

      // A policy file uploaded from disk: meta-2024's YAML gives meta-2024's numbers.
      await page.getByRole("radio", { name: "A YAML file" }).check();
      await page.getByLabel("Policy file (.yaml)").setInputFiles({
        name: "meta-2024.yaml",
        mimeType: "text/yaml",
        buffer: readFileSync(join(process.cwd(), "presets", "meta-2024.yaml")),
      });
      await page.getByRole("button", { name: "Show what would change" }).click();
      await poll(() => page.getByTestId("policy-included").textContent()).toBe(
        String(expected.includedB),
      );
      expect(await page.getByTestId("members-changed").textContent()).toBe(
        String(expected.membersChanged),
      );
      await admin.close();
    },
    SCENARIO_MS,
  );
});
