/**
 * What every chart shares: a figure with its caption and description (which also name the
 * SVG for screen readers), a legend when there are several series, the SVG drawing area,
 * and the table alternative with the same numbers.
 */
import { type ReactNode, useEffect, useId, useRef, useState } from "react";
import { ChartDataTable } from "./chart-data-table.js";
import { type ChartProps, SERIES_COLOURS } from "./chart-series.js";

/**
 * The drawing area's width in CSS pixels, followed as the layout changes, so charts draw at
 * 1:1 scale and their text stays readable from a phone to a wide screen.
 */
function useWidth(initial: number) {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(initial);
  useEffect(() => {
    const el = ref.current;
    if (el === null) return;
    const measure = () => setWidth(Math.max(240, Math.floor(el.clientWidth)));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return { ref, width };
}

/** Renders what `draw(width)` returns (SVG shapes) inside the shared chart frame. */
export function ChartFrame({
  chart,
  format,
  height,
  draw,
}: {
  chart: ChartProps;
  format: (n: number) => string;
  /** The drawing's height, fixed or for a given width. */
  height: number | ((width: number) => number);
  draw: (width: number) => ReactNode;
}) {
  const id = useId();
  const { ref, width } = useWidth(560);
  const h = typeof height === "number" ? height : height(width);
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
      <div ref={ref} className="chart-area">
        <svg
          width={width}
          height={h}
          viewBox={`0 0 ${width} ${h}`}
          role="img"
          aria-labelledby={`${id}-t ${id}-d`}
          className="chart-svg"
        >
          <title>{chart.title}</title>
          {draw(width)}
        </svg>
      </div>
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
