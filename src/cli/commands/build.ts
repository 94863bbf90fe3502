import type { Command } from "commander";
import { BuildProgress } from "../../build/build-progress.js";
import { buildKey } from "../../build/pseudonym-key.js";
import { runBuild } from "../../build/run-build.js";
import { dataDir } from "../../config/data-dir.js";
import { loadPolicyOption } from "../../config/load-policy.js";
import { TrainGateError } from "../../errors.js";
import { REASONS } from "../../policy/domain.js";
import {
  type BuildLineageOptions,
  recordBuildLineage,
  wantsLineage,
  withLineageOptions,
} from "../build-lineage.js";
import type { RegisterCommand } from "../command.js";
import { out } from "../command.js";
import {
  parseAsOf,
  parsePurpose,
  required,
  withExportOptions,
  withPolicyOptions,
} from "../options.js";

interface BuildCliOptions extends BuildLineageOptions {
  preset?: string;
  policy?: string;
  purpose?: string;
  asOf?: string;
  members?: string;
  items?: string;
  consent?: string;
  out?: string;
  format?: string;
  strict?: boolean;
  pseudonymKeyFile?: string;
  force?: boolean;
  quiet?: boolean;
  redact: boolean;
  dataDir?: string;
  database?: string;
  memoryLimit?: string;
  threads?: string;
}

function parseFormat(value: string | undefined): "jsonl" | "parquet" {
  if (value === undefined || value === "jsonl") return "jsonl";
  if (value === "parquet") return "parquet";
  throw new TrainGateError(
    "TG_E_USAGE",
    `--format must be jsonl or parquet (got ${JSON.stringify(value)})`,
  );
}

function parseThreads(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new TrainGateError(
      "TG_E_USAGE",
      `--threads must be a whole number >= 1 (got ${JSON.stringify(value)})`,
    );
  return n;
}

/**
 * `traingate build` (contract §5). The summary table goes to stdout unless `--quiet`;
 * progress bars go to stderr, only on a terminal.
 */
export const registerBuild: RegisterCommand = (program: Command) => {
  const cmd = program
    .command("build")
    .description(
      "build the dataset a policy allows: dataset.jsonl|parquet (authors pseudonymised, PII redacted) and manifest.json, all or nothing",
    )
    .option("--purpose <purpose>", "the purpose, e.g. genai_training")
    .option("--as-of <timestamp>", "the instant T (RFC 3339)")
    .option("--out <dir>", "the output folder (must not exist, unless --force)")
    .option("--format <format>", "jsonl (default) or parquet")
    .option("--strict", "fail on a bad item row instead of excluding it as malformed")
    .option(
      "--pseudonym-key-file <file>",
      "the pseudonym key (>= 32 bytes); default: the data directory's key",
    )
    .option("--force", "replace an existing --out")
    .option("--quiet", "no progress and no summary")
    .option("--no-redact", "do not redact PII from text (recorded in the manifest)")
    .option("--data-dir <dir>", "TrainGate's data directory (keys, ledger)")
    .option("--database <url>", "the consent ledger's database URL (without --consent)")
    .option("--memory-limit <size>", "DuckDB memory limit before spilling to disk", "1GB")
    .option("--threads <n>", "DuckDB threads (default: all cores)");
  withPolicyOptions(cmd);
  withExportOptions(cmd);
  withLineageOptions(cmd);
  cmd.addHelpText(
    "after",
    `
Example:
  $ traingate build --preset recommended --purpose genai_training --as-of 2025-01-01T00:00:00Z \\
      --members members.parquet --items items.parquet --consent consent.parquet --out out/run-1`,
  );
  cmd.action(async (opts: BuildCliOptions) => {
    const policy = loadPolicyOption(opts);
    const purpose = parsePurpose(opts.purpose);
    const asOf = parseAsOf(opts.asOf);
    const format = parseFormat(opts.format);
    const threads = parseThreads(opts.threads);
    const members = required(opts.members, "--members");
    const items = required(opts.items, "--items");
    const outDir = required(opts.out, "--out");
    const key = buildKey(
      opts.pseudonymKeyFile,
      opts.pseudonymKeyFile === undefined ? dataDir(opts.dataDir) : "",
    );
    const result = await runBuild({
      policy,
      purpose,
      asOf,
      members,
      items,
      consent: opts.consent,
      // The ledger's modules load only when consent comes from it (not with --consent).
      ledgerConsent: async () =>
        (await import("../consent-from-ledger.js")).consentFromLedger({
          dataDir: opts.dataDir,
          database: opts.database,
        }),
      out: outDir,
      format,
      strict: opts.strict === true,
      force: opts.force === true,
      key,
      redact: opts.redact,
      progress: BuildProgress.forTerminal(opts.quiet === true),
      ...(opts.memoryLimit === undefined ? {} : { memoryLimit: opts.memoryLimit }),
      ...(threads === undefined ? {} : { threads }),
      collectIds: wantsLineage(opts),
    });
    await recordBuildLineage(opts, result);
    if (opts.quiet) return;
    const m = result.manifest;
    out(
      `built ${result.outDir}: ${m.counts.included} of ${m.counts.input} items included (${m.output.path}, merkle root ${m.merkle_root.slice(0, 16)}…)`,
    );
    const width = Math.max(...REASONS.map((r) => r.length), "included".length);
    out(`${"reason".padEnd(width)}  ${"items".padStart(12)}`);
    out(`${"included".padEnd(width)}  ${String(m.counts.included).padStart(12)}`);
    for (const r of REASONS)
      out(`${r.padEnd(width)}  ${String(m.counts.excluded[r]).padStart(12)}`);
    out(`${"input".padEnd(width)}  ${String(m.counts.input).padStart(12)}`);
  });
};
