import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { TrainGateError } from "../../errors.js";
import { systemClock } from "../../ledger/open-ledger.js";
import { withLineage } from "../../lineage/open-lineage.js";
import { reportHtml, reportMarkdown } from "../../lineage/render-report.js";
import { transparencyReport } from "../../lineage/transparency-report.js";
import { parseDate, parseTimestamp } from "../../policy/time.js";
import type { RegisterCommand } from "../command.js";
import { out } from "../command.js";
import { parsePurpose } from "../options.js";

interface ReportOptions {
  purpose?: string;
  from?: string;
  until?: string;
  format?: string;
  out?: string;
  dataDir?: string;
  database?: string;
}

const FORMATS = ["json", "md", "html"] as const;

/** `--from`/`--until`: an RFC 3339 timestamp or a date (midnight UTC). */
function instant(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const t = parseTimestamp(value);
  if (t !== null) return t;
  const d = parseDate(value);
  if (d !== null) return d * 86_400_000_000;
  throw new TrainGateError(
    "TG_E_USAGE",
    `${flag} ${JSON.stringify(value)} is neither an RFC 3339 timestamp nor a YYYY-MM-DD date`,
  );
}

/**
 * `traingate report [--purpose P] [--from] [--until] --format json|md|html --out FILE`: the
 * transparency report over the runs whose as-of falls in the period.
 */
export const registerReport: RegisterCommand = (program: Command) => {
  program
    .command("report")
    .description("write the transparency report (JSON, Markdown or a self-contained HTML page)")
    .option("--purpose <purpose>", "only this purpose (default: every purpose with runs)")
    .option("--from <when>", "runs with as-of from this instant or date (inclusive)")
    .option("--until <when>", "runs with as-of before this instant or date (exclusive)")
    .option("--format <format>", "json, md or html", "json")
    .option("--out <file>", "where to write it")
    .option("--data-dir <dir>", "TrainGate's data directory (default .traingate/)")
    .option("--database <url>", "ledger URL (default: the SQLite file in the data directory)")
    .addHelpText(
      "after",
      "\nExample:\n  $ traingate report --purpose genai_training --from 2025-01-01 --until 2026-01-01 --format html --out report.html",
    )
    .action(async (opts: ReportOptions) => {
      const format = opts.format ?? "json";
      if (!(FORMATS as readonly string[]).includes(format))
        throw new TrainGateError("TG_E_USAGE", `--format must be one of ${FORMATS.join(", ")}`);
      if (opts.out === undefined) throw new TrainGateError("TG_E_USAGE", "--out FILE is required");
      const purpose = opts.purpose === undefined ? undefined : parsePurpose(opts.purpose);
      const from = instant("--from", opts.from);
      const until = instant("--until", opts.until);
      if (from !== undefined && until !== undefined && until <= from)
        throw new TrainGateError("TG_E_USAGE", "--until must be after --from");
      const now = systemClock();
      const report = await withLineage(opts, async ({ lineage, ledger }) =>
        transparencyReport(
          lineage,
          await ledger.optOutStats(until ?? now),
          { purpose, from, until },
          now,
        ),
      );
      const text =
        format === "json"
          ? `${JSON.stringify(report, null, 2)}\n`
          : format === "md"
            ? reportMarkdown(report)
            : reportHtml(report);
      writeFileSync(opts.out, text);
      out(`wrote ${opts.out} (${format}, ${report.purposes.length} purpose(s))`);
    });
};
