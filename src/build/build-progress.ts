/**
 * Progress of a build on a terminal: one cli-progress bar per stage with rows/s and ETA,
 * polling DuckDB's own query progress while a query runs. Silent with `--quiet` or when
 * stderr is not a TTY; the summary table is the CLI's to print.
 * With the environment variable `TRAINGATE_BUILD_TIMING=1`, each stage also writes one line
 * to stderr with its wall and process CPU time (for profiling; independent of the bars).
 * With `TRAINGATE_BUILD_PROFILE=<folder>`, DuckDB writes its JSON query profile of each
 * stage's last statement on the stage's connection to `<folder>/<stage>.json`.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import cliProgress from "cli-progress";

/** Reports stage progress; a disabled one does nothing. */
export class BuildProgress {
  private readonly enabled: boolean;

  /** `enabled` false: no output at all. */
  constructor(enabled: boolean) {
    this.enabled = enabled;
  }

  /** Progress for a terminal: enabled when stderr is a TTY and not quiet. */
  static forTerminal(quiet: boolean): BuildProgress {
    return new BuildProgress(!quiet && process.stderr.isTTY === true);
  }

  /**
   * Runs one stage. `total` is its row count when known (null: the bar shows DuckDB's percent
   * only); `run` may call `tick(rows)` as rows pass, and with `conn` the bar also follows
   * DuckDB's progress for the running query.
   */
  async stage<T>(
    name: string,
    total: number | null,
    run: (tick: (rows: number) => void) => Promise<T>,
    conn?: DuckDBConnection,
  ): Promise<T> {
    const profile = process.env["TRAINGATE_BUILD_PROFILE"];
    if (profile !== undefined && profile !== "" && conn !== undefined) {
      const file = `${profile}/${name}.json`.replaceAll("'", "''");
      await conn.run(`PRAGMA enable_profiling = 'json'; PRAGMA profiling_output = '${file}'`);
    }
    if (process.env["TRAINGATE_BUILD_TIMING"] === "1")
      return timed(name, () => this.bar(name, total, run, conn));
    return this.bar(name, total, run, conn);
  }

  private async bar<T>(
    name: string,
    total: number | null,
    run: (tick: (rows: number) => void) => Promise<T>,
    conn?: DuckDBConnection,
  ): Promise<T> {
    if (!this.enabled) return run(() => undefined);
    const started = Date.now();
    const bar = new cliProgress.SingleBar(
      {
        format:
          total === null
            ? `${name.padEnd(14)} [{bar}] {percentage}% | ETA {eta_formatted}`
            : `${name.padEnd(14)} [{bar}] {percentage}% | {value}/{total} rows | {rate} rows/s | ETA {eta_formatted}`,
        stream: process.stderr,
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 20,
      },
      cliProgress.Presets.shades_classic,
    );
    const size = total === null ? 100 : Math.max(total, 1);
    bar.start(size, 0, { rate: "0" });
    let done = 0;
    const show = (value: number): void => {
      const secs = Math.max((Date.now() - started) / 1000, 0.001);
      bar.update(Math.min(value, size), { rate: Math.round(value / secs).toLocaleString("en-US") });
    };
    const timer =
      conn === undefined
        ? null
        : setInterval(() => {
            const p = conn.progress;
            if (p.percentage >= 0) show(Math.round((p.percentage / 100) * size));
          }, 200);
    try {
      const result = await run((rows) => {
        done += rows;
        show(done);
      });
      show(size);
      return result;
    } finally {
      if (timer !== null) clearInterval(timer);
      bar.stop();
    }
  }
}

/** Runs `run` and writes its wall and CPU time (all threads of the process) to stderr. */
async function timed<T>(name: string, run: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  try {
    return await run();
  } finally {
    const c = process.cpuUsage(c0);
    process.stderr.write(
      `traingate: stage ${name}: ${((performance.now() - t0) / 1000).toFixed(2)} s wall, ${((c.user + c.system) / 1e6).toFixed(2)} s CPU\n`,
    );
  }
}
