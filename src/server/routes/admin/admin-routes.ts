/**
 * The admin API (docs/api.md, "Admin"): bulk consent import, policy documents, opt-out
 * aggregates, the audit log and its verification, what-if counts and API keys. Each route
 * names the roles that may call it; every action lands in the ledger's hash-chained audit log
 * (the ledger audits its writes; reads that compute something, like what-if, are audited here).
 */
import type { Readable } from "node:stream";
import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import { z } from "zod";
import { TrainGateError } from "../../../errors.js";
import { consentFileEvents } from "../../../ledger/import-file.js";
import {
  type ApiKeyRecord,
  type AuditEntry,
  DOCUMENT_KINDS,
} from "../../../ledger/ledger-store.js";
import { formatInstant, parseTimestamp } from "../../../policy/time.js";
import { generateApiKey } from "../../auth/api-key.js";
import { principalLabel, ROLES, type Role } from "../../auth/roles.js";
import type { ServerContext } from "../../context.js";
import { checkIdempotency, sendReplay } from "../../idempotency.js";
import { parsed, zodScope } from "../../zod-scope.js";
import { documentJson } from "../public/public-routes.js";
import { IMPORT_TYPES, spoolBody } from "./import-body.js";
import { runWhatIf, WhatIfBody } from "./whatif.js";

const TAGS = ["admin"];
const admin = (...roles: Role[]) => ({ audience: "admin" as const, roles });

const Timestamp = z
  .string()
  .refine(
    (s) => parseTimestamp(s) !== null,
    "expected an RFC 3339 timestamp (2025-01-01T00:00:00Z)",
  );

const DocumentBody = z.strictObject({
  kind: z.enum(DOCUMENT_KINDS),
  version: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/),
  title: z.string().min(1).max(512),
  body: z.string().min(1).max(1_000_000),
  published_at: Timestamp.optional(),
  effective_at: Timestamp,
});
const StatsQuery = z.strictObject({
  until: Timestamp.optional(),
  purpose: z.string().max(64).optional(),
  region: z.enum(["EEA", "CH", "GB", "REST", "unknown"]).optional(),
});
const AuditQuery = z.strictObject({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
const ApiKeyBody = z.strictObject({
  roles: z.array(z.enum(ROLES)).min(1).max(4),
  label: z.string().max(256).default(""),
});
const KeyParams = z.object({ id: z.string().regex(/^[A-Za-z0-9]{4,64}$/) });

function actorOf(request: FastifyRequest): string {
  if (request.principal === null) throw new TrainGateError("TG_E_UNAUTHENTICATED", "no caller");
  return principalLabel(request.principal);
}

function auditJson(e: AuditEntry) {
  return {
    seq: e.seq,
    at: formatInstant(e.at),
    actor: e.actor,
    action: e.action,
    subject: e.subject,
    request_id: e.requestId,
    details: e.details,
    prev_hash: e.prevHash,
    entry_hash: e.entryHash,
  };
}

/** An API key as lists show it: never the hash. */
export function apiKeyJson(k: ApiKeyRecord) {
  return {
    id: k.id,
    roles: k.roles,
    label: k.label,
    created_at: formatInstant(k.createdAt),
    revoked_at: k.revokedAt === null ? null : formatInstant(k.revokedAt),
  };
}

/** Registers the admin routes. */
export const adminRoutes: FastifyPluginAsync<ServerContext> = async (app, ctx) => {
  zodScope(app);

  // The import reads its body as a stream; JSON is refused there with a clear message.
  for (const type of Object.keys(IMPORT_TYPES)) {
    app.addContentTypeParser(type, (_request, payload, done) => done(null, payload));
  }

  app.post(
    "/v1/admin/consent/import",
    {
      config: { ...admin("privacy_admin"), streamedBody: true },
      bodyLimit: 4 * 1024 ** 3,
      schema: {
        tags: TAGS,
        summary:
          "Bulk import consent events (CSV with a header row, or JSON Lines), streamed, in one transaction; idempotent",
      },
    },
    async (request, reply) => {
      const type = (request.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
      const format = IMPORT_TYPES[type];
      if (format === undefined) {
        throw new TrainGateError(
          "TG_E_BAD_INPUT",
          `send the events as text/csv or application/x-ndjson (got ${JSON.stringify(type || "no content type")})`,
        );
      }
      const idem = request.idempotency!;
      const body = await spoolBody(
        request.body as Readable,
        format,
        `${request.method} ${request.url.split("?")[0]}\n${format}\n`,
      );
      try {
        idem.requestHash = body.sha256;
        const replay = await checkIdempotency(ctx, idem);
        if (replay !== null) return sendReplay(request, reply, replay);
        const r = await ctx.store.importEvents(consentFileEvents(body.path, "body"), {
          actor: actorOf(request),
          requestId: request.id,
          label: `api import ${idem.key} (${body.bytes} bytes, sha256 ${body.sha256})`,
        });
        return {
          rows: r.rows,
          inserted: r.inserted,
          duplicates: r.duplicates,
          erased: r.erased,
          last_position: r.lastPosition,
          sha256: body.sha256,
        };
      } finally {
        await body.remove();
      }
    },
  );

  app.post(
    "/v1/admin/documents",
    {
      config: admin("privacy_admin"),
      schema: { tags: TAGS, summary: "Publish a policy document version", body: DocumentBody },
    },
    async (request, reply) => {
      const b = parsed(DocumentBody, request.body);
      const doc = await ctx.store.publishDocument(
        {
          kind: b.kind,
          version: b.version,
          title: b.title,
          body: b.body,
          publishedAt: b.published_at === undefined ? ctx.now() : parseTimestamp(b.published_at)!,
          effectiveAt: parseTimestamp(b.effective_at)!,
        },
        { actor: actorOf(request), requestId: request.id },
      );
      ctx.continuedUse.invalidate();
      return reply.status(201).send(documentJson(doc, true));
    },
  );

  app.get(
    "/v1/admin/stats/opt-outs",
    {
      config: admin("privacy_admin", "auditor", "ml_engineer"),
      schema: {
        tags: TAGS,
        summary: "Opt-out rate by month, region and purpose",
        querystring: StatsQuery,
      },
    },
    async (request) => {
      const q = parsed(StatsQuery, request.query);
      const until = q.until === undefined ? ctx.now() : parseTimestamp(q.until)!;
      const stats = (await ctx.store.optOutStats(until)).filter(
        (s) =>
          (q.purpose === undefined || s.purpose === q.purpose) &&
          (q.region === undefined || s.region === q.region),
      );
      return {
        until: formatInstant(until),
        stats: stats.map((s) => ({
          month: s.month,
          region: s.region,
          purpose: s.purpose,
          members: s.members,
          opted_out: s.optedOut,
          rate: s.rate,
        })),
      };
    },
  );

  app.get(
    "/v1/admin/audit",
    {
      config: admin("auditor", "privacy_admin"),
      schema: {
        tags: TAGS,
        summary: "Audit log entries after a sequence number",
        querystring: AuditQuery,
      },
    },
    async (request) => {
      const q = parsed(AuditQuery, request.query);
      const entries = await ctx.store.auditEntries(q.after, q.limit);
      const last = entries[entries.length - 1];
      return { entries: entries.map(auditJson), next_after: last?.seq ?? q.after };
    },
  );

  app.get(
    "/v1/admin/audit/verify",
    {
      config: admin("auditor", "privacy_admin"),
      schema: { tags: TAGS, summary: "Recompute the audit hash chain and report the first break" },
    },
    async () => {
      const v = await ctx.store.verifyAudit();
      return v.ok
        ? { ok: true, entries: v.entries, head: v.head }
        : { ok: false, entries: v.entries, broken_seq: v.brokenSeq, problem: v.problem };
    },
  );

  app.post(
    "/v1/admin/whatif",
    {
      config: admin("privacy_admin", "ml_engineer"),
      schema: {
        tags: TAGS,
        summary: "Items and members that change status between two policies, by reason and region",
        body: WhatIfBody,
      },
    },
    async (request) => {
      const body = parsed(WhatIfBody, request.body);
      const result = await runWhatIf(ctx, body);
      await ctx.store.appendAudit({
        actor: actorOf(request),
        action: "whatif.run",
        subject: `${result.baseline}->${result.policy}`,
        requestId: request.id,
        details: {
          purpose: result.purpose,
          as_of: result.as_of,
          items: result.changes.items,
          members_changed: result.changes.membersChanged,
        },
      });
      return result;
    },
  );

  app.post(
    "/v1/admin/api-keys",
    {
      config: admin("privacy_admin"),
      schema: {
        tags: TAGS,
        summary: "Create an API key (the secret is shown once)",
        body: ApiKeyBody,
      },
    },
    async (request, reply) => {
      const b = parsed(ApiKeyBody, request.body);
      const key = generateApiKey();
      const record = await ctx.store.createApiKey(
        { id: key.id, secretHash: key.secretHash, roles: [...new Set(b.roles)], label: b.label },
        { actor: actorOf(request), requestId: request.id },
      );
      return reply.status(201).send({ ...apiKeyJson(record), token: key.token });
    },
  );

  app.get(
    "/v1/admin/api-keys",
    {
      config: admin("privacy_admin", "auditor"),
      schema: { tags: TAGS, summary: "API keys (ids, roles, labels; never secrets)" },
    },
    async () => ({ keys: (await ctx.store.listApiKeys()).map(apiKeyJson) }),
  );

  app.delete(
    "/v1/admin/api-keys/:id",
    {
      config: admin("privacy_admin"),
      schema: { tags: TAGS, summary: "Revoke an API key", params: KeyParams },
    },
    async (request) => {
      const { id } = parsed(KeyParams, request.params);
      await ctx.store.revokeApiKey(id, { actor: actorOf(request), requestId: request.id });
      return { id, revoked: true };
    },
  );
};
