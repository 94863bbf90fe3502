import type { Command } from "commander";

/** A CLI command module: adds its subcommand(s) to the program. One file per command. */
export type RegisterCommand = (program: Command) => void;

/** Writes a line to stdout. Commands print through this and `err`, never console.*. */
export function out(line = ""): void {
  process.stdout.write(`${line}\n`);
}

/** Writes a line to stderr. */
export function err(line = ""): void {
  process.stderr.write(`${line}\n`);
}
