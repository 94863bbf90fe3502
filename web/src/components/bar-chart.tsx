/**
 * An accessible horizontal bar chart in plain SVG: a title and description the screen reader
 * announces, a labelled value axis, value labels at the end of each bar, a legend when there
 * are several series, and the same numbers as a table. Horizontal bars keep long category
 * names (regions, reasons, presets) readable on a 375 px screen.
 */
import { ChartFrame } from "./chart-frame.js";
import { axisMax, type ChartProps, SERIES_COLOURS } from "./chart-series.js";

/** Props of BarChart. */
export type BarChartProps = ChartProps;

const BAR_H = 18;
const GAP = 12;
const TOP = 8;
const AXIS_H = 46;
/** Room right of the longest bar for its value label. */
const VALUE_W = 52;
/** Below this width, category names go above their bars instead of beside them. */
const STACK_BELOW = 460;
const LABEL_ROW = 18;

/** Renders the chart inside a figure with its caption and data table. */
export function BarChart(props: BarChartProps) {
  const format = props.format ?? ((n: number) => String(n));
  const max = axisMax(props);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * max);
  const layout = (width: number) => {
    const stacked = width < STACK_BELOW;
    const groupH = props.series.length * BAR_H + GAP + (stacked ? LABEL_ROW : 0);
    const axisY = TOP + props.categories.length * groupH;
    return { stacked, groupH, axisY, height: axisY + AXIS_H };
  };

  const draw = (width: number) => {
    const { stacked, groupH, axisY, height } = layout(width);
    const labelW = stacked ? 4 : Math.min(150, Math.round(width * 0.34));
    const plotW = width - labelW - VALUE_W;
    const x = (v: number) => labelW + (Math.min(Math.max(0, v), max) / max) * plotW;
    // About 7 px per character at 13 px: cut longer names with an ellipsis (the table has them whole).
    const chars = Math.floor(((stacked ? width : labelW) - 10) / 7);
    return (
      <>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={x(t)} x2={x(t)} y1={TOP} y2={axisY} className="grid" />
            <text x={x(t)} y={axisY + 15} textAnchor="middle" className="tick">
              {format(t)}
            </text>
          </g>
        ))}
        {props.categories.map((c, ci) => {
          const top = TOP + ci * groupH;
          const y0 = stacked ? top + LABEL_ROW : top;
          return (
            <g key={c}>
              <text
                x={stacked ? labelW : labelW - 8}
                y={stacked ? top + 13 : y0 + (props.series.length * BAR_H) / 2 + 4}
                textAnchor={stacked ? "start" : "end"}
                className="cat"
              >
                {c.length > chars ? `${c.slice(0, chars - 1)}…` : c}
              </text>
              {props.series.map((s, si) => {
                const v = s.values[ci] ?? 0;
                const y = y0 + si * BAR_H;
                return (
                  <g key={s.name}>
                    <rect
                      x={labelW}
                      y={y + 2}
                      width={Math.max(1, x(v) - labelW)}
                      height={BAR_H - 4}
                      rx={2}
                      fill={SERIES_COLOURS[si % SERIES_COLOURS.length]}
                    >
                      <title>{`${c}, ${s.name}: ${format(v)}`}</title>
                    </rect>
                    <text x={x(v) + 5} y={y + BAR_H - 5} className="value">
                      {format(v)}
                    </text>
                  </g>
                );
              })}
            </g>
          );
        })}
        <line x1={labelW} x2={labelW + plotW} y1={axisY} y2={axisY} className="axis" />
        <text x={labelW + plotW / 2} y={height - 6} textAnchor="middle" className="axis-label">
          {props.valueLabel}
        </text>
      </>
    );
  };

  return (
    <ChartFrame
      chart={props}
      format={format}
      height={(width) => layout(width).height}
      draw={draw}
    />
  );
}
