import type { Command } from "commander";
import { TrainGateError } from "../../errors.js";
import { ledgerFeed } from "../../lineage/ledger-feed.js";
import { recomputeObligations } from "../../lineage/obligation-feed.js";
import {
  CLOSING_STATUSES,
  type ClosingStatus,
  OBLIGATION_STATUSES,
  type ObligationStatus,
} from "../../lineage/obligation-status.js";
import { withLineage } from "../../lineage/open-lineage.js";
import { formatInstant } from "../../policy/time.js";
import type { RegisterCommand } from "../command.js";
import { out } from "../command.js";

interface Where {
  dataDir?: string;
  database?: string;
}

function where(cmd: Command): Command {
  return cmd
    .option("--data-dir <dir>", "TrainGate's data directory (default .traingate/)")
    .option("--database <url>", "ledger URL (default: the SQLite file in the data directory)");
}

function positiveInt(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new TrainGateError(
      "TG_E_USAGE",
      `${flag} must be a positive integer (got ${JSON.stringify(value)})`,
    );
  return n;
}

/**
 * `traingate obligations list|resolve|recompute`: the queue of what the platform owes members
 * who opted out after their content went into a run. Every command first applies the
 * ledger's new changes, so the queue is current.
 */
export const registerObligations: RegisterCommand = (program: Command) => {
  const cmd = program
    .command("obligations")
    .description("obligations opened when a member in a past run turns to deny")
    .addHelpText(
      "after",
      '\nExamples:\n  $ traingate obligations list --status open\n  $ traingate obligations resolve 17 --status retrained --reason "assistant 2025.2 trained without them"',
    );
  where(
    cmd
      .command("list")
      .description("list obligations (oldest first)")
      .addHelpText(
        "after",
        "\nExamples:\n  $ traingate obligations list --status open --limit 20\n  $ traingate obligations list --member m000042 --json",
      )
      .option("--status <status>", `one of ${OBLIGATION_STATUSES.join(", ")}`)
      .option("--member <id>", "only this member's")
      .option("--run <runId>", "only this run's")
      .option("--limit <n>", "at most n")
      .option("--json", "print JSON"),
  ).action(
    async (
      opts: Where & {
        status?: string;
        member?: string;
        run?: string;
        limit?: string;
        json?: boolean;
      },
    ) => {
      if (
        opts.status !== undefined &&
        !(OBLIGATION_STATUSES as readonly string[]).includes(opts.status)
      )
        throw new TrainGateError(
          "TG_E_USAGE",
          `--status must be one of ${OBLIGATION_STATUSES.join(", ")}`,
        );
      const limit = positiveInt("--limit", opts.limit);
      const list = await withLineage(opts, ({ lineage }) =>
        lineage.listObligations({
          ...(opts.status === undefined ? {} : { status: opts.status as ObligationStatus }),
          ...(opts.member === undefined ? {} : { memberId: opts.member }),
          ...(opts.run === undefined ? {} : { runId: opts.run }),
          ...(limit === undefined ? {} : { limit }),
        }),
      );
      if (opts.json) return out(JSON.stringify(list, null, 2));
      if (list.length === 0) return out("no obligations");
      for (const o of list)
        out(
          `#${o.id}  ${o.status.padEnd(13)} member ${o.memberId}  run ${o.runId} (${o.purpose})  opted out ${formatInstant(o.triggerAt)}${o.reason === null ? "" : `  reason: ${o.reason}`}`,
        );
    },
  );
  where(
    cmd
      .command("resolve")
      .description("close an open obligation, or every open obligation of a run (--run)")
      .addHelpText(
        "after",
        '\nExamples:\n  $ traingate obligations resolve 17 --status not_required --reason "run never used for a model"\n  $ traingate obligations resolve --run run-2025-06 --status retrained --reason "model v3 retrained on run-2025-09"',
      )
      .argument("[id]", "the obligation id")
      .option("--run <runId>", "instead of one id: every open obligation of this run")
      .requiredOption("--status <status>", CLOSING_STATUSES.join(" | "))
      .requiredOption("--reason <text>", "what was done, or why nothing was needed"),
  ).action(
    async (
      id: string | undefined,
      opts: Where & { status: string; reason: string; run?: string },
    ) => {
      if (!(CLOSING_STATUSES as readonly string[]).includes(opts.status))
        throw new TrainGateError(
          "TG_E_USAGE",
          `--status must be one of ${CLOSING_STATUSES.join(", ")}`,
        );
      if ((id === undefined) === (opts.run === undefined))
        throw new TrainGateError("TG_E_USAGE", "give either an obligation id or --run RUN_ID");
      if (opts.run !== undefined) {
        const runId = opts.run;
        const done = await withLineage(opts, async ({ lineage, ledger }) => {
          const r = await lineage.resolveRunObligations(
            runId,
            opts.status as ClosingStatus,
            opts.reason,
          );
          await ledger.appendAudit({
            actor: "cli",
            action: "obligation.resolve_run",
            subject: `run:${runId}`,
            requestId: null,
            details: { status: opts.status, reason: opts.reason, resolved: r.resolved },
          });
          return r;
        });
        return out(
          `${done.resolved} open obligation${done.resolved === 1 ? "" : "s"} of run ${done.runId} now ${opts.status}`,
        );
      }
      const n = positiveInt("<id>", id)!;
      const o = await withLineage(opts, async ({ lineage, ledger }) => {
        const done = await lineage.resolveObligation(n, opts.status as ClosingStatus, opts.reason);
        await ledger.appendAudit({
          actor: "cli",
          action: "obligation.resolve",
          subject: `obligation:${n}`,
          requestId: null,
          details: {
            status: done.status,
            reason: opts.reason,
            member: done.memberId,
            run: done.runId,
          },
        });
        return done;
      });
      out(`obligation #${o.id} is now ${o.status}`);
    },
  );
  where(
    cmd
      .command("recompute")
      .description(
        "recompute every obligation from the whole feed and compare with the stored ones",
      )
      .addHelpText(
        "after",
        "\nExamples:\n  $ traingate obligations recompute           # report only\n  $ traingate obligations recompute --apply   # insert the missing ones",
      )
      .option("--apply", "insert the missing ones"),
  ).action(async (opts: Where & { apply?: boolean }) => {
    const r = await withLineage(opts, ({ lineage, ledger }) =>
      recomputeObligations(lineage, ledgerFeed(ledger), { apply: opts.apply === true }),
    );
    out(
      `${r.expected.length} expected, ${r.missing.length} missing${opts.apply ? " (inserted)" : ""}, ${r.extra.length} extra`,
    );
    if (r.missing.length > 0 && !opts.apply)
      throw new TrainGateError(
        "TG_E_VERIFY_FAILED",
        "stored obligations are missing some; rerun with --apply",
      );
  });
};
