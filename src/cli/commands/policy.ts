import type { Command } from "commander";
import { loadPolicyFile, loadPreset, presetNames } from "../../config/load-policy.js";
import { loadExport } from "../../export/load-export.js";
import { canonicalPolicyText, policyHash } from "../../policy/canonical-policy.js";
import { describePolicy, diffPolicies } from "../../policy/describe-policy.js";
import { countChanges, type StatusChanges } from "../../policy/evaluate/count-changes.js";
import type { Policy } from "../../policy/model.js";
import type { RegisterCommand } from "../command.js";
import { out } from "../command.js";
import { consentFromLedger } from "../consent-from-ledger.js";
import { parseAsOf, parsePurpose, withExportOptions } from "../options.js";

/** The what-if counting lives in the policy core (shared with the API); re-exported for callers of this module. */
export { countChanges, type StatusChanges } from "../../policy/evaluate/count-changes.js";

/** A preset name or a policy file path. */
function policyRef(ref: string): Policy {
  return presetNames().includes(ref) ? loadPreset(ref) : loadPolicyFile(ref);
}

/** `traingate policy check|show|diff`. */
export const registerPolicy: RegisterCommand = (program: Command) => {
  const policy = program
    .command("policy")
    .description("check, show and compare policies")
    .addHelpText(
      "after",
      "\nExamples:\n  $ traingate policy show recommended\n  $ traingate policy check examples/policies/acme-2025.yaml\n  $ traingate policy diff recommended meta-2024",
    );

  policy
    .command("check")
    .argument("<file>", "a policy file (YAML)")
    .description("validate a policy file and print its canonical sha256")
    .addHelpText(
      "after",
      "\nExamples:\n  $ traingate policy check examples/policies/acme-2025.yaml\n  $ traingate policy check my-policy.yaml --canonical",
    )
    .option("--canonical", "also print the canonical form")
    .action((file: string, opts: { canonical?: boolean }) => {
      const p = loadPolicyFile(file);
      out(`${file}: ok — policy ${p.name}, sha256 ${policyHash(p)}`);
      if (opts.canonical) out(canonicalPolicyText(p));
    });

  policy
    .command("show")
    .argument("[preset]", "a preset name or policy file; without it, the list of presets")
    .option("--json", "print the canonical form as JSON")
    .description("describe a preset or policy in words")
    .addHelpText(
      "after",
      "\nExamples:\n  $ traingate policy show                      # the list of presets\n  $ traingate policy show linkedin-2024\n  $ traingate policy show my-policy.yaml --json",
    )
    .action((ref: string | undefined, opts: { json?: boolean }) => {
      if (ref === undefined) {
        for (const name of presetNames()) out(`${name.padEnd(15)} ${loadPreset(name).title}`);
        return;
      }
      const p = policyRef(ref);
      if (opts.json)
        out(
          JSON.stringify({ ...JSON.parse(canonicalPolicyText(p)), sha256: policyHash(p) }, null, 2),
        );
      else for (const line of [...describePolicy(p), "", `sha256 ${policyHash(p)}`]) out(line);
    });

  const diff = policy
    .command("diff")
    .argument("<a>", "a preset name or policy file")
    .argument("<b>", "a preset name or policy file")
    .description(
      "what differs between two policies; with an export, how many items change status and why",
    )
    .option("--purpose <purpose>", "the purpose to count", "genai_training")
    .option("--as-of <timestamp>", "the instant T, when counting on an export")
    .option("--json", "print the counts as JSON");
  withExportOptions(diff);
  diff.addHelpText(
    "after",
    `
Examples:
  $ traingate policy diff recommended meta-2024
  $ traingate policy diff recommended meta-2024 --as-of 2025-01-01T00:00:00Z \\
      --members members.jsonl --items items.jsonl --consent consent.jsonl`,
  );
  diff.action(
    async (
      refA: string,
      refB: string,
      opts: {
        purpose?: string;
        asOf?: string;
        members?: string;
        items?: string;
        consent?: string;
        json?: boolean;
      },
    ) => {
      const a = policyRef(refA);
      const b = policyRef(refB);
      const rules = diffPolicies(a, b);
      let changes: StatusChanges | null = null;
      if (opts.members !== undefined || opts.items !== undefined) {
        const purpose = parsePurpose(opts.purpose);
        const asOf = parseAsOf(opts.asOf);
        const data = await loadExport({
          members: opts.members ?? "",
          items: opts.items ?? "",
          consent: opts.consent,
        });
        const events = opts.consent === undefined ? await consentFromLedger({}) : data.events;
        changes = countChanges(a, b, purpose, asOf, data.items, data.members, events);
      }
      if (opts.json) {
        out(JSON.stringify({ a: a.name, b: b.name, rules, changes }, null, 2));
        return;
      }
      out(`${a.name} → ${b.name}`);
      if (rules.length === 0) out("  the two policies' rules are the same");
      for (const line of rules) out(`  - ${line}`);
      if (changes !== null) {
        out("");
        out(
          `On this export (${changes.items} items): ${changes.includedA} included under ${a.name}, ${changes.includedB} under ${b.name}.`,
        );
        const lost = Object.entries(changes.lostByReason);
        const gained = Object.entries(changes.gainedByReason);
        if (lost.length > 0) {
          out(
            `  ${lost.reduce((s, [, n]) => s + n, 0)} items used under ${a.name} would be excluded under ${b.name}:`,
          );
          for (const [r, n] of lost) out(`    ${String(n).padStart(9)}  ${r}`);
        }
        if (gained.length > 0) {
          out(
            `  ${gained.reduce((s, [, n]) => s + n, 0)} items excluded under ${a.name} would be used under ${b.name} (their ${a.name} reason):`,
          );
          for (const [r, n] of gained) out(`    ${String(n).padStart(9)}  ${r}`);
        }
        out(
          `  by region (lost / gained): ${
            Object.entries(changes.byRegion)
              .map(([g, [l, w]]) => `${g} ${l}/${w}`)
              .join(", ") || "no change"
          }`,
        );
        out(`  members whose content changes status: ${changes.membersChanged}`);
      }
    },
  );
};
