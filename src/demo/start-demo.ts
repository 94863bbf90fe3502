/**
 * `traingate demo start` (what `npm start` runs): the whole flow of TrainGate on a synthetic
 * platform, in one command. Export -> consent ledger (bulk import) -> dataset build with the
 * `recommended` policy at a fixed instant -> run registered in lineage -> server in demo mode
 * with one-click sign-in links. Every step reuses what an earlier start left in the demo's
 * data directory, so a second start only starts the server.
 *
 * The demo keeps everything (export, ledger, keys, runs) in its own data directory,
 * `.traingate/demo/` by default, so it never mixes synthetic consent into a real ledger.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";
import { BuildProgress } from "../build/build-progress.js";
import { buildKey } from "../build/pseudonym-key.js";
import { runBuild } from "../build/run-build.js";
import { consentFromLedger } from "../cli/consent-from-ledger.js";
import { loadPreset } from "../config/load-policy.js";
import { TrainGateError } from "../errors.js";
import { loadMembers } from "../export/load-export.js";
import { importConsentFile } from "../ledger/import-file.js";
import { openLedger } from "../ledger/open-ledger.js";
import type { Run } from "../lineage/lineage-store.js";
import { withLineage } from "../lineage/open-lineage.js";
import { registerBuild } from "../lineage/record-build.js";
import { parseTimestamp } from "../policy/time.js";
import { type RunningServer, type ServeOptions, startServer } from "../server/start-server.js";
import { DEMO_AS_OF, DEMO_ITEMS, DEMO_MEMBERS, DEMO_SEED } from "./demo-defaults.js";
import { publishDemoDocuments } from "./demo-documents.js";
import { generateExport } from "./generate-export.js";
import { type DemoMembers, pickDemoMembers } from "./pick-demo-members.js";

/**
 * Options of `traingate demo start`. `dataDir` is the demo's own data directory (default
 * `.traingate/demo`); `database` a ledger URL instead of the SQLite file in it; the rest of the
 * server options are `serve`'s.
 */
export interface StartDemoOptions
  extends Pick<ServeOptions, "dataDir" | "database" | "host" | "port" | "logLevel"> {
  /** Sizes of a new demo platform (an existing one keeps its own). */
  readonly members?: number | undefined;
  readonly items?: number | undefined;
  readonly seed?: string | undefined;
  /** The server's present, epoch µs (the wall clock by default): picks a minor who still is one. */
  readonly now?: () => number;
  /** Where progress lines go. */
  readonly log: (line: string) => void;
}

/** A running demo: the server, the run it built, and who to sign in as. */
export interface RunningDemo {
  readonly server: RunningServer;
  readonly url: string;
  readonly dataDir: string;
  readonly exportDir: string;
  readonly run: Run;
  readonly featured: DemoMembers;
  close(): Promise<void>;
}

const PURPOSE = "genai_training";
const PRESET = "recommended";
/** The model the demo says was trained on its first run. */
const DEMO_MODEL = "demo-assistant";

/** What an earlier start generated, so the next one reuses it (or refuses to mix sizes). */
const demoStateSchema = z.object({
  seed: z.string(),
  members: z.number().int().positive(),
  items: z.number().int().nonnegative(),
  as_of: z.string(),
  run_id: z.string().nullable(),
});
type DemoState = z.infer<typeof demoStateSchema>;

function readState(path: string): DemoState | null {
  if (!existsSync(path)) return null;
  const parsed = demoStateSchema.safeParse(JSON.parse(readFileSync(path, "utf8")));
  if (!parsed.success) {
    throw new TrainGateError(
      "TG_E_BAD_INPUT",
      `${path}: not a demo state file (${parsed.error.issues[0]?.message}); remove the demo folder to start afresh`,
      { file: path },
    );
  }
  return parsed.data;
}

function writeState(path: string, state: DemoState): void {
  writeFileSync(path, `${JSON.stringify(state, null, 2)}\n`);
}

function seconds(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(1)} s`;
}

/** Runs every step and starts the server; resolves once it listens. */
export async function startDemo(opts: StartDemoOptions): Promise<RunningDemo> {
  const log = opts.log;
  const dir = resolve(opts.dataDir ?? join(".traingate", "demo"));
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const database = opts.database ?? `sqlite:${join(dir, "ledger.sqlite")}`;
  const where = { dataDir: dir, database };
  const statePath = join(dir, "demo.json");
  const exportDir = join(dir, "export");
  const files = {
    members: join(exportDir, "members.jsonl"),
    items: join(exportDir, "items.jsonl"),
    consent: join(exportDir, "consent_events.jsonl"),
  };
  const asOf = parseTimestamp(DEMO_AS_OF)!;
  const policy = loadPreset(PRESET);

  // 1. The platform export.
  let state = readState(statePath);
  const wanted = {
    seed: opts.seed ?? state?.seed ?? DEMO_SEED,
    members: opts.members ?? state?.members ?? DEMO_MEMBERS,
    items: opts.items ?? state?.items ?? DEMO_ITEMS,
  };
  if (
    state !== null &&
    (state.seed !== wanted.seed || state.members !== wanted.members || state.items !== wanted.items)
  ) {
    throw new TrainGateError(
      "TG_E_USAGE",
      `${dir} already holds a demo platform with ${state.members} members and ${state.items} items (seed ${JSON.stringify(state.seed)}); use another --data-dir or remove ${dir} to generate a different one`,
      { dir },
    );
  }
  const haveExport = Object.values(files).every((f) => existsSync(f));
  if (state === null || !haveExport) {
    const t = performance.now();
    const r = await generateExport({ ...wanted, asOf, out: exportDir });
    state = { ...wanted, as_of: DEMO_AS_OF, run_id: null };
    writeState(statePath, state);
    log(
      `1/4 generated a demo platform: ${r.counts.members} members, ${r.counts.items} items, ${r.counts.consent} consent events in ${exportDir} (${seconds(t)})`,
    );
  } else {
    log(`1/4 reusing the demo platform in ${exportDir}`);
  }

  // 2. The consent ledger: bulk import (idempotent), the member directory, the documents.
  {
    const t = performance.now();
    const store = await openLedger(database);
    try {
      const ctx = { actor: "demo", requestId: null };
      const imported = await importConsentFile(store, files.consent, ctx);
      const members = await loadMembers(files.members);
      await store.upsertMembers(members.map((m) => ({ id: m.id, country: m.country })));
      await publishDemoDocuments(store, ctx);
      log(
        `2/4 consent ledger (${store.backend}): ${imported.inserted} events imported, ${imported.duplicates} already there (${seconds(t)})`,
      );
    } finally {
      await store.close();
    }
  }

  // 3. The first dataset and its run in lineage.
  const out = join(dir, "runs", `${PRESET}-${PURPOSE}`);
  let run: Run | null = null;
  if (state.run_id !== null && existsSync(join(out, "manifest.json"))) {
    const runId = state.run_id;
    run = await withLineage(where, ({ lineage }) =>
      lineage.getRun(runId).catch((e: unknown) => {
        // A run the registry lost (a new ledger under an old demo folder) is built again.
        if (e instanceof TrainGateError && e.code === "TG_E_NOT_FOUND") return null;
        throw e;
      }),
    );
    if (run !== null) log(`3/4 reusing run ${run.runId} in ${out}`);
  }
  if (run === null) {
    const t = performance.now();
    const built = await runBuild({
      policy,
      purpose: PURPOSE,
      asOf,
      members: files.members,
      items: files.items,
      ledgerConsent: () => consentFromLedger(where),
      out,
      format: "jsonl",
      strict: false,
      force: true,
      key: buildKey(undefined, dir),
      redact: true,
      collectIds: true,
      progress: new BuildProgress(false),
    });
    if (built.facts === undefined)
      throw new TrainGateError("TG_E_INTERNAL", "the build did not compute its run facts");
    run = await registerBuild({
      manifest: built.manifest,
      includedIds: built.includedIds ?? [],
      authorIds: built.authorIds ?? [],
      facts: built.facts,
      where,
    });
    // A model trained on the run, so lineage has the whole chain: member -> run -> model.
    const runId = run.runId;
    const model = await withLineage(where, ({ lineage }) =>
      lineage.registerModel({ name: DEMO_MODEL, runIds: [runId] }),
    );
    state = { ...state, run_id: run.runId };
    writeState(statePath, state);
    log(
      `3/4 built ${join(out, "dataset.jsonl")} with the ${PRESET} policy as of ${DEMO_AS_OF}: ${run.counts.included} of ${run.counts.input} items; run ${run.runId} registered in lineage with model ${model.modelId} (${seconds(t)})`,
    );
  }

  // 4. The server, in demo mode, with the demo export as the what-if default.
  const t = performance.now();
  const featured = await pickDemoMembers({
    ...files,
    policy,
    purpose: PURPOSE,
    asOf,
    now: (opts.now ?? (() => Date.now() * 1000))(),
  });
  const port = opts.port ?? 8080;
  const server = await startServer({
    host: opts.host ?? "127.0.0.1",
    port,
    dataDir: dir,
    database,
    preset: PRESET,
    demo: true,
    exportDir,
    logLevel: opts.logLevel ?? "warn",
  }).catch((e: unknown) => {
    if ((e as { code?: unknown }).code === "EADDRINUSE") {
      throw new TrainGateError(
        "TG_E_USAGE",
        `port ${port} is already in use (another demo still running?): stop it, or pass --port N (npm start -- --port 0 picks a free one); everything built so far is kept`,
        { port },
      );
    }
    throw e;
  });
  log(`4/4 server listening on ${server.url} (${seconds(t)})`);
  const url = server.url.endsWith("/") ? server.url : `${server.url}/`;
  return {
    server,
    url,
    dataDir: dir,
    exportDir,
    run,
    featured,
    close: () => server.close(),
  };
}
