/** The shape every evaluation set is turned into: texts with typed gold spans. */
import type { RedactionType } from "../src/policy/model.js";

/** The entity types scored. Members' names and other names are both `person` here. */
export type EvalEntity = Exclude<RedactionType, "member_name">;

/** A gold or predicted span; `type` is ours, or `null` for a labelled type we do not target. */
export interface LabelledSpan {
  readonly start: number;
  readonly end: number;
  readonly type: EvalEntity | null;
  /** The label as the data set names it (e.g. `PHONE_NUMBER`, `DATE_TIME`). */
  readonly label: string;
}

/** One labelled text. */
export interface LabelledText {
  readonly text: string;
  readonly spans: readonly LabelledSpan[];
}
