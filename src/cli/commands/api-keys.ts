import type { Command } from "commander";
import { databaseUrl, dataDir } from "../../config/data-dir.js";
import { TrainGateError } from "../../errors.js";
import { ROLES, type Role } from "../../ledger/ledger-store.js";
import { openLedger } from "../../ledger/open-ledger.js";
import { formatInstant } from "../../policy/time.js";
import { generateApiKey } from "../../server/auth/api-key.js";
import type { RegisterCommand } from "../command.js";
import { out } from "../command.js";

interface Where {
  dataDir?: string;
  database?: string;
}

function roleList(values: readonly string[]): Role[] {
  if (values.length === 0) {
    throw new TrainGateError(
      "TG_E_USAGE",
      `--role is required (one or more of ${ROLES.join(", ")})`,
    );
  }
  for (const v of values) {
    if (!(ROLES as readonly string[]).includes(v)) {
      throw new TrainGateError(
        "TG_E_USAGE",
        `unknown role ${JSON.stringify(v)}; roles are ${ROLES.join(", ")}`,
      );
    }
  }
  return [...new Set(values as Role[])];
}

async function withLedger<T>(
  where: Where,
  run: (s: Awaited<ReturnType<typeof openLedger>>) => Promise<T>,
) {
  const store = await openLedger(databaseUrl(dataDir(where.dataDir), where.database));
  try {
    return await run(store);
  } finally {
    await store.close();
  }
}

function ledgerOptions(cmd: Command): Command {
  return cmd
    .option("--data-dir <dir>", "TrainGate's data directory (default .traingate/)")
    .option("--database <url>", "ledger URL (default: the SQLite file in the data directory)");
}

/** `traingate api-keys create|list|revoke`: API keys for services and admins (stored hashed). */
export const registerApiKeys: RegisterCommand = (program: Command) => {
  const keys = program
    .command("api-keys")
    .description("create, list and revoke API keys")
    .addHelpText(
      "after",
      '\nExamples:\n  $ traingate api-keys create --role privacy_admin auditor --label "privacy team"\n  $ traingate api-keys list\n  $ traingate api-keys revoke k3x9a1',
    );

  ledgerOptions(
    keys
      .command("create")
      .description("create a key; its secret is printed once and only its hash is stored")
      .addHelpText(
        "after",
        '\nExamples:\n  $ traingate api-keys create --role partner --label "ads partner feed"\n  $ traingate api-keys create --role ml_engineer --database postgres://traingate@db/traingate',
      )
      .option("--role <role...>", `roles: ${ROLES.join(", ")}`, [])
      .option("--label <text>", "what the key is for", ""),
  ).action(async (opts: Where & { role: string[]; label: string }) => {
    const roles = roleList(opts.role);
    const key = generateApiKey();
    await withLedger(opts, (store) =>
      store.createApiKey(
        { id: key.id, secretHash: key.secretHash, roles, label: opts.label },
        { actor: "cli", requestId: null },
      ),
    );
    out(key.token);
    process.stderr.write(
      `key ${key.id} created with roles ${roles.join(", ")}; the token above is shown once\n`,
    );
  });

  ledgerOptions(
    keys
      .command("list")
      .description("list keys (ids, roles, labels; never secrets)")
      .addHelpText("after", "\nExamples:\n  $ traingate api-keys list --data-dir .traingate"),
  ).action(async (opts: Where) => {
    const list = await withLedger(opts, (store) => store.listApiKeys());
    for (const k of list) {
      const state = k.revokedAt === null ? "active" : `revoked ${formatInstant(k.revokedAt)}`;
      out(`${k.id}  ${k.roles.join(",").padEnd(40)} ${state.padEnd(32)} ${k.label}`);
    }
  });

  ledgerOptions(
    keys
      .command("revoke")
      .argument("<id>", "the key id")
      .description("revoke a key")
      .addHelpText("after", "\nExamples:\n  $ traingate api-keys revoke k3x9a1"),
  ).action(async (id: string, opts: Where) => {
    await withLedger(opts, (store) => store.revokeApiKey(id, { actor: "cli", requestId: null }));
    out(`key ${id} revoked`);
  });
};
