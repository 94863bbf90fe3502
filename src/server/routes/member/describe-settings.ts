/**
 * A member's settings for one purpose in plain words: the regime of their region now, which of
 * their content classes the policy ever uses, whether messages are used, and what their
 * current choice means. Pure: the policy, the member's country and state, and an instant.
 */
import { KINDS, type Source } from "../../../policy/domain.js";
import { regimeAt } from "../../../policy/evaluate/regime-at.js";
import type { PurposeRule } from "../../../policy/model.js";
import { reportingGroup } from "../../../policy/regions.js";
import { formatInstant } from "../../../policy/time.js";

/** The current state of (member, purpose), if any. */
export interface StateInput {
  readonly choice: "allow" | "deny";
  readonly source: Source;
  readonly at: number;
}

/** One purpose of `GET /v1/me/settings`. */
export interface PurposeSettings {
  readonly purpose: string;
  /** The member's current choice, or null when they never chose. */
  readonly state: "allow" | "deny" | null;
  readonly source: Source | null;
  /** When the member made the choice (RFC 3339), or null. */
  readonly at: string | null;
  /** The regime of the member's region now: excluded, opt_in, opt_out, or null (no rule). */
  readonly regime: "excluded" | "opt_in" | "opt_out" | null;
  /** EEA, CH, GB, REST, or null when the member's country is unknown. */
  readonly region: string | null;
  /** Whether the member's content is used for this purpose now (before age and item rules). */
  readonly content_used: boolean;
  readonly explanation: string;
  /** Kinds of content the policy ever uses for this purpose, with visibilities. */
  readonly content_classes: readonly { kind: string; visibilities: readonly string[] }[];
  readonly messages_used: boolean;
  readonly minimum_age: number | null;
  /** Whether a Global Privacy Control signal counts as a deny for this purpose. */
  readonly gpc_honoured: boolean;
}

const REGIME_WORDS = {
  excluded: "excluded: your content is never used for it, whatever you choose",
  opt_in: "opt-in: your content is used only if you allow it",
  opt_out: "opt-out: your content is used unless you deny it",
} as const;

function day(instant: number): string {
  return formatInstant(instant).slice(0, 10);
}

/** Describes one purpose for a member. `rule` undefined: the policy has no rule for it. */
export function describeSettings(
  purpose: string,
  rule: PurposeRule | undefined,
  country: string | null,
  state: StateInput | null,
  now: number,
): PurposeSettings {
  const region = reportingGroup(country) ?? null;
  const inForce = regimeAt(rule, country, now);
  const regime = inForce.regime;
  const classes =
    rule === undefined
      ? []
      : KINDS.filter((k) => rule.content[k] !== undefined).map((k) => ({
          kind: k,
          visibilities: [...(rule.content[k] ?? [])],
        }));
  const messagesUsed = rule?.content.message !== undefined;
  const used =
    regime === "opt_in"
      ? state?.choice === "allow"
      : regime === "opt_out"
        ? state?.choice !== "deny"
        : false;

  const words: string[] = [];
  if (rule === undefined) {
    words.push(`The active policy has no rule for ${purpose}: your content is never used for it.`);
  } else {
    words.push(
      region === null
        ? "Your country is unknown, so your content is never used for this purpose."
        : regime === null
          ? `In your region (${region}) the policy has no rule for ${purpose} now, so your content is not used for it.`
          : `In your region (${region}) ${purpose} is ${REGIME_WORDS[regime]}.`,
    );
    if (inForce.period?.until != null) {
      words.push(`This applies until ${day(inForce.period.until)}.`);
    }
    if (state === null) words.push("You have not made a choice.");
    else {
      const how =
        state.source === "gpc" ? "by a Global Privacy Control signal" : `via ${state.source}`;
      words.push(`You chose ${state.choice} on ${day(state.at)} (${how}).`);
    }
    words.push(
      used
        ? "Your content is used for this purpose."
        : "Your content is not used for this purpose.",
    );
    const classText = classes
      .filter((c) => c.kind !== "message")
      .map((c) =>
        c.visibilities.length === 3
          ? `${c.kind}s (any visibility)`
          : `${c.visibilities.join("/")} ${c.kind}s`,
      );
    words.push(
      classText.length > 0
        ? `Content that can ever be used: ${classText.join(", ")}.`
        : "No kind of content is ever used.",
    );
    words.push(messagesUsed ? "Your messages can be used." : "Your messages are never used.");
    if (rule.minimumAge !== null) {
      words.push(
        `Only content of members aged ${rule.minimumAge} or over (when posting and now) is used.`,
      );
    }
    if (!rule.history.include) {
      words.push(
        `Content you created before ${day(rule.history.notice)} is used only if you allow it.`,
      );
    }
    if (rule.gpc) words.push("A Global Privacy Control signal from your browser counts as a deny.");
  }
  return {
    purpose,
    state: state?.choice ?? null,
    source: state?.source ?? null,
    at: state === null ? null : formatInstant(state.at),
    regime,
    region,
    content_used: rule !== undefined && used,
    explanation: words.join(" "),
    content_classes: classes,
    messages_used: messagesUsed,
    minimum_age: rule?.minimumAge ?? null,
    gpc_honoured: rule?.gpc ?? false,
  };
}
