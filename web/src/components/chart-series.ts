/** One named series of a chart: one value per category, in category order. */
export interface ChartSeries {
  readonly name: string;
  readonly values: readonly number[];
}

/**
 * Series colours: each has at least 3:1 contrast against the white chart background
 * (WCAG 1.4.11, non-text contrast) and they differ in lightness, not only in hue.
 */
export const SERIES_COLOURS = ["#1f5fbf", "#b3401a", "#2e7d32", "#6a3d9a", "#8a6d00", "#00707a"];

/**
 * A "nice" axis maximum at or above `max` (1, 2, 2.5 or 5 times a power of ten). For counts
 * (`integer`), a multiple of 4 so the five ticks at quarters are whole numbers.
 */
export function niceMax(max: number, integer = false): number {
  if (max <= 0) return integer ? 4 : 1;
  const p = 10 ** Math.floor(Math.log10(max));
  let nice = 10 * p;
  for (const m of [1, 2, 2.5, 5, 10]) {
    if (m * p >= max) {
      nice = m * p;
      break;
    }
  }
  return integer && nice % 4 !== 0 ? Math.ceil(nice / 4) * 4 : nice;
}

/** The axis maximum of a chart: the given one, else a nice value above the data. */
export function axisMax(chart: ChartProps): number {
  if (chart.max !== undefined) return chart.max;
  const values = chart.series.flatMap((s) => s.values);
  return niceMax(Math.max(0, ...values), values.every(Number.isInteger));
}

/** The props every chart takes. */
export interface ChartProps {
  readonly title: string;
  readonly description: string;
  readonly categoryLabel: string;
  readonly valueLabel: string;
  readonly categories: readonly string[];
  readonly series: readonly ChartSeries[];
  readonly format?: (n: number) => string;
  /** Extra columns for the table alternative only (e.g. the counts behind a rate). */
  readonly tableColumns?: readonly { readonly name: string; readonly cells: readonly string[] }[];
  /** Fixed value-axis maximum (e.g. 1 for rates); otherwise a nice value above the data. */
  readonly max?: number;
}
