/**
 * The table alternative of a chart: the same numbers a sighted reader sees in the bars or
 * lines, for screen readers, keyboard users and anyone who wants exact values.
 */
import type { ChartSeries } from "./chart-series.js";
import { TableScroll } from "./table-scroll.js";

/** A collapsible table with one row per category and one column per series. */
export function ChartDataTable({
  caption,
  categoryLabel,
  categories,
  series,
  format,
  extra,
}: {
  caption: string;
  categoryLabel: string;
  categories: readonly string[];
  series: readonly ChartSeries[];
  format: (n: number) => string;
  extra: readonly { readonly name: string; readonly cells: readonly string[] }[];
}) {
  return (
    <details className="chart-table">
      <summary>Show the data as a table</summary>
      <TableScroll label={caption}>
        <table>
          <caption className="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{categoryLabel}</th>
              {series.map((s) => (
                <th scope="col" key={s.name} className="num">
                  {s.name}
                </th>
              ))}
              {extra.map((c) => (
                <th scope="col" key={c.name} className="num">
                  {c.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {categories.map((c, i) => (
              <tr key={c}>
                <th scope="row">{c}</th>
                {series.map((s) => (
                  <td key={s.name} className="num">
                    {format(s.values[i] ?? 0)}
                  </td>
                ))}
                {extra.map((col) => (
                  <td key={col.name} className="num">
                    {col.cells[i] ?? ""}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </details>
  );
}
