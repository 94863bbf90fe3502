/** Helpers shared by the evaluation and the benchmark. */
import { createRedactor } from "../src/redact/redactor.js";
import type { EvalEntity, LabelledSpan } from "./labelled-text.js";
import type { EntityScore } from "./score.js";

/** TrainGate's spans as scored entities: a member's name is a person. */
export function trainGatePredictor(memberNames: readonly string[]) {
  const r = createRedactor({ memberNames, enabled: {} });
  return (text: string): LabelledSpan[] =>
    r.spans(text).map((s) => ({
      start: s.start,
      end: s.end,
      type: s.type === "member_name" ? "person" : s.type,
      label: s.type,
    }));
}

/** Micro-averaged F1 over the entities that have gold spans. */
export function microF1(scores: Map<EvalEntity, EntityScore>): number {
  let gold = 0;
  let found = 0;
  let predicted = 0;
  let correct = 0;
  for (const s of scores.values()) {
    if (s.gold === 0) continue;
    gold += s.gold;
    found += s.found;
    predicted += s.predicted;
    correct += s.correct;
  }
  const p = correct / predicted;
  const r = found / gold;
  return (2 * p * r) / (p + r);
}
