/**
 * An accessible line chart in plain SVG for figures over time: labelled axes, a point per
 * value with its exact figure as a tooltip, a legend, and the same numbers as a table.
 */
import { ChartFrame } from "./chart-frame.js";
import { axisMax, type ChartProps, SERIES_COLOURS } from "./chart-series.js";

/** Props of LineChart. */
export type LineChartProps = ChartProps;

const LEFT = 64;
const RIGHT = 20;
const TOP = 12;
const PLOT_H = 200;
const BOTTOM = 56;

/** Renders the chart inside a figure with its caption and data table. */
export function LineChart(props: LineChartProps) {
  const format = props.format ?? ((n: number) => String(n));
  const max = axisMax(props);
  const n = props.categories.length;
  const y = (v: number) => TOP + PLOT_H - (Math.min(Math.max(0, v), max) / max) * PLOT_H;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * max);
  const height = TOP + PLOT_H + BOTTOM;

  const draw = (width: number) => {
    const plotW = width - LEFT - RIGHT;
    const x = (i: number) => LEFT + (n <= 1 ? plotW / 2 : (i / (n - 1)) * plotW);
    // Label only as many categories as fit (about 64 px each), always the last one.
    const every = Math.max(1, Math.ceil(n / Math.max(2, Math.floor(plotW / 64))));
    return (
      <>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={LEFT} x2={LEFT + plotW} y1={y(t)} y2={y(t)} className="grid" />
            <text x={LEFT - 6} y={y(t) + 4} textAnchor="end" className="tick">
              {format(t)}
            </text>
          </g>
        ))}
        {props.categories.map((c, i) =>
          i % every === 0 || i === n - 1 ? (
            <text key={c} x={x(i)} y={TOP + PLOT_H + 16} textAnchor="middle" className="tick">
              {c}
            </text>
          ) : null,
        )}
        <line x1={LEFT} x2={LEFT + plotW} y1={TOP + PLOT_H} y2={TOP + PLOT_H} className="axis" />
        <line x1={LEFT} x2={LEFT} y1={TOP} y2={TOP + PLOT_H} className="axis" />
        {props.series.map((s, si) => {
          const colour = SERIES_COLOURS[si % SERIES_COLOURS.length];
          const points = s.values.map((v, i) => `${x(i)},${y(v)}`).join(" ");
          return (
            <g key={s.name}>
              <polyline points={points} fill="none" stroke={colour} strokeWidth={2.5} />
              {s.values.map((v, i) => (
                <circle key={props.categories[i]} cx={x(i)} cy={y(v)} r={3.5} fill={colour}>
                  <title>{`${props.categories[i]}, ${s.name}: ${format(v)}`}</title>
                </circle>
              ))}
            </g>
          );
        })}
        <text x={LEFT + plotW / 2} y={height - 8} textAnchor="middle" className="axis-label">
          {props.categoryLabel}
        </text>
        <text
          transform={`translate(14 ${TOP + PLOT_H / 2}) rotate(-90)`}
          textAnchor="middle"
          className="axis-label"
        >
          {props.valueLabel}
        </text>
      </>
    );
  };

  return <ChartFrame chart={props} format={format} height={height} draw={draw} />;
}
