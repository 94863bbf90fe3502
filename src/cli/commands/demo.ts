import type { Command } from "commander";
import { z } from "zod";
import { DEMO_AS_OF, DEMO_ITEMS, DEMO_MEMBERS, DEMO_SEED } from "../../demo/demo-defaults.js";
import { demoGuide } from "../../demo/demo-guide.js";
import { generateExport } from "../../demo/generate-export.js";
import { startDemo } from "../../demo/start-demo.js";
import { TrainGateError } from "../../errors.js";
import type { RegisterCommand } from "../command.js";
import { err, out } from "../command.js";
import { parseAsOf } from "../options.js";

const count = (flag: string, min: number) =>
  z.coerce
    .number({ error: `${flag} must be a whole number` })
    .int({ error: `${flag} must be a whole number` })
    .min(min, { error: `${flag} must be at least ${min}` })
    .max(1_000_000_000, { error: `${flag} is too large` });

const generateOptions = z.object({
  members: count("--members", 1),
  items: count("--items", 0),
  seed: z.string().min(1, { error: "--seed must not be empty" }),
  out: z.string({ error: "--out DIR is required" }).min(1),
  format: z.enum(["jsonl", "parquet"], { error: "--format must be jsonl or parquet" }),
  asOf: z.string(),
  dirty: z.boolean().optional(),
  threads: count("--threads", 1).optional(),
});

const startOptions = z.object({
  dataDir: z.string().optional(),
  database: z.string().optional(),
  host: z.string().min(1),
  port: z.coerce
    .number({ error: "--port must be a number" })
    .int({ error: "--port must be a whole number" })
    .min(0, { error: "--port must be from 0 to 65535" })
    .max(65535, { error: "--port must be from 0 to 65535" }),
  members: count("--members", 1).optional(),
  items: count("--items", 0).optional(),
  seed: z.string().min(1).optional(),
  logLevel: z.string().min(1),
});

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new TrainGateError("TG_E_USAGE", r.error.issues[0]!.message);
  return r.data;
}

/** `traingate demo generate|start`: a synthetic platform, and the one-command tour of TrainGate. */
export const registerDemo: RegisterCommand = (program: Command) => {
  const demo = program
    .command("demo")
    .description("a synthetic demo platform: generate an export, or start the whole tour")
    .addHelpText(
      "after",
      `
Examples:
  $ traingate demo start                        # what npm start runs
  $ traingate demo generate --members 2000 --items 20000 --seed 42 --out demo-export`,
    );

  demo
    .command("generate")
    .description(
      "write a synthetic platform export (members, items, consent_events) with the contract's columns; the same seed gives the same bytes",
    )
    .option("--members <n>", "how many members", "2000")
    .option(
      "--items <n>",
      "how many items (posts, comments, articles, messages, profiles)",
      "20000",
    )
    .option("--seed <text>", "the random seed: the same seed gives byte-identical files", DEMO_SEED)
    .option("--out <dir>", "the folder to write the three tables into")
    .option("--format <format>", "jsonl or parquet", "jsonl")
    .option(
      "--as-of <timestamp>",
      "the export's snapshot instant: nothing is dated later",
      DEMO_AS_OF,
    )
    .option("--dirty", "add rows real exports have: unknown kinds, unknown authors, malformed rows")
    .option(
      "--threads <n>",
      "item rendering threads (default: one per core but one, at most 8); same bytes",
    )
    .addHelpText(
      "after",
      `
Examples:
  $ traingate demo generate --members 2000 --items 20000 --seed 42 --out demo-export
  $ traingate demo generate --members 1000000 --items 10000000 --format parquet --out big
  $ traingate demo generate --members 50 --items 400 --dirty --out messy

The export is what a platform would hand over: members across many countries (a few with
the UK alias or a missing/invalid country), ages from minors to retirees (some unknown,
some born on 29 February), deleted accounts; posts, comments, articles, messages and
profiles in several languages carrying e-mails, phone numbers, names, handles, URLs and the
odd IBAN or card number; consent histories with an opt-out wave after the notice of
2024-09-18, GPC signals, imports, ties.`,
    )
    .action(async (raw: Record<string, unknown>) => {
      const opts = parse(generateOptions, raw);
      const asOf = parseAsOf(opts.asOf);
      const result = await generateExport({
        members: opts.members,
        items: opts.items,
        seed: opts.seed,
        asOf,
        out: opts.out,
        format: opts.format,
        dirty: opts.dirty ?? false,
        ...(opts.threads === undefined ? {} : { threads: opts.threads }),
      });
      out(`Wrote a demo export (seed ${JSON.stringify(opts.seed)}, as of ${opts.asOf}):`);
      out(`  ${result.files.members}  ${result.counts.members} members`);
      out(`  ${result.files.items}  ${result.counts.items} items`);
      out(`  ${result.files.consent}  ${result.counts.consent} consent events`);
      const rate = result.seconds > 0 ? Math.round(result.counts.items / result.seconds) : 0;
      out(`  in ${result.seconds.toFixed(2)} s (${rate} items/s)`);
    });

  demo
    .command("start")
    .description(
      "the whole tour in one command (what npm start runs): generate a demo platform, import its consent into the ledger, build the first dataset with the recommended policy, register the run, and serve the privacy center and console with one-click sign-in links",
    )
    .option(
      "--data-dir <dir>",
      "the demo's own data directory (export, ledger, keys, runs)",
      ".traingate/demo",
    )
    .option(
      "--database <url>",
      "a ledger URL instead of the SQLite file in the demo's data directory",
    )
    .option("--host <host>", "interface to listen on", "127.0.0.1")
    .option("--port <port>", "port (0 picks a free one)", "8080")
    .option("--members <n>", `members of a new demo platform (default ${DEMO_MEMBERS})`)
    .option("--items <n>", `items of a new demo platform (default ${DEMO_ITEMS})`)
    .option("--seed <text>", `seed of a new demo platform (default ${DEMO_SEED})`)
    .option("--log-level <level>", "server log level (pino)", "warn")
    .addHelpText(
      "after",
      `
Examples:
  $ npm start                                   # the same as: traingate demo start
  $ traingate demo start --port 3000
  $ traingate demo start --data-dir /tmp/big-demo --members 20000 --items 200000

Running it again reuses the platform, the ledger and the first run in the data directory, so
the second start only starts the server. The demo never touches the default data directory
(.traingate/): its ledger and keys live in --data-dir. Stop it with Ctrl+C.`,
    )
    .action(async (raw: Record<string, unknown>) => {
      const opts = parse(startOptions, raw);
      const demo = await startDemo({ ...opts, log: (line) => out(line) });
      for (const line of demoGuide(demo)) out(line);
      await new Promise<void>((resolve) => {
        const stop = () => {
          err("traingate: shutting down the demo");
          void demo.close().finally(resolve);
        };
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
    });
};
