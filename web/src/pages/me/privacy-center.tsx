/**
 * The member's privacy center: one card per purpose with the AI-training switch and what it
 * covers, then the history of choices, where the member's data went (runs, models,
 * obligations), the policy versions shown, and a JSON download of all of it.
 */
import { useCallback, useState } from "react";
import { call } from "../../api/client.js";
import { History, Lineage, Notices, Settings } from "../../api/schemas.js";
import { Async, Empty, ErrorPanel } from "../../components/status.js";
import { useResource } from "../../hooks/use-resource.js";
import { DownloadMyData } from "./download-my-data.js";
import { HistoryTable } from "./history-table.js";
import { LineagePanel } from "./lineage-panel.js";
import { NoticesTable } from "./notices-table.js";
import { gpcNote, SettingCard } from "./setting-card.js";

/** The /me page. */
export function PrivacyCenter() {
  // Saving a choice bumps `version`, which reloads history and lineage.
  const [version, setVersion] = useState(0);
  const settings = useResource((signal) => call(Settings, "/v1/me/settings", { signal }));
  const history = useResource(
    (signal) => call(History, "/v1/me/history", { signal }),
    `h${version}`,
  );
  const lineage = useResource(
    (signal) => call(Lineage, "/v1/me/lineage", { signal }),
    `l${version}`,
  );
  const notices = useResource((signal) => call(Notices, "/v1/me/notices", { signal }));
  const changed = useCallback(() => setVersion((v) => v + 1), []);

  // Signed out: one clear panel instead of the same error in every section.
  if (settings.status === "failed" && settings.error.code === "TG_E_UNAUTHENTICATED") {
    return (
      <>
        <header className="page-header">
          <h1>Your privacy center</h1>
        </header>
        <section aria-labelledby="signin-h" className="section">
          <h2 id="signin-h">Sign in to see your choices</h2>
          <ErrorPanel error={settings.error} what="your settings" onRetry={settings.reload} />
        </section>
      </>
    );
  }

  return (
    <>
      <header className="page-header">
        <h1>Your privacy center</h1>
        <p className="lead">
          Decide whether your content may be used to train AI models, see exactly what each choice
          covers, and where your data has already gone.
        </p>
      </header>

      <section aria-labelledby="settings-h" className="section">
        <h2 id="settings-h">AI training choices</h2>
        <Async resource={settings} what="your settings">
          {(answer) => {
            const note = gpcNote(answer.gpc);
            return (
              <>
                {answer.member_id === undefined ? null : (
                  <p className="muted">Signed in as member {answer.member_id}.</p>
                )}
                {note === null ? null : <p className="callout">{note}</p>}
                {answer.settings.length === 0 ? (
                  <Empty title="There are no training purposes to choose for yet." />
                ) : (
                  <div className="cards">
                    {[...answer.settings]
                      // Purposes that can use my content first; then by name.
                      .sort(
                        (a, b) =>
                          Number(a.regime === null || a.regime === undefined) -
                            Number(b.regime === null || b.regime === undefined) ||
                          a.purpose.localeCompare(b.purpose),
                      )
                      .map((s) => (
                        <SettingCard key={s.purpose} setting={s} onSaved={changed} />
                      ))}
                  </div>
                )}
              </>
            );
          }}
        </Async>
      </section>

      <section aria-labelledby="history-h" className="section">
        <h2 id="history-h">History of your choices</h2>
        <Async resource={history} what="your history">
          {(events) => <HistoryTable events={events} />}
        </Async>
      </section>

      <section aria-labelledby="lineage-h" className="section">
        <h2 id="lineage-h">Where your data was used</h2>
        <Async resource={lineage} what="where your data was used">
          {(l) => <LineagePanel lineage={l} />}
        </Async>
      </section>

      <section aria-labelledby="notices-h" className="section">
        <h2 id="notices-h">Policy versions you were shown</h2>
        <Async resource={notices} what="the policy versions you were shown">
          {(list) => <NoticesTable notices={list} />}
        </Async>
      </section>

      <section aria-labelledby="download-h" className="section">
        <h2 id="download-h">Your data</h2>
        <DownloadMyData />
      </section>
    </>
  );
}
