/** One benchmark of `npm run bench`: it measures, compares with its peer, and returns Markdown. */
export interface Benchmark {
  /** Short name, used on the command line (`npm run bench -- NAME`) and as the section key. */
  readonly name: string;
  readonly title: string;
  /** Runs the measurement; returns the Markdown body of its section in BENCHMARKS.md. */
  run(): Promise<string>;
}

/** Peak resident set size so far (bytes), from the kernel's high-water mark. */
export function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

/** Formats a number with thousands separators. */
export function fmt(n: number, digits = 0): string {
  return n.toLocaleString("en-US", {
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  });
}

/** Median of a list of numbers. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
