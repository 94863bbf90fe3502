#!/usr/bin/env node
// Entry point of the `traingate` command: runs the compiled CLI (dist/, built by `npm install`
// through the `prepare` script, or by `npm run build`).
import { existsSync } from "node:fs";

// A closed pipe (`traingate ... | head`) is a normal way to stop reading, not a failure.
process.stdout.on("error", (e) => {
  if (e.code === "EPIPE") process.exit(0);
  throw e;
});

const entry = new URL("../dist/cli/main.js", import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write("traingate: not built yet; run `npm install` or `npm run build` first\n");
  process.exit(1);
}
const { main } = await import(entry.href);
const code = await main(process.argv.slice(2));
process.exitCode = code;
