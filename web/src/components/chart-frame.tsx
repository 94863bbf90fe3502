/**
 * What every chart shares: a figure with its caption and description (which also name the
 * SVG for screen readers), a legend when there are several series, the SVG drawing area,
 * and the table alternative with the same numbers.
 */
import { type ReactNode, useId } from "react";
import { ChartDataTable } from "./chart-data-table.js";
import { type ChartProps, SERIES_COLOURS } from "./chart-series.js";

/** Renders `children` (SVG shapes) inside the shared chart frame. */
export function ChartFrame({
  chart,
  format,
  width,
  height,
  children,
}: {
  chart: ChartProps;
  format: (n: number) => string;
  width: number;
  height: number;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <figure className="chart">
      <figcaption id={`${id}-t`} className="chart-title">
        {chart.title}
      </figcaption>
      <p id={`${id}-d`} className="chart-desc">
        {chart.description}
      </p>
      {chart.series.length > 1 ? (
        <ul className="legend" aria-label="Legend">
          {chart.series.map((s, i) => (
            <li key={s.name}>
              <span
                className="swatch"
                aria-hidden="true"
                style={{ background: SERIES_COLOURS[i % SERIES_COLOURS.length] }}
              />
              {s.name}
            </li>
          ))}
        </ul>
      ) : null}
      <svg
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-labelledby={`${id}-t ${id}-d`}
        className="chart-svg"
      >
        <title>{chart.title}</title>
        {children}
      </svg>
      <ChartDataTable
        caption={chart.title}
        categoryLabel={chart.categoryLabel}
        categories={chart.categories}
        series={chart.series}
        format={format}
        extra={chart.tableColumns ?? []}
      />
    </figure>
  );
}
