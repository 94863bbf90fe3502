/** The member's consent history: newest first, with the date, purpose, choice and source. */
import type { HistoryEvent } from "../../api/schemas.js";
import { formatDate, purposeName, sourceName } from "../../components/format.js";
import { Empty } from "../../components/status.js";
import { TableScroll } from "../../components/table-scroll.js";

/** Renders the history table, or an empty state that says what the default is. */
export function HistoryTable({ events }: { events: readonly HistoryEvent[] }) {
  if (events.length === 0) {
    return (
      <Empty title="You have not made any choice yet.">
        Until you do, your region's default rule applies. Use the switches above to decide.
      </Empty>
    );
  }
  return (
    <TableScroll label="Your consent choices, newest first">
      <table className="history">
        <caption className="visually-hidden">Your consent choices, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Date</th>
            <th scope="col">Purpose</th>
            <th scope="col">Choice</th>
            <th scope="col">Made by</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: events have no id and two may be identical.
            <tr key={`${e.at}-${e.purpose}-${i}`}>
              <td>
                <time dateTime={e.at}>{formatDate(e.at, true)}</time>
              </td>
              <td>{purposeName(e.purpose)}</td>
              <td>
                <span className={`badge ${e.choice === "allow" ? "badge-yes" : "badge-no"}`}>
                  {e.choice === "allow" ? "Yes, allowed" : "No, refused"}
                </span>
              </td>
              <td>
                {e.source === "gpc" ? <span className="badge badge-gpc">GPC</span> : null}{" "}
                {sourceName(e.source)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
