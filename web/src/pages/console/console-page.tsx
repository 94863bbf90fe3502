/**
 * The console for privacy and ML teams: a sub-navigation between the overview charts, runs,
 * obligations, audit log and policy versions. Each panel asks the server itself, so a role
 * that may not see a panel gets that panel's "forbidden" state, not a broken page.
 */
import { AuditLog } from "./audit-log.js";
import { ObligationsQueue } from "./obligations-queue.js";
import { OptOutCharts } from "./opt-out-charts.js";
import { PolicyDocumentsPanel } from "./policy-documents.js";
import { RunsTable } from "./runs-table.js";

/** The console's panels, in navigation order. */
export const CONSOLE_TABS = [
  { path: "overview", title: "Opt-outs", heading: "Opt-outs and exclusions" },
  { path: "runs", title: "Runs", heading: "Build runs" },
  { path: "obligations", title: "Obligations", heading: "Obligations queue" },
  { path: "audit", title: "Audit log", heading: "Audit log" },
  { path: "policies", title: "Policy versions", heading: "Policy versions" },
] as const;

function Panel({ tab }: { tab: string }) {
  switch (tab) {
    case "runs":
      return <RunsTable />;
    case "obligations":
      return <ObligationsQueue />;
    case "audit":
      return <AuditLog />;
    case "policies":
      return <PolicyDocumentsPanel />;
    default:
      return <OptOutCharts />;
  }
}

/** The /console/* page. */
export function ConsolePage({ tab }: { tab: string }) {
  const current = CONSOLE_TABS.find((t) => t.path === tab) ?? CONSOLE_TABS[0];
  return (
    <>
      <header className="page-header">
        <h1>Console</h1>
        <p className="lead">Where consent stands, what was built with it, and what is owed.</p>
      </header>
      <nav aria-label="Console sections" className="subnav">
        <ul>
          {CONSOLE_TABS.map((t) => (
            <li key={t.path}>
              <a
                href={`#/console/${t.path}`}
                aria-current={t.path === current.path ? "page" : undefined}
              >
                {t.title}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <section aria-labelledby="console-h" className="section">
        <h2 id="console-h">{current.heading}</h2>
        <Panel tab={current.path} />
      </section>
    </>
  );
}
