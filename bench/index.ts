/** Every benchmark of `npm run bench`, in the order they run. Add new ones here. */
import { apiBenchmark } from "./api.bench.js";
import type { Benchmark } from "./bench.js";
import { buildBenchmark } from "./build.bench.js";
import { evaluatorBenchmark } from "./evaluator.bench.js";
import { ledgerBenchmark } from "./ledger.bench.js";
import { lineageBenchmark } from "./lineage.bench.js";
import { redactBenchmark } from "./redact.bench.js";

export const BENCHMARKS: readonly Benchmark[] = [
  evaluatorBenchmark,
  apiBenchmark,
  ledgerBenchmark,
  lineageBenchmark,
  buildBenchmark,
  redactBenchmark,
];
