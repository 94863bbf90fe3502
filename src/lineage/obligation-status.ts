/** The life of an obligation: opened by an opt-out, closed by what the platform did about it. */

/** Every status; `open` is the only one an obligation starts in or leaves. */
export const OBLIGATION_STATUSES = [
  "open",
  "retrained",
  "unlearned",
  "model_retired",
  "not_required",
] as const;
export type ObligationStatus = (typeof OBLIGATION_STATUSES)[number];

/** The statuses that close an obligation. */
export const CLOSING_STATUSES = [
  "retrained",
  "unlearned",
  "model_retired",
  "not_required",
] as const;
export type ClosingStatus = (typeof CLOSING_STATUSES)[number];

/** Plain words for each status, for the member view and reports. */
export const STATUS_TEXT: Readonly<Record<ObligationStatus, string>> = {
  open: "open: the platform has yet to act",
  retrained: "done: the model(s) were retrained without your content",
  unlearned: "done: your content was removed from the model(s) by unlearning",
  model_retired: "done: the model(s) were retired",
  not_required: "closed: no action was required",
};
