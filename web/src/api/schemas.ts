/**
 * Zod schemas of the server's answers, as documented in docs/api.md. They are deliberately
 * tolerant of envelopes (`[...]` or `{items: [...]}`) and of extra fields, and strict about
 * what the UI actually reads: a field the UI shows must have the type it shows.
 */
import { z } from "zod";

/** An instant as the API sends it: an RFC 3339 string (or epoch µs number, normalised). */
const instant = z.union([
  z.string(),
  z.number().transform((us) => new Date(us / 1000).toISOString()),
]);

/** Accepts a bare array or an object holding the array under one of `keys`. */
function listOf<T extends z.ZodType>(item: T, keys: readonly string[]) {
  return z.preprocess((v) => {
    if (Array.isArray(v)) return v;
    if (typeof v === "object" && v !== null) {
      for (const k of keys) {
        const inner = (v as Record<string, unknown>)[k];
        if (Array.isArray(inner)) return inner;
      }
    }
    return v;
  }, z.array(item));
}

/** One content class a purpose covers: a kind and the visibilities allowed for it. */
export const ContentClass = z.union([
  z.string(),
  z.looseObject({ kind: z.string(), visibilities: z.array(z.string()).optional() }),
]);
export type ContentClass = z.infer<typeof ContentClass>;

/** One purpose's setting for the signed-in member (GET /v1/me/settings). */
export const Setting = z.looseObject({
  purpose: z.string(),
  state: z.string().nullable(),
  source: z.string().nullable().optional(),
  at: instant.nullable().optional(),
  regime: z.string().nullable().optional(),
  region: z.string().nullable().optional(),
  explanation: z.string().nullable().optional(),
  content_classes: z.array(ContentClass).optional(),
  messages_used: z.boolean().nullable().optional(),
  used: z.boolean().nullable().optional(),
  gpc_honoured: z.boolean().nullable().optional(),
});
export type Setting = z.infer<typeof Setting>;
export const Settings = listOf(Setting, ["settings", "purposes"]);

/** The answer to PUT /v1/me/settings/{purpose}: the new setting and, maybe, a GPC note. */
export const SettingUpdate = z.looseObject({
  gpc: z.unknown().optional(),
  gpc_recorded: z.unknown().optional(),
  message: z.string().optional(),
});

/** One consent event of the signed-in member (GET /v1/me/history). */
export const HistoryEvent = z.looseObject({
  purpose: z.string(),
  choice: z.string(),
  source: z.string(),
  at: instant,
  recorded_at: instant.nullable().optional(),
});
export type HistoryEvent = z.infer<typeof HistoryEvent>;
export const History = listOf(HistoryEvent, ["events", "history", "items"]);

/** A policy document version the member was shown (GET /v1/me/notices). */
export const Notice = z.looseObject({
  document_id: z.union([z.string(), z.number()]).optional(),
  id: z.union([z.string(), z.number()]).optional(),
  title: z.string().nullable().optional(),
  kind: z.string().nullable().optional(),
  version: z.union([z.string(), z.number()]).nullable().optional(),
  shown_at: instant.nullable().optional(),
  accepted_at: instant.nullable().optional(),
  acceptance: z.string().nullable().optional(),
  how: z.string().nullable().optional(),
});
export type Notice = z.infer<typeof Notice>;
export const Notices = listOf(Notice, ["notices", "documents", "items"]);

/** A build run (GET /v1/admin/runs, and the runs in /v1/me/lineage). */
export const Run = z.looseObject({
  run_id: z.string(),
  purpose: z.string().optional(),
  as_of: instant.nullable().optional(),
  registered_at: instant.nullable().optional(),
  policy: z
    .union([
      z.string(),
      z.looseObject({ name: z.string().optional(), sha256: z.string().optional() }),
    ])
    .nullable()
    .optional(),
  policy_name: z.string().nullable().optional(),
  counts: z
    .looseObject({
      input: z.number().optional(),
      included: z.number().optional(),
      excluded: z.record(z.string(), z.number()).optional(),
    })
    .nullable()
    .optional(),
  items: z.number().nullable().optional(),
  my_items: z.number().nullable().optional(),
  items_used: z.number().nullable().optional(),
});
export type Run = z.infer<typeof Run>;
export const Runs = listOf(Run, ["runs", "items"]);

/** A trained model. */
export const Model = z.looseObject({
  model_id: z.string(),
  name: z.string().nullable().optional(),
  version: z.string().nullable().optional(),
  runs: z.array(z.string()).optional(),
  run_ids: z.array(z.string()).optional(),
  registered_at: instant.nullable().optional(),
});
export type Model = z.infer<typeof Model>;

/** An obligation opened by an opt-out (GET /v1/admin/obligations, /v1/me/lineage). */
export const Obligation = z.looseObject({
  id: z.union([z.string(), z.number()]),
  run_id: z.string().nullable().optional(),
  model_id: z.string().nullable().optional(),
  member_id: z.string().nullable().optional(),
  purpose: z.string().nullable().optional(),
  kind: z.string().nullable().optional(),
  action: z.string().nullable().optional(),
  status: z.string(),
  opened_at: instant.nullable().optional(),
  updated_at: instant.nullable().optional(),
  due_at: instant.nullable().optional(),
  reason: z.string().nullable().optional(),
  description: z.string().nullable().optional(),
});
export type Obligation = z.infer<typeof Obligation>;
export const Obligations = listOf(Obligation, ["obligations", "items"]);

/** GET /v1/me/lineage. */
export const Lineage = z.looseObject({
  runs: listOf(Run, ["runs"]).optional(),
  models: listOf(Model, ["models"]).optional(),
  obligations: listOf(Obligation, ["obligations"]).optional(),
  what_changed: z
    .union([z.string(), z.array(z.string())])
    .nullable()
    .optional(),
  summary: z
    .union([z.string(), z.array(z.string())])
    .nullable()
    .optional(),
});
export type Lineage = z.infer<typeof Lineage>;

/** One row of the opt-out statistics. */
export const StatRow = z.looseObject({
  region: z.string().optional(),
  purpose: z.string().optional(),
  month: z.string().optional(),
  members: z.number().optional(),
  opted_out: z.number().optional(),
  rate: z.number().optional(),
});
export type StatRow = z.infer<typeof StatRow>;

/** GET /v1/admin/stats/opt-outs. */
export const OptOutStats = z.looseObject({
  by_region: z.array(StatRow).optional(),
  by_purpose: z.array(StatRow).optional(),
  by_month: z.array(StatRow).optional(),
});
export type OptOutStats = z.infer<typeof OptOutStats>;

/** One audit log entry. */
export const AuditEntry = z.looseObject({
  seq: z.number().optional(),
  id: z.union([z.string(), z.number()]).optional(),
  at: instant.nullable().optional(),
  actor: z.string().nullable().optional(),
  action: z.string().nullable().optional(),
  target: z.string().nullable().optional(),
  hash: z.string().nullable().optional(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
export const Audit = listOf(AuditEntry, ["entries", "items", "audit"]);

/** GET /v1/admin/audit/verify. */
export const AuditVerify = z.looseObject({
  ok: z.boolean().optional(),
  valid: z.boolean().optional(),
  verified: z.boolean().optional(),
  entries: z.number().optional(),
  checked: z.number().optional(),
  head: z.string().nullable().optional(),
  first_bad: z.unknown().optional(),
  message: z.string().optional(),
});
export type AuditVerify = z.infer<typeof AuditVerify>;

/** A published policy document version (GET /v1/documents). */
export const PolicyDocument = z.looseObject({
  id: z.union([z.string(), z.number()]).optional(),
  document_id: z.union([z.string(), z.number()]).optional(),
  kind: z.string().nullable().optional(),
  title: z.string().nullable().optional(),
  version: z.union([z.string(), z.number()]).nullable().optional(),
  published_at: instant.nullable().optional(),
  effective_at: instant.nullable().optional(),
  url: z.string().nullable().optional(),
  summary: z.string().nullable().optional(),
});
export type PolicyDocument = z.infer<typeof PolicyDocument>;
export const PolicyDocuments = listOf(PolicyDocument, ["documents", "items"]);

/** A preset or the active policy (GET /v1/policies). */
export const PolicySummary = z.looseObject({
  name: z.string(),
  title: z.string().nullable().optional(),
  description: z.string().nullable().optional(),
  sha256: z.string().nullable().optional(),
  yaml: z.string().nullable().optional(),
});
export type PolicySummary = z.infer<typeof PolicySummary>;
export const Policies = z.looseObject({
  presets: listOf(PolicySummary, ["presets"]).optional(),
  active: PolicySummary.nullable().optional(),
});
export type Policies = z.infer<typeof Policies>;

/** One side of a what-if comparison. */
export const WhatIfSide = z.looseObject({
  name: z.string().nullable().optional(),
  policy: z.unknown().optional(),
  counts: z
    .looseObject({
      input: z.number().optional(),
      included: z.number().optional(),
      excluded: z.record(z.string(), z.number()).optional(),
    })
    .optional(),
  included_items: z.number().optional(),
  included_members: z.number().optional(),
  members: z
    .looseObject({ included: z.number().optional(), total: z.number().optional() })
    .optional(),
});
export type WhatIfSide = z.infer<typeof WhatIfSide>;

/** A reason or region row of a what-if answer. */
export const WhatIfBreakdown = z.looseObject({
  reason: z.string().optional(),
  region: z.string().optional(),
  baseline: z.number().optional(),
  policy: z.number().optional(),
  candidate: z.number().optional(),
  items_baseline: z.number().optional(),
  items_policy: z.number().optional(),
  members_baseline: z.number().optional(),
  members_policy: z.number().optional(),
  newly_included: z.number().optional(),
  newly_excluded: z.number().optional(),
});
export type WhatIfBreakdown = z.infer<typeof WhatIfBreakdown>;

/** POST /v1/admin/whatif. */
export const WhatIf = z.looseObject({
  source: z.string().nullable().optional(),
  baseline: WhatIfSide,
  policy: WhatIfSide.optional(),
  candidate: WhatIfSide.optional(),
  changes: z
    .looseObject({
      items_newly_included: z.number().optional(),
      items_newly_excluded: z.number().optional(),
      members_newly_included: z.number().optional(),
      members_newly_excluded: z.number().optional(),
    })
    .optional(),
  by_reason: z.array(WhatIfBreakdown).optional(),
  by_region: z.array(WhatIfBreakdown).optional(),
});
export type WhatIf = z.infer<typeof WhatIf>;

/** GET /healthz. */
export const Health = z.looseObject({
  ok: z.boolean().optional(),
  status: z.string().optional(),
  demo: z.boolean().optional(),
  backend: z.string().optional(),
});

/** Anything: for answers the UI only needs to arrive (a download, an acknowledgement). */
export const AnyJson = z.unknown();
