/**
 * The `traingate` CLI: builds the program from one module per command and maps every error
 * through the catalogue to an exit code (0 ok, 2 bad input or usage, 1 anything else).
 */
import { Command, CommanderError } from "commander";
import { TrainGateError } from "../errors.js";
import { err } from "./command.js";
import { COMMANDS, type CommandEntry } from "./commands/index.js";

/**
 * The commands `argv` needs: only the named one when the first word names a command (its
 * module graph alone is imported), every one for help, `--version` or anything else.
 */
function needed(argv: readonly string[] | undefined): readonly CommandEntry[] {
  const first = argv?.[0];
  if (first === "--version" || first === "-V") return [];
  const named = COMMANDS.find((c) => c.name === first);
  return named === undefined ? COMMANDS : [named];
}

/**
 * Builds the commander program with the commands `argv` needs registered (see `needed`);
 * without `argv`, every command.
 */
export async function buildProgram(argv?: readonly string[]): Promise<Command> {
  const registers = await Promise.all(needed(argv).map((c) => c.load()));
  const program = new Command("traingate")
    .description(
      "The gate between people's data and AI training: decide, build and prove which content may train a model.",
    )
    .version("0.1.0")
    .showHelpAfterError()
    .exitOverride();
  for (const register of registers) register(program);
  program.addHelpText(
    "after",
    `
Examples:
  $ traingate demo start          # what npm start runs: a demo platform, its first dataset, the privacy center
  $ traingate policy show recommended
  $ traingate explain --preset recommended --purpose genai_training --as-of 2025-01-01T00:00:00Z \\
      --members members.jsonl --items items.jsonl --consent consent.jsonl --item item-42
  $ traingate build --preset recommended --purpose genai_training --as-of 2025-01-01T00:00:00Z \\
      --members members.parquet --items items.parquet --consent consent.parquet --out out/run-1

Exit codes: 0 success, 2 bad input or usage (the message says what and where), 1 any other failure.`,
  );
  return program;
}

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    const program = await buildProgram(argv);
    await program.parseAsync([...argv], { from: "user" });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (
        e.code === "commander.helpDisplayed" ||
        e.code === "commander.version" ||
        e.exitCode === 0
      )
        return 0;
      return 2;
    }
    if (e instanceof TrainGateError) {
      err(`traingate: ${e.message} [${e.code}]`);
      return e.exitCode;
    }
    err(`traingate: unexpected failure: ${(e as Error)?.stack ?? String(e)} [TG_E_INTERNAL]`);
    return 1;
  }
}
