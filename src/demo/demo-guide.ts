/**
 * What `npm start` prints once the server listens: the URLs, one-click sign-in links for the
 * featured members and an admin, and a short guide of what to click and what it shows.
 */
import { existsSync } from "node:fs";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import countries from "i18n-iso-countries";
import { DEMO_AS_OF } from "./demo-defaults.js";
import type { DemoMember } from "./pick-demo-members.js";
import type { RunningDemo } from "./start-demo.js";

/** The web UI's build, as the server looks for it (same depth from src/ and dist/). */
const WEB_INDEX = fileURLToPath(new URL("../../web/dist/index.html", import.meta.url));

/** A sign-in link the guide prints. */
export interface DemoLink {
  readonly who: string;
  readonly url: string;
}

const SHORT_NAMES: Readonly<Record<string, string>> = {
  US: "United States",
  GB: "United Kingdom",
  UK: "United Kingdom",
};

function countryName(code: string | null): string {
  if (code === null) return "an unknown country";
  return SHORT_NAMES[code] ?? countries.getName(code, "en") ?? code;
}

function name(m: DemoMember): string {
  return m.displayName ?? m.id;
}

/** The sign-in links, featured members first, then the admin. */
export function demoLinks(demo: Pick<RunningDemo, "url" | "featured">): DemoLink[] {
  const links: DemoLink[] = [];
  const { germany, us, minor } = demo.featured;
  const login = (id: string) => `${demo.url}demo/login/${encodeURIComponent(id)}`;
  if (germany !== null)
    links.push({
      who: `${name(germany)}, ${countryName(germany.country)}: opt-in region, no choice yet`,
      url: login(germany.id),
    });
  if (us !== null)
    links.push({
      who: `${name(us)}, ${countryName(us.country)}: opt-out region, ${us.included} items in the first dataset`,
      url: login(us.id),
    });
  if (minor !== null)
    links.push({
      who: `${name(minor)}, ${countryName(minor.country)}: under 18, never used`,
      url: login(minor.id),
    });
  links.push({ who: "Admin: privacy admin, auditor and ML engineer", url: login("admin") });
  return links;
}

/** The lines of the guide. */
export function demoGuide(demo: RunningDemo, cwd: string = process.cwd()): string[] {
  const { germany, us, minor } = demo.featured;
  const dir = relative(cwd, demo.dataDir) || ".";
  const exp = relative(cwd, demo.exportDir) || ".";
  const counts = demo.run.counts;
  const top = Object.entries(counts.excluded)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([r, n]) => `${r} ${n}`)
    .join(", ");
  const links = demoLinks(demo);
  const lines = [
    "",
    `TrainGate demo is running: ${demo.url}`,
    `  first dataset: ${counts.included} of ${counts.input} items included (excluded most often: ${top})`,
    `  run ${demo.run.runId}, policy ${demo.run.policy.name}, purpose ${demo.run.purpose}, as of ${DEMO_AS_OF}`,
    ...(existsSync(WEB_INDEX)
      ? []
      : [
          "  (the web UI is not built, so only the API answers: run `npm run build` and start again)",
        ]),
    "",
    "Sign in with one click (these links exist only in demo mode):",
    ...links.flatMap((l) => [`  ${l.who}`, `      ${l.url}`]),
    "",
    "What to try:",
  ];
  let step = 1;
  if (germany !== null)
    lines.push(
      `  ${step++}. As ${name(germany)}: the privacy center says their posts are not used, because Germany is an`,
      "     opt-in region and there is no yes on record. Switch generative-AI training on: the explanation changes",
      "     and History shows the event with its source.",
    );
  if (us !== null)
    lines.push(
      `  ${step++}. As ${name(us)}: opt-out region, so public posts were used. "Where your data was used" names the`,
      "     first run and the model trained on it. Switch it off: the page says what opting out changed, and an",
      "     obligation opens for that run in the console.",
    );
  if (minor !== null)
    lines.push(
      `  ${step++}. As ${name(minor)}: nothing is used whatever the setting says: the policy's minimum age is 18.`,
    );
  lines.push(
    `  ${step++}. As admin: Console > Runs has the first build counted by reason; Obligations shows the follow-ups`,
    "     of opt-outs; Opt-outs shows the wave after the notice of 18 September 2024; What-if compares",
    "     recommended with linkedin-2024 or meta-2024 on this platform, item by item.",
    `  API documentation: ${demo.url}docs   OpenAPI: ${demo.url}openapi.json`,
    "",
    `On disk (${dir}): export/ (the synthetic platform), runs/ (dataset.jsonl and manifest.json of the`,
    "first build), ledger.sqlite (consent ledger and lineage). The CLI works on it too:",
    `  npx traingate ledger status --data-dir ${dir}`,
    `  npx traingate explain --preset recommended --as-of ${DEMO_AS_OF} --data-dir ${dir} \\`,
    `      --members ${exp}/members.jsonl --items ${exp}/items.jsonl --item ${us?.sampleItem ?? germany?.sampleItem ?? "i000001"}`,
    "",
    "Stop with Ctrl+C. Running it again reuses everything.",
  );
  return lines;
}
