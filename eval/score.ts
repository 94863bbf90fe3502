/**
 * Scoring by span overlap, per entity type. A gold span of type E is found when some
 * predicted span of type E overlaps it by at least one character; a predicted span of type
 * E is correct when it overlaps some gold span of type E. Predictions overlapping only
 * out-of-scope gold (a LOCATION, say) or nothing count against precision.
 */
import type { EvalEntity, LabelledSpan, LabelledText } from "./labelled-text.js";

/** Counts and ratios for one entity type. */
export interface EntityScore {
  readonly gold: number;
  readonly found: number;
  readonly predicted: number;
  readonly correct: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

/** Predicted spans for a text. */
export type Predict = (text: string) => readonly LabelledSpan[];

function overlaps(a: LabelledSpan, b: LabelledSpan): boolean {
  return a.start < b.end && b.start < a.end;
}

function ratio(a: number, b: number): number {
  return b === 0 ? Number.NaN : a / b;
}

/** Scores predictions against a labelled set; returns per-entity scores for every entity seen. */
export function score(
  set: readonly LabelledText[],
  predictions: readonly (readonly LabelledSpan[])[],
): Map<EvalEntity, EntityScore> {
  const acc = new Map<
    EvalEntity,
    { gold: number; found: number; predicted: number; correct: number }
  >();
  const get = (e: EvalEntity) => {
    let a = acc.get(e);
    if (a === undefined) {
      a = { gold: 0, found: 0, predicted: 0, correct: 0 };
      acc.set(e, a);
    }
    return a;
  };
  set.forEach((item, i) => {
    const pred = predictions[i] ?? [];
    for (const g of item.spans) {
      if (g.type === null) continue;
      const a = get(g.type);
      a.gold++;
      if (pred.some((p) => p.type === g.type && overlaps(p, g))) a.found++;
    }
    for (const p of pred) {
      if (p.type === null) continue;
      const a = get(p.type);
      a.predicted++;
      if (item.spans.some((g) => g.type === p.type && overlaps(p, g))) a.correct++;
    }
  });
  const out = new Map<EvalEntity, EntityScore>();
  for (const [e, a] of [...acc].sort(([x], [y]) => (x < y ? -1 : 1))) {
    const precision = ratio(a.correct, a.predicted);
    const recall = ratio(a.found, a.gold);
    out.set(e, { ...a, precision, recall, f1: (2 * precision * recall) / (precision + recall) });
  }
  return out;
}

/** Runs a predictor over a set. */
export function predictAll(set: readonly LabelledText[], predict: Predict): LabelledSpan[][] {
  return set.map((t) => [...predict(t.text)]);
}
