import type { Command } from "commander";
import { TrainGateError } from "../../errors.js";
import type { RegisterCommand } from "../command.js";
import { out } from "../command.js";
import { type LedgerLocation, withLedger, withLedgerOptions } from "../ledger-location.js";

/** `traingate audit verify`: recompute the audit log's hash chain. */
export const registerAudit: RegisterCommand = (program: Command) => {
  const audit = program
    .command("audit")
    .description("the hash-chained audit log")
    .addHelpText(
      "after",
      "\nExamples:\n  $ traingate audit verify\n  $ traingate audit verify --database postgres://traingate@db/traingate --json",
    );
  withLedgerOptions(
    audit
      .command("verify")
      .description(
        "recompute every entry's hash and link; exit 0 when intact, 1 naming the first broken entry",
      )
      .addHelpText("after", "\nExamples:\n  $ traingate audit verify --data-dir .traingate/demo")
      .option("--json", "print the result as JSON"),
  ).action(async (opts: LedgerLocation & { json?: boolean }) => {
    await withLedger(
      opts,
      async (store) => {
        const r = await store.verifyAudit();
        if (opts.json) out(JSON.stringify(r));
        if (!r.ok) {
          throw new TrainGateError(
            "TG_E_VERIFY_FAILED",
            `audit log broken at entry ${r.brokenSeq}: ${r.problem} (${r.entries} entries verified before it)`,
            { brokenSeq: r.brokenSeq },
          );
        }
        if (!opts.json) {
          out(`audit log intact: ${r.entries} entries, head ${r.head}`);
          out(
            "keep the head elsewhere: a later verify that ends before it means entries were cut off",
          );
        }
      },
      { mustExist: true },
    );
  });
};
