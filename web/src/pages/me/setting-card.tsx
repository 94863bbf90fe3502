/**
 * One purpose's card: the switch, its current state and since when, and what it covers in
 * plain words (content classes, messages, the region's rule and why). Saving announces the
 * result in a live region; a failed save restores the switch and shows the server's error.
 */
import { useId, useState } from "react";
import { ApiError } from "../../api/api-error.js";
import { call } from "../../api/client.js";
import { type ContentClass, type Gpc, type Setting, SettingUpdate } from "../../api/schemas.js";
import {
  formatDate,
  purposeName,
  regimeName,
  regionName,
  sourceName,
} from "../../components/format.js";
import { ErrorPanel } from "../../components/status.js";
import { Switch } from "../../components/switch.js";

function classText(c: ContentClass): string {
  if (typeof c === "string") return c.replaceAll("_", " ");
  const vis = c.visibilities ?? [];
  return vis.length === 0 ? `${c.kind}s` : `${c.kind}s (${vis.join(", ")})`;
}

/** Whether the member's content is in use for this purpose now (the server's verdict). */
function isOn(s: Setting): boolean {
  if (typeof s.content_used === "boolean") return s.content_used;
  return s.state === "allow" && s.regime !== "excluded" && s.regime !== null;
}

/**
 * A sentence about the browser's Global Privacy Control signal, or null without one. The
 * server records the `gpc` deny once (on the first request that carries the signal), so later
 * pages say it is already on record rather than saying nothing.
 */
export function gpcNote(gpc: Gpc | null | undefined): string | null {
  if (gpc === null || gpc === undefined) return null;
  const names = (ps: readonly string[]) => ps.map((p) => purposeName(p)).join(", ");
  const recorded = gpc.recorded ?? [];
  if (recorded.length > 0) {
    return `Your browser sent a Global Privacy Control signal, recorded as a no for ${names(recorded)}.`;
  }
  const kept = gpc.choice_kept ?? [];
  if (kept.length > 0) {
    return `Your browser sends a Global Privacy Control signal; it is on record, and the choice you made since then stands for ${names(kept)}.`;
  }
  const honoured = gpc.honoured_for ?? [];
  if (honoured.length > 0) {
    return `Your browser sends a Global Privacy Control signal; it counts as a no for ${names(honoured)} and is on record.`;
  }
  return "Your browser sends a Global Privacy Control signal; no purpose of the current policy uses it.";
}

function stateText(s: Setting, on: boolean): string {
  if (s.regime === "excluded") return "Not used: your region excludes this purpose.";
  if (s.regime === null || s.regime === undefined) {
    return "Not used: there is no rule for this purpose in your region.";
  }
  return on ? "Your content may be used." : "Your content is not used.";
}

/** Props of SettingCard. */
export interface SettingCardProps {
  readonly setting: Setting;
  readonly onSaved: () => void;
}

/** Renders the card. */
export function SettingCard({ setting, onSaved }: SettingCardProps) {
  const id = useId();
  const [current, setCurrent] = useState(setting);
  const [busy, setBusy] = useState(false);
  const [announce, setAnnounce] = useState("");
  const [error, setError] = useState<ApiError | null>(null);
  const on = isOn(current);
  const locked = current.regime === "excluded";
  const name = purposeName(current.purpose);

  async function save(next: boolean) {
    setBusy(true);
    setError(null);
    setAnnounce(`Saving your choice for ${name}…`);
    try {
      const answer = await call(
        SettingUpdate,
        `/v1/me/settings/${encodeURIComponent(current.purpose)}`,
        {
          method: "PUT",
          body: { choice: next ? "allow" : "deny" },
        },
      );
      const fresh = afterSave(answer, current, next);
      setCurrent(fresh);
      const note = gpcNote(answer.gpc);
      setAnnounce(
        `Saved: ${name} is now ${next ? "on" : "off"}.${note === null ? "" : ` ${note}`}`,
      );
      onSaved();
    } catch (e) {
      setAnnounce("");
      setError(e instanceof ApiError ? e : new ApiError("UI_ERROR", String(e), 0));
    } finally {
      setBusy(false);
    }
  }

  const classes = current.content_classes ?? [];
  return (
    <article className="card setting-card" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>{name}</h3>
      <Switch
        label={`Use my content for ${name}`}
        checked={on}
        disabled={locked}
        busy={busy}
        describedBy={`${id}-state`}
        onChange={(next) => void save(next)}
      />
      <p id={`${id}-state`} className="state-line">
        {stateText(current, on)}{" "}
        <span className="muted">
          {current.at === null || current.at === undefined
            ? `${sourceName(current.source)}.`
            : `Since ${formatDate(current.at)} · ${sourceName(current.source)}.`}
        </span>
      </p>
      <p className="live" role="status" aria-live="polite">
        {announce}
      </p>
      {error === null ? null : (
        <ErrorPanel
          error={error}
          verb="save"
          what="your choice (nothing was saved)"
          onRetry={() => void save(!on)}
        />
      )}
      <h4>What this covers</h4>
      <dl className="covers">
        <dt>Your content</dt>
        <dd>
          {classes.length === 0 ? "None of your content." : classes.map(classText).join(", ")}
        </dd>
        <dt>Private messages</dt>
        <dd>
          {current.messages_used === true
            ? "Yes, your messages are included."
            : "No, your messages are never used."}
        </dd>
        <dt>Your region's rule</dt>
        <dd>
          {regionName(current.region)}: {regimeName(current.regime)}.
        </dd>
        {current.minimum_age === null || current.minimum_age === undefined ? null : (
          <>
            <dt>Age</dt>
            <dd>Only content of members aged {current.minimum_age} or over is used.</dd>
          </>
        )}
      </dl>
      {current.explanation ? (
        <details className="why">
          <summary>Why, in full</summary>
          <p>{current.explanation}</p>
        </details>
      ) : null}
    </article>
  );
}

/**
 * The card's new state after a save: the setting the server sent back, else the choice just
 * made (the server always sends it; this keeps the card truthful if it ever does not).
 */
function afterSave(answer: SettingUpdate, before: Setting, next: boolean): Setting {
  if (answer.setting !== undefined) return answer.setting;
  const { content_used: _unknown, ...rest } = before;
  return { ...rest, state: next ? "allow" : "deny", source: "settings" };
}
