import type { Command } from "commander";
import { loadPolicyOption } from "../../config/load-policy.js";
import { TrainGateError } from "../../errors.js";
import { loadExport } from "../../export/load-export.js";
import { policyHash } from "../../policy/canonical-policy.js";
import { REASON_TEXT } from "../../policy/domain.js";
import { decideItem } from "../../policy/evaluate/decide-item.js";
import { regionKeys } from "../../policy/regions.js";
import { formatInstant } from "../../policy/time.js";
import type { RegisterCommand } from "../command.js";
import { out } from "../command.js";
import { consentFromLedger } from "../consent-from-ledger.js";
import {
  parseAsOf,
  parsePurpose,
  required,
  withExportOptions,
  withPolicyOptions,
} from "../options.js";

interface ExplainOptions {
  item?: string;
  preset?: string;
  policy?: string;
  purpose?: string;
  asOf?: string;
  members?: string;
  items?: string;
  consent?: string;
  json?: boolean;
  dataDir?: string;
  database?: string;
}

/** `traingate explain`: may this item train for this purpose at T, and if not, why? */
export const registerExplain: RegisterCommand = (program: Command) => {
  const cmd = program
    .command("explain")
    .description(
      "explain the decision for one item: every reason, the regime in force, the consent events that mattered",
    )
    .requiredOption("--item <id>", "the item id")
    .option("--purpose <purpose>", "the purpose", "genai_training")
    .option("--as-of <timestamp>", "the instant T (RFC 3339)")
    .option("--json", "print the decision as JSON")
    .option("--data-dir <dir>", "TrainGate's data directory (for the ledger)")
    .option("--database <url>", "the ledger database URL");
  withPolicyOptions(cmd);
  withExportOptions(cmd);
  cmd.addHelpText(
    "after",
    `
Example:
  $ traingate explain --preset recommended --as-of 2025-01-01T00:00:00Z \\
      --members members.jsonl --items items.jsonl --consent consent.jsonl --item post-17`,
  );
  cmd.action(async (opts: ExplainOptions) => {
    const policy = loadPolicyOption(opts);
    const purpose = parsePurpose(opts.purpose);
    const asOf = parseAsOf(opts.asOf);
    const data = await loadExport({
      members: required(opts.members, "--members"),
      items: required(opts.items, "--items"),
      consent: opts.consent,
    });
    const events =
      opts.consent === undefined
        ? await consentFromLedger({ dataDir: opts.dataDir, database: opts.database })
        : data.events;
    const item = data.items.find((i) => i.id === opts.item);
    if (item === undefined) {
      throw new TrainGateError(
        "TG_E_NOT_FOUND",
        `item ${JSON.stringify(opts.item)} is not in ${opts.items}`,
        { item: opts.item },
      );
    }
    const member = data.members.find((m) => m.id === item.authorId);
    const mine = events.filter((e) => e.memberId === item.authorId && e.purpose === purpose);
    const d = decideItem({ item, member, events: mine, policy, purpose, asOf });
    if (opts.json) {
      out(
        JSON.stringify(
          {
            item: d.itemId,
            author: item.authorId,
            purpose,
            as_of: formatInstant(asOf),
            policy: { name: policy.name, sha256: policyHash(policy) },
            included: d.included,
            reason: d.reason,
            reasons: d.reasons,
            country: d.country,
            region_key: d.regionKey,
            regime: d.regime,
            consent_state: d.state,
            deciding_event: d.stateEvent && { ...d.stateEvent, at: formatInstant(d.stateEvent.at) },
            events: mine.map((e) => ({ ...e, at: formatInstant(e.at), visible: e.at <= asOf })),
          },
          null,
          2,
        ),
      );
      return;
    }
    out(
      `Item ${d.itemId} by member ${item.authorId ?? "(none)"}: ${d.included ? "INCLUDED" : "EXCLUDED"}`,
    );
    out(
      `  purpose ${purpose}, as of ${formatInstant(asOf)}, policy ${policy.name} (sha256 ${policyHash(policy).slice(0, 16)}…)`,
    );
    if (!d.included) {
      out(`  counted under: ${d.reason}`);
      out("  every reason that applies:");
      for (const r of d.reasons) out(`    - ${r}: ${REASON_TEXT[r]}`);
    }
    if (member !== undefined) {
      const keys = regionKeys(member.country);
      out(
        `  region: ${d.country ?? `unknown (country ${JSON.stringify(member.country)})`}${keys.length > 1 ? ` (${keys.slice(1).join(", ")})` : ""}`,
      );
      out(
        `  regime in force: ${d.regime ?? "none (no rule)"}${d.regionKey ? ` via the policy's ${d.regionKey} rule` : ""}`,
      );
      out(`  consent state: ${d.state ?? "no choice recorded"}`);
    }
    if (mine.length > 0) {
      out("  consent events for this purpose:");
      for (const e of [...mine].sort((a, b) => a.at - b.at)) {
        const mark =
          e === d.stateEvent ? "  <- decides" : e.at > asOf ? "  (after as-of: not visible)" : "";
        out(`    ${formatInstant(e.at)} ${e.choice} via ${e.source}${mark}`);
      }
    }
  });
};
