/**
 * `npm run bench [-- NAME ...]`: runs the benchmarks (all, or those named) and rewrites their
 * sections of BENCHMARKS.md, leaving the other sections as they were. Each section records the
 * command, the machine and the date of its run.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import type { Benchmark } from "./bench.js";
import { BENCHMARKS } from "./index.js";

const FILE = new URL("../BENCHMARKS.md", import.meta.url);

function machine(): string {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model ?? "unknown CPU"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, ${process.platform}/${process.arch}`;
}

function replaceSection(doc: string, name: string, body: string): string {
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const block = `${start}\n${body.trim()}\n${end}`;
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  if (i >= 0 && j > i) return doc.slice(0, i) + block + doc.slice(j + end.length);
  return `${doc.trimEnd()}\n\n${block}\n`;
}

const wanted = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const unknown = wanted.filter((w) => !BENCHMARKS.some((b) => b.name === w));
if (unknown.length > 0) {
  process.stderr.write(
    `unknown benchmark(s): ${unknown.join(", ")}; known: ${BENCHMARKS.map((b) => b.name).join(", ")}\n`,
  );
  process.exit(2);
}
const selected: Benchmark[] =
  wanted.length === 0 ? [...BENCHMARKS] : BENCHMARKS.filter((b) => wanted.includes(b.name));
let doc = existsSync(FILE)
  ? readFileSync(FILE, "utf8")
  : "# Benchmarks\n\nWritten by `npm run bench` (all) or `npm run bench -- NAME` (one section). Targets come from the issues; each section names its peer and the ratio, measured in the same run.\n";
for (const b of selected) {
  process.stderr.write(`bench ${b.name}: ${b.title}\n`);
  const started = new Date().toISOString();
  const body = await b.run();
  const header = `## ${b.title}\n\nCommand: \`npm run bench -- ${b.name}\` · machine: ${machine()} · run ${started.slice(0, 16)}Z\n\n`;
  doc = replaceSection(doc, b.name, header + body);
  writeFileSync(FILE, doc);
  process.stderr.write(`bench ${b.name}: done\n`);
}
