/**
 * `traingate --help` and every subcommand's help are complete: each command, groups
 * included, has a description and an "Example" section, and every option says what it is.
 * The program is walked as registered, so a command added later is held to the same bar.
 */
import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { buildProgram } from "../../src/cli/main.js";

/** Every command below `root`, depth first, with its full name (`policy diff`). */
function walk(root: Command, prefix: string[] = []): { name: string; cmd: Command }[] {
  const out: { name: string; cmd: Command }[] = [];
  for (const cmd of root.commands) {
    const path = [...prefix, cmd.name()];
    out.push({ name: path.join(" "), cmd }, ...walk(cmd, path));
  }
  return out;
}

/** The help text exactly as `--help` prints it, including text added before and after. */
function helpOf(cmd: Command): string {
  let text = "";
  cmd.configureOutput({
    writeOut: (s) => {
      text += s;
    },
    writeErr: (s) => {
      text += s;
    },
  });
  cmd.outputHelp();
  return text;
}

const program = await buildProgram();

describe("CLI help", () => {
  const commands = walk(program);

  it("has a top-level help with a description and examples", () => {
    const help = helpOf(program);
    expect(program.description().length).toBeGreaterThan(20);
    expect(help).toMatch(/Examples?:/);
    for (const { cmd } of commands.filter((c) => !c.name.includes(" ")))
      expect(help).toContain(cmd.name());
  });

  it("registers the commands a user reads about in the README", () => {
    const names = commands.map((c) => c.name);
    for (const name of [
      "build",
      "compile",
      "explain",
      "policy check",
      "serve",
      "demo generate",
      "demo start",
    ])
      expect(names).toContain(name);
  });

  it.each(commands.map((c) => [c.name, c.cmd] as const))(
    "traingate %s --help has a description, an example and described options",
    (_name, cmd) => {
      expect(cmd.description().trim().length).toBeGreaterThan(10);
      const help = helpOf(cmd);
      expect(help).toMatch(/\bExamples?:/);
      expect(help).toContain("traingate");
      for (const option of cmd.options)
        expect(option.description.trim(), option.flags).not.toBe("");
    },
  );
});

describe("CLI start-up", () => {
  it("loads only the named command's module, and every command otherwise", async () => {
    const only = await buildProgram(["build", "--help"]);
    expect(only.commands.map((c) => c.name())).toEqual(["build"]);
    const all = await buildProgram(["help"]);
    expect(all.commands.map((c) => c.name())).toEqual(program.commands.map((c) => c.name()));
    expect((await buildProgram(["--version"])).commands).toEqual([]);
    expect((await buildProgram(["no-such-command"])).commands.length).toBe(program.commands.length);
  });
});
