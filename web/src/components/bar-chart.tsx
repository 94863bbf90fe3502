/**
 * An accessible horizontal bar chart in plain SVG: a title and description the screen reader
 * announces, a labelled value axis, value labels at the end of each bar, a legend when there
 * are several series, and the same numbers as a table. Horizontal bars keep long category
 * names (regions, reasons, presets) readable on a 375 px screen.
 */
import { ChartFrame } from "./chart-frame.js";
import { type ChartProps, niceMax, SERIES_COLOURS } from "./chart-series.js";

/** Props of BarChart. */
export type BarChartProps = ChartProps;

const LABEL_W = 132;
const PLOT_W = 420;
const BAR_H = 16;
const GAP = 10;
const TOP = 8;
const AXIS_H = 44;

/** Renders the chart inside a figure with its caption and data table. */
export function BarChart(props: BarChartProps) {
  const format = props.format ?? ((n: number) => String(n));
  const all = props.series.flatMap((s) => s.values);
  const max = props.max ?? niceMax(Math.max(0, ...all));
  const groupH = props.series.length * BAR_H + GAP;
  const height = TOP + props.categories.length * groupH + AXIS_H;
  const width = LABEL_W + PLOT_W + 64;
  const x = (v: number) => LABEL_W + (Math.max(0, v) / max) * PLOT_W;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * max);
  const axisY = TOP + props.categories.length * groupH;

  return (
    <ChartFrame chart={props} format={format} width={width} height={height}>
      {ticks.map((t) => (
        <g key={t}>
          <line x1={x(t)} x2={x(t)} y1={TOP} y2={axisY} className="grid" />
          <text x={x(t)} y={axisY + 14} textAnchor="middle" className="tick">
            {format(t)}
          </text>
        </g>
      ))}
      {props.categories.map((c, ci) => {
        const y0 = TOP + ci * groupH;
        return (
          <g key={c}>
            <text
              x={LABEL_W - 8}
              y={y0 + (props.series.length * BAR_H) / 2 + 4}
              textAnchor="end"
              className="cat"
            >
              {c.length > 20 ? `${c.slice(0, 19)}…` : c}
            </text>
            {props.series.map((s, si) => {
              const v = s.values[ci] ?? 0;
              const y = y0 + si * BAR_H;
              return (
                <g key={s.name}>
                  <rect
                    x={LABEL_W}
                    y={y + 1}
                    width={Math.max(1, x(v) - LABEL_W)}
                    height={BAR_H - 3}
                    fill={SERIES_COLOURS[si % SERIES_COLOURS.length]}
                  >
                    <title>{`${c}, ${s.name}: ${format(v)}`}</title>
                  </rect>
                  <text x={x(v) + 4} y={y + BAR_H - 4} className="value">
                    {format(v)}
                  </text>
                </g>
              );
            })}
          </g>
        );
      })}
      <line x1={LABEL_W} x2={LABEL_W + PLOT_W} y1={axisY} y2={axisY} className="axis" />
      <text x={LABEL_W + PLOT_W / 2} y={height - 6} textAnchor="middle" className="axis-label">
        {props.valueLabel}
      </text>
    </ChartFrame>
  );
}
