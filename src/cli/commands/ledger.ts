import { existsSync } from "node:fs";
import { userInfo } from "node:os";
import type { Command } from "commander";
import { TrainGateError } from "../../errors.js";
import { formatOf } from "../../export/file-format.js";
import { loadMembers } from "../../export/load-export.js";
import { importConsentFile } from "../../ledger/import-file.js";
import { formatInstant } from "../../policy/time.js";
import type { RegisterCommand } from "../command.js";
import { out } from "../command.js";
import { type LedgerLocation, withLedger, withLedgerOptions } from "../ledger-location.js";

interface ImportOptions extends LedgerLocation {
  members?: string;
  json?: boolean;
}

interface EraseOptions extends LedgerLocation {
  member?: string;
  reason?: string;
  json?: boolean;
}

/** Who the CLI writes as, in the audit log. */
export function cliActor(): string {
  let name = "unknown";
  try {
    name = userInfo().username;
  } catch {
    // Some containers have no passwd entry for the uid; the audit entry still says "cli".
  }
  return `cli:${name}`;
}

/** `traingate ledger import|status|erase`: the consent ledger from the command line. */
export const registerLedger: RegisterCommand = (program: Command) => {
  const ledger = program
    .command("ledger")
    .description("the consent ledger: import events, show its status, erase a member")
    .addHelpText(
      "after",
      "\nExamples:\n  $ traingate ledger import consent.jsonl --members members.jsonl\n  $ traingate ledger status --data-dir .traingate/demo",
    );

  withLedgerOptions(
    ledger
      .command("import")
      .description(
        "import consent_events (JSONL, CSV or Parquet) in one transaction; importing the same rows again adds nothing",
      )
      .argument("<file>", "consent_events file (.jsonl, .jsonl.gz, .csv or .parquet)")
      .option("--members <file>", "also load members (id, country) for region aggregates")
      .option("--json", "print the result as JSON"),
  )
    .addHelpText(
      "after",
      `
Example:
  $ traingate ledger import consent.jsonl --members members.jsonl
A bad row fails the whole import (exit 2, naming file:line) and nothing is imported.`,
    )
    .action(async (file: string, opts: ImportOptions) => {
      // Check the inputs before touching (or creating) the ledger: the file's type and
      // existence, then the whole members file.
      formatOf(file);
      if (!existsSync(file)) {
        throw new TrainGateError("TG_E_NOT_FOUND", `${file}: no such file`, { file });
      }
      const members = opts.members === undefined ? [] : await loadMembers(opts.members);
      await withLedger(
        opts,
        async (store) => {
          const result = await importConsentFile(store, file, {
            actor: cliActor(),
            requestId: null,
          });
          if (members.length > 0) {
            await store.upsertMembers(members.map((m) => ({ id: m.id, country: m.country })));
          }
          if (opts.json) {
            out(JSON.stringify({ file, ...result, members: members.length }));
            return;
          }
          out(
            `imported ${result.inserted} new events from ${file} (${result.rows} rows; ${result.duplicates} already in the ledger; ${result.erased} of erased members skipped)`,
          );
          if (members.length > 0) out(`loaded ${members.length} members from ${opts.members}`);
          out(`last feed position: ${result.lastPosition}`);
        },
        { mustExist: false },
      );
    });

  withLedgerOptions(
    ledger
      .command("status")
      .description("counts of events, members, states, erasures, documents and audit entries")
      .addHelpText(
        "after",
        "\nExamples:\n  $ traingate ledger status\n  $ traingate ledger status --database postgres://traingate@db/traingate --json",
      )
      .option("--json", "print the status as JSON"),
  ).action(async (opts: LedgerLocation & { json?: boolean }) => {
    await withLedger(
      opts,
      async (store) => {
        const s = await store.status();
        if (opts.json) {
          out(JSON.stringify(s));
          return;
        }
        out(`backend:        ${s.backend} (schema ${s.schemaVersion})`);
        out(`events:         ${s.events} (last position ${s.lastPosition})`);
        out(`members:        ${s.members}`);
        out(`states:         ${s.states}`);
        out(`erased members: ${s.erasedMembers}`);
        out(`documents:      ${s.documents}`);
        out(`audit entries:  ${s.auditEntries}`);
      },
      { mustExist: true },
    );
  });

  withLedgerOptions(
    ledger
      .command("erase")
      .description(
        "GDPR art. 17 erasure: remove a member's personal data and leave a tombstone that denies every purpose",
      )
      .option("--member <id>", "the member id")
      .option("--reason <text>", "why (e.g. the request's ticket); kept in the audit log")
      .option("--json", "print the result as JSON"),
  )
    .addHelpText(
      "after",
      `
Example:
  $ traingate ledger erase --member m-1042 --reason "DSR ticket 8812"
See docs/ledger.md for what is removed and what is kept.`,
    )
    .action(async (opts: EraseOptions) => {
      if (opts.member === undefined || opts.member === "") {
        throw new TrainGateError("TG_E_USAGE", "--member ID is required");
      }
      if (opts.reason === undefined || opts.reason.trim() === "") {
        throw new TrainGateError("TG_E_USAGE", "--reason TEXT is required (kept in the audit log)");
      }
      const member = opts.member;
      const reason = opts.reason;
      await withLedger(
        opts,
        async (store) => {
          const r = await store.eraseMember(member, reason, {
            actor: cliActor(),
            requestId: null,
          });
          if (opts.json) {
            out(JSON.stringify(r));
            return;
          }
          out(`erased member ${member} at ${formatInstant(r.erasedAt)}`);
          out(
            `tombstones (deny): ${r.tombstones.map((t) => `${t.purpose}@p${t.position}`).join(", ")}`,
          );
          out(
            `removed: ${r.removed.eventContexts} request records, ${r.removed.notices} notices and acceptances, ${r.removed.idempotentResponses} stored responses, the member's country`,
          );
        },
        { mustExist: true },
      );
    });
};
