import { createInterface } from "node:readline";
import type { Command } from "commander";
import { loadPolicyOption } from "../../config/load-policy.js";
import { badInput, TrainGateError } from "../../errors.js";
import { loadMembers } from "../../export/load-export.js";
import { RedactionPool } from "../../redact/redaction-pool.js";
import { createRedactor } from "../../redact/redactor.js";
import { locateTextField } from "../../redact/text-field.js";
import type { RegisterCommand } from "../command.js";
import { withPolicyOptions } from "../options.js";

interface RedactOptions {
  preset?: string;
  policy?: string;
  members?: string;
  threads?: string;
}

/** Lines per batch: the unit of validation, redaction and output. */
const BATCH = 4096;

function parseThreads(value: string | undefined): number {
  if (value === undefined) return 1;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256) {
    throw new TrainGateError(
      "TG_E_USAGE",
      `--threads ${JSON.stringify(value)} must be a whole number from 1 to 256`,
    );
  }
  return n;
}

/** A parsed input line: the raw line and where its `text` string is, if it has one. */
interface Line {
  readonly raw: string;
  readonly text: string | null;
  readonly at: { start: number; end: number } | null;
}

function parseLine(raw: string, lineNo: number): Line {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (e) {
    throw badInput("stdin", lineNo, `not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw badInput("stdin", lineNo, "expected a JSON object with a text field");
  }
  const text = (value as Record<string, unknown>).text;
  if (typeof text !== "string") return { raw, text: null, at: null };
  return { raw, text, at: locateTextField(raw) };
}

/** `traingate redact`: JSON Lines in, the same lines with `text` redacted out. */
export const registerRedact: RegisterCommand = (program: Command) => {
  const cmd = program
    .command("redact")
    .description(
      "redact PII in the text field of JSON Lines read from stdin, written to stdout in order",
    )
    .option("--members <path>", "members table whose display names are redacted as [PERSON]")
    .option("--threads <n>", "worker threads (default 1: no workers)");
  withPolicyOptions(cmd);
  cmd.addHelpText(
    "after",
    `
Every input line must be a JSON object; its "text" string comes out with PII replaced by
[EMAIL], [PHONE], [URL], [HANDLE], [IP], [CARD], [IBAN], [ID], [ADDRESS] or [PERSON]; every
other field is passed through byte for byte. Which types are redacted comes from the
policy's redact: block (all of them without --policy/--preset).

Example:
  $ traingate redact --preset recommended --members members.jsonl < posts.jsonl > clean.jsonl`,
  );
  cmd.action(async (opts: RedactOptions) => {
    const enabled =
      opts.preset === undefined && opts.policy === undefined ? {} : loadPolicyOption(opts).redact;
    const threads = parseThreads(opts.threads);
    const memberNames =
      opts.members === undefined
        ? []
        : (await loadMembers(opts.members)).flatMap((m) =>
            m.displayName === null ? [] : [m.displayName],
          );
    const options = { memberNames, enabled };
    const pool = threads > 1 ? await RedactionPool.create({ ...options, threads }) : null;
    const single = pool === null ? createRedactor(options) : null;
    const redactAll = async (texts: (string | null)[]): Promise<(string | null)[]> =>
      pool !== null
        ? pool.redactMany(texts)
        : texts.map((t) => (t === null ? null : single!.redact(t)));

    const flush = async (lines: Line[]): Promise<void> => {
      const redacted = await redactAll(lines.map((l) => l.text));
      let out = "";
      lines.forEach((l, k) => {
        const r = redacted[k];
        out +=
          l.at === null || r === null || r === undefined
            ? `${l.raw}\n`
            : `${l.raw.slice(0, l.at.start)}${JSON.stringify(r)}${l.raw.slice(l.at.end)}\n`;
      });
      if (!process.stdout.write(out)) {
        await new Promise<void>((resolve) => process.stdout.once("drain", () => resolve()));
      }
    };

    try {
      const rl = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
      let batch: Line[] = [];
      let lineNo = 0;
      for await (const raw of rl) {
        lineNo++;
        batch.push(parseLine(raw, lineNo));
        if (batch.length >= BATCH) {
          await flush(batch);
          batch = [];
        }
      }
      if (batch.length > 0) await flush(batch);
    } finally {
      await pool?.close();
    }
  });
};
