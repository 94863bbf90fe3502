/**
 * The peers TrainGate's redaction is compared with, as span predictors for scoring and as
 * plain redactors for timing: `redact-pii` (returns redacted text; spans are recovered by
 * aligning it with the input) and `openredaction` (returns detections with positions).
 */
import { OpenRedaction } from "openredaction";
import redactPii from "redact-pii";
import type { EvalEntity, LabelledSpan } from "./labelled-text.js";

/** redact-pii's placeholders (lodash snake case of its pattern names) to our entity types. */
const REDACT_PII_LABELS: Readonly<Record<string, EvalEntity | null>> = {
  PERSON_NAME: "person",
  EMAIL_ADDRESS: "email",
  PHONE_NUMBER: "phone",
  CREDIT_CARD_NUMBER: "card",
  IP_ADDRESS: "ip",
  STREET_ADDRESS: "address",
  ZIPCODE: "address",
  URL: "url",
  US_SOCIAL_SECURITY_NUMBER: "national_id",
  USERNAME: "handle",
  DIGITS: null,
  CREDENTIALS: null,
  PASSWORD: null,
};
const LABEL_RE = new RegExp(Object.keys(REDACT_PII_LABELS).join("|"), "g");

/**
 * Recovers the replaced spans from redact-pii's output: the literal pieces between its
 * placeholders are found in order in the input; what lies between them was replaced.
 */
export function alignRedacted(input: string, output: string): LabelledSpan[] {
  const spans: LabelledSpan[] = [];
  const parts: { literal: string; label: string | null }[] = [];
  let last = 0;
  LABEL_RE.lastIndex = 0;
  for (let m = LABEL_RE.exec(output); m !== null; m = LABEL_RE.exec(output)) {
    parts.push({ literal: output.slice(last, m.index), label: m[0] });
    last = m.index + m[0].length;
  }
  const tail = output.slice(last);
  let pos = 0;
  for (let k = 0; k < parts.length; k++) {
    const { literal, label } = parts[k]!;
    const at = input.indexOf(literal, pos);
    if (at < 0) return spans;
    pos = at + literal.length;
    const next = k + 1 < parts.length ? parts[k + 1]!.literal : tail;
    let end = next === "" ? (k + 1 < parts.length ? pos : input.length) : input.indexOf(next, pos);
    if (end < 0) end = input.length;
    if (end > pos && label !== null) {
      spans.push({ start: pos, end, type: REDACT_PII_LABELS[label] ?? null, label });
    }
    pos = end;
  }
  return spans;
}

/** A peer under test. */
export interface Peer {
  readonly name: string;
  /** Redacts one text (what the benchmark times). */
  redact(text: string): Promise<string> | string;
  /** The spans it redacts, typed as ours (what the evaluation scores). */
  spans(text: string): Promise<LabelledSpan[]>;
}

/** redact-pii with its defaults (the synchronous redactor: regexes plus a name list). */
export function redactPiiPeer(): Peer {
  const r = new redactPii.SyncRedactor();
  return {
    name: "redact-pii",
    redact: (text) => r.redact(text),
    spans: async (text) => alignRedacted(text, r.redact(text)),
  };
}

function openRedactionType(type: string): EvalEntity | null {
  if (/EMAIL/.test(type)) return "email";
  if (/PHONE|MOBILE|TELEPHONE/.test(type)) return "phone";
  if (/CREDIT_CARD|CARD_NUMBER/.test(type)) return "card";
  if (/IBAN/.test(type)) return "iban";
  if (/^NAME|PERSON/.test(type)) return "person";
  if (/ADDRESS|POSTCODE|ZIP/.test(type))
    return /IP|MAC|EMAIL|BITCOIN|WALLET/.test(type) ? null : "address";
  if (/^IP/.test(type)) return "ip";
  if (/URL/.test(type)) return "url";
  if (/SSN|SOCIAL_SECURITY|NATIONAL_INSURANCE|NINO|NATIONAL_ID/.test(type)) return "national_id";
  if (/USERNAME|HANDLE/.test(type)) return "handle";
  return null;
}

/** openredaction with placeholders (its default pattern set). */
export function openRedactionPeer(): Peer {
  const r = new OpenRedaction({ redactionMode: "placeholder" });
  return {
    name: "openredaction",
    redact: async (text) => (await r.detect(text)).redacted,
    spans: async (text) =>
      (await r.detect(text)).detections.map((d) => ({
        start: d.position[0],
        end: d.position[1],
        type: openRedactionType(d.type),
        label: d.type,
      })),
  };
}
