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
  content_used: z.boolean().nullable().optional(),
  minimum_age: z.number().nullable().optional(),
  gpc_honoured: z.boolean().nullable().optional(),
});
export type Setting = z.infer<typeof Setting>;

/** What a Global Privacy Control signal did on a member request (null: no signal). */
export const Gpc = z.looseObject({
  honoured_for: z.array(z.string()).optional(),
  recorded: z.array(z.string()).optional(),
  choice_kept: z.array(z.string()).optional(),
});
export type Gpc = z.infer<typeof Gpc>;

/** GET /v1/me/settings. */
export const Settings = z.looseObject({
  member_id: z.string().optional(),
  settings: z.array(Setting),
  gpc: Gpc.nullable().optional(),
});

/** The answer to PUT /v1/me/settings/{purpose}: the new setting and the GPC outcome. */
export const SettingUpdate = z.looseObject({
  setting: Setting.optional(),
  gpc: Gpc.nullable().optional(),
});
export type SettingUpdate = z.infer<typeof SettingUpdate>;

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
  notified_at: instant.nullable().optional(),
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
  /** Included items and members of the run (admin view). */
  items: z.number().nullable().optional(),
  members: z.number().nullable().optional(),
  /** Models trained on the run (member view). */
  models: z.array(z.looseObject({ model_id: z.string() })).optional(),
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
  status_text: z.string().nullable().optional(),
  opted_out_at: instant.nullable().optional(),
  due_by: instant.nullable().optional(),
  models: z.array(z.string()).optional(),
  opened_at: instant.nullable().optional(),
  created_at: instant.nullable().optional(),
  trigger_at: instant.nullable().optional(),
  resolved_at: instant.nullable().optional(),
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
  /** One entry per opt-out of mine, with what it changed in plain words. */
  opt_outs: z
    .array(
      z.looseObject({
        purpose: z.string(),
        opted_out_at: instant,
        source: z.string().nullable().optional(),
        summary: z.string(),
      }),
    )
    .optional(),
  summary: z.string().nullable().optional(),
});
export type Lineage = z.infer<typeof Lineage>;

/** One cell of the opt-out statistics: a month, a region group and a purpose. */
export const StatRow = z.looseObject({
  month: z.string(),
  region: z.string(),
  purpose: z.string(),
  members: z.number(),
  opted_out: z.number(),
  rate: z.number(),
});
export type StatRow = z.infer<typeof StatRow>;

/** GET /v1/admin/stats/opt-outs: each month's state at the month's end. */
export const OptOutStats = z.looseObject({
  until: z.string().optional(),
  stats: z.array(StatRow),
});
export type OptOutStats = z.infer<typeof OptOutStats>;

/** One audit log entry. */
export const AuditEntry = z.looseObject({
  seq: z.number().optional(),
  at: instant.nullable().optional(),
  actor: z.string().nullable().optional(),
  action: z.string().nullable().optional(),
  subject: z.string().nullable().optional(),
  entry_hash: z.string().nullable().optional(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
/** GET /v1/admin/audit: one page of entries in chain order and the cursor of the next. */
export const AuditPage = z.looseObject({
  entries: z.array(AuditEntry),
  next_after: z.number(),
});

/** GET /v1/admin/audit/verify. */
export const AuditVerify = z.looseObject({
  ok: z.boolean(),
  entries: z.number().optional(),
  head: z.string().nullable().optional(),
  broken_seq: z.number().nullable().optional(),
  problem: z.string().nullable().optional(),
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
  body: z.string().nullable().optional(),
});
export type PolicyDocument = z.infer<typeof PolicyDocument>;
export const PolicyDocuments = listOf(PolicyDocument, ["documents", "items"]);

/** A preset or the active policy (GET /v1/policies). */
export const PolicySummary = z.looseObject({
  name: z.string(),
  title: z.string().nullable().optional(),
  description: z.string().nullable().optional(),
  sha256: z.string().nullable().optional(),
  active: z.boolean().optional(),
});
export type PolicySummary = z.infer<typeof PolicySummary>;
export const Policies = z.looseObject({
  presets: listOf(PolicySummary, ["presets"]).optional(),
  active: PolicySummary.nullable().optional(),
});
export type Policies = z.infer<typeof Policies>;

/** A count per key (reason or region group). */
const Counts = z.record(z.string(), z.number());

/**
 * POST /v1/admin/whatif: the items whose status differs between the baseline (A) and the
 * candidate (B), by reason and region, on the data it names.
 */
export const WhatIf = z.looseObject({
  policy: z.string(),
  baseline: z.string(),
  purpose: z.string(),
  as_of: z.string(),
  data: z.looseObject({ members: z.string(), items: z.string(), consent: z.string() }),
  changes: z.looseObject({
    items: z.number(),
    includedA: z.number(),
    includedB: z.number(),
    /** Included under the baseline, excluded under the candidate: the candidate's reason. */
    lostByReason: Counts,
    /** Excluded under the baseline, included under the candidate: the baseline's reason. */
    gainedByReason: Counts,
    /** Region group → [lost, gained]. */
    byRegion: z.record(z.string(), z.tuple([z.number(), z.number()])),
    membersChanged: z.number(),
  }),
});
export type WhatIf = z.infer<typeof WhatIf>;

/** GET /openapi.json, as far as the UI reads it: which paths this server offers. */
export const OpenApi = z.looseObject({ paths: z.record(z.string(), z.unknown()) });

/** Anything: for answers the UI only needs to arrive (a download, an acknowledgement). */
export const AnyJson = z.unknown();
