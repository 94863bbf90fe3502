import type { Command } from "commander";
import { TrainGateError } from "../../errors.js";
import { startServer } from "../../server/start-server.js";
import { parseAllowIps } from "../../server/webhooks/destinations.js";
import type { RegisterCommand } from "../command.js";
import { err, out } from "../command.js";
import { withPolicyOptions } from "../options.js";

interface ServeFlags {
  host: string;
  port: string;
  dataDir?: string;
  database?: string;
  preset?: string;
  policy?: string;
  demo?: boolean;
  jwksUrl?: string;
  jwksFile?: string;
  issuer?: string;
  audience?: string;
  exportDir?: string;
  rateLimit?: string;
  webhooks: boolean;
  obligations: boolean;
  webhookAllowPrivate?: boolean;
  webhookAllowIp: string[];
  logLevel: string;
}

function intFlag(value: string, flag: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new TrainGateError("TG_E_USAGE", `${flag} must be an integer from ${min} to ${max}`);
  }
  return n;
}

/** `traingate serve`: the HTTP API, the web UI and webhook deliveries, until SIGINT/SIGTERM. */
export const registerServe: RegisterCommand = (program: Command) => {
  const cmd = program
    .command("serve")
    .description("serve the consent API, the partner feed and webhooks, and the web UI")
    .option("--host <host>", "interface to listen on", "127.0.0.1")
    .option("--port <port>", "port (0 picks a free one)", "8080")
    .option("--data-dir <dir>", "TrainGate's data directory (default .traingate/)")
    .option("--database <url>", "ledger URL: sqlite:/path/file.sqlite (default) or postgres://...")
    .option("--demo", "demo mode: trust the data directory's demo key and enable /demo/login")
    .option("--jwks-url <url>", "JWKS of the identity provider that signs member tokens")
    .option("--jwks-file <file>", "a local JWKS file instead of --jwks-url")
    .option("--issuer <iss>", "required `iss` of member tokens")
    .option("--audience <aud>", "required `aud` of member tokens")
    .option("--export-dir <dir>", "export (members.*, items.*) for regions and what-if")
    .option("--rate-limit <n>", "requests per caller per 10 s (default 6000)")
    .option("--no-webhooks", "do not deliver webhooks from this process")
    .option("--no-obligations", "do not update lineage obligations in the background")
    .option(
      "--webhook-allow-ip <ip-or-cidr>",
      "also let webhooks reach this non-public address or range (repeatable)",
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option(
      "--webhook-allow-private",
      "let webhooks use http: and reach any address, localhost included (development only)",
    )
    .option("--log-level <level>", "pino log level", "info");
  withPolicyOptions(cmd);
  cmd.addHelpText(
    "after",
    `
Without --preset/--policy the active policy is the preset "recommended".
Examples:
  $ traingate serve --demo --export-dir demo/export
  $ traingate serve --database postgres://traingate@db/traingate --jwks-url https://idp.example/jwks.json \\
      --issuer https://idp.example --audience traingate`,
  );
  cmd.action(async (flags: ServeFlags) => {
    const server = await startServer({
      host: flags.host,
      port: intFlag(flags.port, "--port", 0, 65535),
      dataDir: flags.dataDir,
      database: flags.database,
      preset: flags.preset,
      policy: flags.policy,
      demo: flags.demo === true,
      jwksUrl: flags.jwksUrl,
      jwksFile: flags.jwksFile,
      issuer: flags.issuer,
      audience: flags.audience,
      exportDir: flags.exportDir,
      rateLimit:
        flags.rateLimit === undefined
          ? undefined
          : intFlag(flags.rateLimit, "--rate-limit", 1, 1_000_000_000),
      webhooks: flags.webhooks,
      obligations: flags.obligations,
      webhookDestinations: {
        allowPrivate: flags.webhookAllowPrivate === true,
        allowIps: parseAllowIps(flags.webhookAllowIp),
      },
      logLevel: flags.logLevel,
    });
    out(
      `traingate: listening on ${server.url} (ledger: ${server.store.backend}${flags.demo ? ", demo mode" : ""})`,
    );
    await new Promise<void>((resolve) => {
      const stop = () => {
        err("traingate: shutting down");
        void server.close().finally(resolve);
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
  });
};
