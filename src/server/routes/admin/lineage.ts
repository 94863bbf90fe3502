/**
 * The admin lineage routes (docs/api.md, "Admin"): runs with their counts, model
 * registration, and the obligations queue with status changes (audited in the ledger).
 */
import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import { z } from "zod";
import { TrainGateError } from "../../../errors.js";
import type { NewAuditEntry } from "../../../ledger/ledger-store.js";
import { ledgerFeed } from "../../../lineage/ledger-feed.js";
import type { Model, Obligation, Run } from "../../../lineage/lineage-store.js";
import { processObligations } from "../../../lineage/obligation-feed.js";
import {
  CLOSING_STATUSES,
  OBLIGATION_STATUSES,
  STATUS_TEXT,
} from "../../../lineage/obligation-status.js";
import { sharedLineage } from "../../../lineage/open-lineage.js";
import { formatInstant } from "../../../policy/time.js";
import { principalLabel, type Role } from "../../auth/roles.js";
import type { ServerContext } from "../../context.js";
import { parsed, zodScope } from "../../zod-scope.js";

const TAGS = ["admin", "lineage"];
const admin = (...roles: Role[]) => ({ audience: "admin" as const, roles });

const RunsQuery = z.strictObject({
  purpose: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
const RunParams = z.object({ runId: z.string().min(1).max(256) });
const ModelBody = z.strictObject({
  name: z.string().min(1).max(200),
  version: z.string().min(1).max(100).optional(),
  run_ids: z.array(z.string().min(1).max(256)).min(1).max(1000),
});
const ObligationsQuery = z.strictObject({
  status: z.enum(OBLIGATION_STATUSES).optional(),
  member_id: z.string().min(1).max(256).optional(),
  run_id: z.string().min(1).max(256).optional(),
  purpose: z.string().max(64).optional(),
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
const ObligationParams = z.object({ id: z.coerce.number().int().min(1) });
const ObligationPatch = z.strictObject({
  status: z.enum(CLOSING_STATUSES),
  reason: z.string().trim().min(1).max(2000),
});
const RunResolveBody = z.strictObject({
  status: z.enum(CLOSING_STATUSES),
  reason: z.string().trim().min(1).max(2000),
});

/** A run as the admin API shows it (the manifest only in the single-run view). */
export function runJson(r: Run, withManifest = false) {
  return {
    run_id: r.runId,
    purpose: r.purpose,
    as_of: formatInstant(r.asOf),
    registered_at: formatInstant(r.registeredAt),
    policy: r.policy,
    merkle_root: r.merkleRoot,
    output: r.output,
    counts: r.counts,
    members: r.members,
    items: r.items,
    member_consent: r.memberConsent,
    bitmap_bytes: r.bitmapBytes,
    ...(withManifest ? { manifest: r.manifest, regions: r.regions } : {}),
  };
}

/** A model as the API shows it. */
export function modelJson(m: Model) {
  return {
    model_id: m.modelId,
    name: m.name,
    version: m.version,
    registered_at: formatInstant(m.registeredAt),
    run_ids: m.runIds,
  };
}

/** An obligation as the API shows it. */
export function obligationJson(o: Obligation) {
  return {
    id: o.id,
    member_id: o.memberId,
    run_id: o.runId,
    purpose: o.purpose,
    trigger_event: o.triggerKey,
    opted_out_at: formatInstant(o.triggerAt),
    created_at: formatInstant(o.createdAt),
    status: o.status,
    status_text: STATUS_TEXT[o.status],
    reason: o.reason,
    resolved_at: o.resolvedAt === null ? null : formatInstant(o.resolvedAt),
  };
}

function actorOf(request: FastifyRequest): string {
  if (request.principal === null) throw new TrainGateError("TG_E_UNAUTHENTICATED", "no caller");
  return principalLabel(request.principal);
}

/** Appends an audit entry for `request`'s caller. */
function audit(
  ctx: ServerContext,
  request: FastifyRequest,
  action: string,
  subject: string,
  details: NewAuditEntry["details"],
) {
  return ctx.store.appendAudit({
    actor: actorOf(request),
    action,
    subject,
    requestId: request.id,
    details,
  });
}

/** Registers the admin lineage routes. */
export const adminLineageRoutes: FastifyPluginAsync<ServerContext> = async (app, ctx) => {
  zodScope(app);
  const lineage = await sharedLineage(ctx.store, ctx.now);
  const sync = () => processObligations(lineage, ledgerFeed(ctx.store));

  app.get(
    "/v1/admin/runs",
    {
      config: admin("ml_engineer", "privacy_admin", "auditor"),
      schema: {
        tags: TAGS,
        summary: "Registered runs, newest first, with counts by reason",
        querystring: RunsQuery,
      },
    },
    async (request) => {
      const q = parsed(RunsQuery, request.query);
      const runs = await lineage.listRuns({
        limit: q.limit,
        ...(q.purpose === undefined ? {} : { purpose: q.purpose }),
      });
      return { runs: runs.map((r) => runJson(r)) };
    },
  );

  app.get(
    "/v1/admin/runs/:runId",
    {
      config: admin("ml_engineer", "privacy_admin", "auditor"),
      schema: {
        tags: TAGS,
        summary: "One run: manifest, counts, models and its obligations",
        params: RunParams,
      },
    },
    async (request) => {
      const { runId } = parsed(RunParams, request.params);
      await sync();
      const run = await lineage.getRun(runId);
      const { byStatus } = await lineage.obligationCounts({ runId });
      return {
        ...runJson(run, true),
        models: (await lineage.listModels([runId])).map(modelJson),
        obligations: byStatus,
      };
    },
  );

  app.post(
    "/v1/admin/models",
    {
      config: admin("ml_engineer"),
      schema: { tags: TAGS, summary: "Register a model trained on runs", body: ModelBody },
    },
    async (request, reply) => {
      const b = parsed(ModelBody, request.body);
      const model = await lineage.registerModel({
        name: b.name,
        version: b.version,
        runIds: b.run_ids,
      });
      await audit(ctx, request, "model.register", `model:${model.modelId}`, {
        runs: [...model.runIds],
      });
      return reply.status(201).send(modelJson(model));
    },
  );

  app.get(
    "/v1/admin/obligations",
    {
      config: admin("privacy_admin", "ml_engineer", "auditor"),
      schema: {
        tags: TAGS,
        summary: "The obligations queue, oldest first, paged by id",
        querystring: ObligationsQuery,
      },
    },
    async (request) => {
      const q = parsed(ObligationsQuery, request.query);
      await sync();
      const list = await lineage.listObligations({
        afterId: q.after,
        limit: q.limit,
        ...(q.status === undefined ? {} : { status: q.status }),
        ...(q.member_id === undefined ? {} : { memberId: q.member_id }),
        ...(q.run_id === undefined ? {} : { runId: q.run_id }),
        ...(q.purpose === undefined ? {} : { purpose: q.purpose }),
      });
      const last = list[list.length - 1];
      return { obligations: list.map(obligationJson), next_after: last?.id ?? q.after };
    },
  );

  app.post(
    "/v1/admin/runs/:runId/obligations/resolve",
    {
      config: admin("privacy_admin", "ml_engineer"),
      schema: {
        tags: TAGS,
        summary:
          "Close every open obligation of a run at once (its models were retrained without the members, unlearned or retired), with a reason; already closed ones keep theirs",
        params: RunParams,
        body: RunResolveBody,
      },
    },
    async (request) => {
      const { runId } = parsed(RunParams, request.params);
      const b = parsed(RunResolveBody, request.body);
      await sync();
      const done = await lineage.resolveRunObligations(runId, b.status, b.reason);
      await audit(ctx, request, "obligation.resolve_run", `run:${runId}`, {
        status: b.status,
        reason: b.reason,
        resolved: done.resolved,
      });
      return { run_id: done.runId, status: b.status, resolved: done.resolved };
    },
  );

  app.patch(
    "/v1/admin/obligations/:id",
    {
      config: admin("privacy_admin", "ml_engineer"),
      schema: {
        tags: TAGS,
        summary:
          "Close an open obligation: retrained, unlearned, model_retired or not_required, with a reason",
        params: ObligationParams,
        body: ObligationPatch,
      },
    },
    async (request) => {
      const { id } = parsed(ObligationParams, request.params);
      const b = parsed(ObligationPatch, request.body);
      const o = await lineage.resolveObligation(id, b.status, b.reason);
      await audit(ctx, request, "obligation.resolve", `obligation:${id}`, {
        status: o.status,
        reason: b.reason,
        member: o.memberId,
        run: o.runId,
      });
      return obligationJson(o);
    },
  );
};
