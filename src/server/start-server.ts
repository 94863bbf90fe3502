/**
 * Starts the whole server from `serve`'s options: opens the ledger named by `--database`
 * (the embedded SQLite file in the data directory by default), loads the policy, the demo key
 * and the default export, builds the app, starts the webhook worker and listens. The one
 * place besides the CLI that wires a concrete backend.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { databaseUrl, dataDir } from "../config/data-dir.js";
import { loadPolicyOption } from "../config/load-policy.js";
import { TrainGateError } from "../errors.js";
import { type ExportPaths, loadMembers } from "../export/load-export.js";
import type { LedgerStore } from "../ledger/ledger-store.js";
import { openLedger } from "../ledger/open-ledger.js";
import { loadDemoKey } from "./auth/demo-key.js";
import { buildApp } from "./build-app.js";
import { type ObligationsWorker, startObligationsWorker } from "./obligations-worker.js";
import type { WebhookDestinations } from "./webhooks/destinations.js";
import { startWebhookWorker, type WebhookWorker } from "./webhooks/webhook-worker.js";

/** Options of `traingate serve`. */
export interface ServeOptions {
  readonly host?: string | undefined;
  readonly port?: number | undefined;
  readonly dataDir?: string | undefined;
  readonly database?: string | undefined;
  readonly preset?: string | undefined;
  readonly policy?: string | undefined;
  readonly demo?: boolean | undefined;
  readonly jwksUrl?: string | undefined;
  readonly jwksFile?: string | undefined;
  readonly issuer?: string | undefined;
  readonly audience?: string | undefined;
  readonly exportDir?: string | undefined;
  readonly rateLimit?: number | undefined;
  readonly webhooks?: boolean | undefined;
  /** Apply the ledger's changes to the obligations in the background (default true). */
  readonly obligations?: boolean | undefined;
  /** Where webhooks may point (`--webhook-allow-private`, `--webhook-allow-ip`). */
  readonly webhookDestinations?: WebhookDestinations | undefined;
  readonly logLevel?: string | undefined;
}

/** A listening server. */
export interface RunningServer {
  readonly app: FastifyInstance;
  readonly store: LedgerStore;
  readonly url: string;
  close(): Promise<void>;
}

const TABLE_EXTENSIONS = [".jsonl", ".jsonl.gz", ".ndjson", ".csv", ".csv.gz", ".parquet"];

/** The members/items/consent files of an export directory (`members.jsonl`, `items.csv`, ...). */
export function exportFiles(dir: string): ExportPaths {
  const names = existsSync(dir) ? readdirSync(dir) : [];
  const find = (table: string): string | undefined => {
    const name = names.find((n) => TABLE_EXTENSIONS.some((ext) => n === `${table}${ext}`));
    return name === undefined ? undefined : join(dir, name);
  };
  const members = find("members");
  const items = find("items");
  if (members === undefined || items === undefined) {
    throw new TrainGateError(
      "TG_E_NOT_FOUND",
      `--export-dir ${dir}: expected members.* and items.* (jsonl, jsonl.gz, csv or parquet)`,
      { dir },
    );
  }
  return { members, items, consent: find("consent_events") ?? find("consent") };
}

/** Starts the server; resolves once it listens. */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const dir = dataDir(options.dataDir);
  const policy =
    options.preset === undefined && options.policy === undefined
      ? loadPolicyOption({ preset: "recommended" })
      : loadPolicyOption({ preset: options.preset, policy: options.policy });
  if (options.jwksUrl !== undefined && options.jwksFile !== undefined) {
    throw new TrainGateError("TG_E_USAGE", "give at most one of --jwks-url and --jwks-file");
  }
  const store = await openLedger(databaseUrl(dir, options.database));
  let worker: WebhookWorker | null = null;
  let obligations: ObligationsWorker | null = null;
  try {
    const defaultExport =
      options.exportDir === undefined ? undefined : exportFiles(options.exportDir);
    if (defaultExport !== undefined) {
      // The export is the member directory: regions in settings and aggregates come from it.
      const members = await loadMembers(defaultExport.members);
      await store.upsertMembers(members.map((m) => ({ id: m.id, country: m.country })));
    }
    const app = await buildApp({
      store,
      policy,
      dataDir: dir,
      demoKey: options.demo ? await loadDemoKey(dir) : undefined,
      jwksUrl: options.jwksUrl ?? process.env["TRAINGATE_JWKS_URL"],
      jwksFile: options.jwksFile,
      issuer: options.issuer,
      audience: options.audience,
      defaultExport,
      rateLimit: options.rateLimit,
      webhookDestinations: options.webhookDestinations,
      logger: { level: options.logLevel ?? "info" },
    });
    if (options.webhooks !== false) {
      worker = startWebhookWorker(store, {
        destinations: options.webhookDestinations,
        onAttempt: (a) =>
          app.log[a.ok ? "info" : "warn"](
            { webhook: a.webhookId, events: a.events, status: a.status, error: a.error },
            a.ok ? "webhook delivered" : "webhook delivery failed; will retry",
          ),
      });
    }
    if (options.obligations !== false) {
      obligations = startObligationsWorker(store, {
        onPass: (p) =>
          app.log.info(
            { changes: p.changes, opened: p.opened, ms: p.ms },
            "obligations brought up to date",
          ),
        onError: (e) => app.log.error({ err: e }, "obligations pass failed; will retry"),
      });
    }
    const url = await app.listen({ host: options.host ?? "127.0.0.1", port: options.port ?? 8080 });
    const running = worker;
    const runningObligations = obligations;
    return {
      app,
      store,
      url,
      async close() {
        await running?.stop();
        await runningObligations?.stop();
        await app.close();
        await store.close();
      },
    };
  } catch (e) {
    await worker?.stop();
    await obligations?.stop();
    await store.close();
    throw e;
  }
}
