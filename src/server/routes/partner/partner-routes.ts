/**
 * The partner API (docs/api.md, "Partner"): the consent feed in commit order with a resumable
 * cursor, and webhook registration (deliveries are made by the webhook worker).
 */
import { randomBytes } from "node:crypto";
import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import { z } from "zod";
import { TrainGateError } from "../../../errors.js";
import type { WebhookRecord } from "../../../ledger/ledger-store.js";
import { formatInstant } from "../../../policy/time.js";
import { principalLabel } from "../../auth/roles.js";
import type { ServerContext } from "../../context.js";
import { assertWebhookUrl } from "../../webhooks/destinations.js";
import { feedEventJson, START_CURSOR } from "../../webhooks/feed-json.js";
import { parsed, zodScope } from "../../zod-scope.js";

const PARTNER = { audience: "partner" } as const;
const TAGS = ["partner"];

const FeedQuery = z.strictObject({
  after: z.string().max(256).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(500),
});
const WebhookBody = z.strictObject({
  url: z.url({ protocol: /^https?$/ }).max(2048),
  secret: z.string().min(16).max(256).optional(),
  /** A feed cursor to start after; omitted: from the beginning of the feed. */
  after: z.string().max(256).optional(),
});

function ownerOf(request: FastifyRequest): string {
  const p = request.principal;
  if (p?.kind !== "service") throw new TrainGateError("TG_E_FORBIDDEN", "partners only");
  return p.keyId;
}

function webhookJson(h: WebhookRecord) {
  return { id: h.id, url: h.url, cursor: h.cursor, created_at: formatInstant(h.createdAt) };
}

/** Registers the partner routes. */
export const partnerRoutes: FastifyPluginAsync<ServerContext> = async (app, ctx) => {
  zodScope(app);

  app.get(
    "/v1/feed/consent",
    {
      config: PARTNER,
      schema: {
        tags: TAGS,
        summary:
          "Consent changes in commit order; pass next_cursor back as `after` to resume with no gap and no repeat",
        querystring: FeedQuery,
      },
    },
    async (request) => {
      const q = parsed(FeedQuery, request.query);
      const after = q.after === undefined || q.after === START_CURSOR ? null : q.after;
      const page = await ctx.store.changesAfter(after, q.limit);
      return { events: page.events.map(feedEventJson), next_cursor: page.nextCursor };
    },
  );

  app.post(
    "/v1/partner/webhooks",
    {
      config: PARTNER,
      schema: {
        tags: TAGS,
        summary:
          "Register a webhook (an https URL on a public address, unless the operator allows more); deliveries are signed X-TrainGate-Signature: sha256=<HMAC of the body>, retried with backoff, resumed after downtime",
        body: WebhookBody,
      },
    },
    async (request, reply) => {
      const b = parsed(WebhookBody, request.body);
      assertWebhookUrl(b.url, ctx.webhookDestinations);
      const secret = b.secret ?? randomBytes(32).toString("base64url");
      if (b.after !== undefined && b.after !== START_CURSOR) {
        await ctx.store.changesAfter(b.after, 1); // rejects a malformed cursor before storing it
      }
      const hook = await ctx.store.registerWebhook(
        { owner: ownerOf(request), url: b.url, secret },
        b.after ?? START_CURSOR,
        { actor: principalLabel(request.principal!), requestId: request.id },
      );
      return reply.status(201).send({ ...webhookJson(hook), secret });
    },
  );

  app.get(
    "/v1/partner/webhooks",
    {
      config: PARTNER,
      schema: { tags: TAGS, summary: "My webhooks and how far their deliveries got" },
    },
    async (request) => {
      const owner = ownerOf(request);
      return {
        webhooks: (await ctx.store.listWebhooks())
          .filter((h) => h.owner === owner)
          .map(webhookJson),
      };
    },
  );
};
