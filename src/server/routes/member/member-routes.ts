/**
 * The member API (docs/api.md, "Member"): my settings per purpose in plain words, changing
 * them, my history, my notices and their acceptance, and an export of it all. A member only
 * ever reaches their own records: the member id comes from the verified token, never from the
 * request.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from "fastify";
import { z } from "zod";
import { TrainGateError } from "../../../errors.js";
import type {
  MemberNotice,
  StoredConsentEvent,
  StoredMember,
} from "../../../ledger/ledger-store.js";
import { CHOICES, KNOWN_PURPOSES, PURPOSE_PATTERN } from "../../../policy/domain.js";
import { formatInstant } from "../../../policy/time.js";
import type { ServerContext } from "../../context.js";
import { idempotentAppend, replayAfterConflict, sendReplay } from "../../idempotency.js";
import { MemberBatcher } from "../../member-batcher.js";
import { parsed, zodScope } from "../../zod-scope.js";
import { describeSettings, type PurposeSettings } from "./describe-settings.js";
import { applyGpc } from "./gpc.js";
import { currentMemberLineage } from "./lineage.js";

const MEMBER = { audience: "member" } as const;
const TAGS = ["member"];
const PurposeParams = z.object({ purpose: z.string().regex(PURPOSE_PATTERN) });
const SettingBody = z.strictObject({ choice: z.enum(CHOICES) });
const DocumentParams = z.object({ documentId: z.string().min(1).max(200) });

/** The member id of an authenticated member request. */
function memberId(request: FastifyRequest): string {
  const p = request.principal;
  if (p?.kind !== "member") throw new TrainGateError("TG_E_FORBIDDEN", "members only");
  return p.memberId;
}

/** Every purpose a member has settings for: the policy's, the contract's and any with a state. */
function purposesOf(ctx: ServerContext, withState: readonly string[]): string[] {
  return [
    ...new Set([...Object.keys(ctx.policy.purposes), ...KNOWN_PURPOSES, ...withState]),
  ].sort();
}

function eventJson(e: StoredConsentEvent) {
  return {
    id: e.id,
    purpose: e.purpose,
    choice: e.choice,
    source: e.source,
    at: formatInstant(e.at),
    recorded_at: formatInstant(e.recordedAt),
    tombstone: e.tombstone,
  };
}

function noticeJson(n: MemberNotice) {
  return {
    document_id: n.document.id,
    kind: n.document.kind,
    version: n.document.version,
    title: n.document.title,
    published_at: formatInstant(n.document.publishedAt),
    effective_at: formatInstant(n.document.effectiveAt),
    notified_at: n.notifiedAt === null ? null : formatInstant(n.notifiedAt),
    accepted_at: n.acceptedAt === null ? null : formatInstant(n.acceptedAt),
    acceptance: n.acceptance,
  };
}

async function countryOf(
  ctx: ServerContext,
  request: FastifyRequest,
  id: string,
  lookup: (id: string) => Promise<StoredMember | null> = (m) => ctx.store.getMember(m),
) {
  return countryFrom(request, await lookup(id));
}

/** The member directory's country, else the token's `country` claim, else unknown. */
function countryFrom(request: FastifyRequest, member: StoredMember | null): string | null {
  if (member !== null) return member.country;
  return request.principal?.kind === "member" ? (request.principal.country ?? null) : null;
}

async function settingsOf(
  ctx: ServerContext,
  request: FastifyRequest,
  id: string,
): Promise<PurposeSettings[]> {
  const { member, states } = await ctx.store.memberView(id);
  const country = countryFrom(request, member);
  const byPurpose = new Map(states.map((s) => [s.purpose, s]));
  const now = ctx.now();
  return purposesOf(ctx, [...byPurpose.keys()]).map((p) =>
    describeSettings(p, ctx.policy.purposes[p], country, byPurpose.get(p) ?? null, now),
  );
}

async function noticesOf(ctx: ServerContext, id: string) {
  const now = ctx.now();
  const notices = await ctx.store.memberNotices(id, now);
  // Listing the documents is showing them: record the notice (the first time is kept).
  const unseen = notices.filter((n) => n.notifiedAt === null);
  for (const n of unseen) await ctx.store.recordNotice(id, n.document.id, now);
  return unseen.length === 0 ? notices : ctx.store.memberNotices(id, now);
}

/** Registers the member routes. */
export const memberRoutes: FastifyPluginAsync<ServerContext> = async (
  app: FastifyInstance,
  ctx: ServerContext,
) => {
  zodScope(app);
  app.decorateRequest("gpc", null);
  const continuedUse = ctx.continuedUse;
  // Consent writes read the member's country in batches (see MemberBatcher).
  const members = new MemberBatcher(ctx.store);
  app.addHook("preHandler", async (request, reply) => {
    if (reply.sent) return;
    const id = memberId(request);
    request.gpc = await applyGpc(ctx, request, reply, id);
    await continuedUse.touch(id, ctx.now());
  });

  app.get(
    "/v1/me/settings",
    {
      config: MEMBER,
      schema: {
        tags: TAGS,
        summary: "My settings per purpose, with what applies to me in plain words",
      },
    },
    async (request) => {
      const id = memberId(request);
      return { member_id: id, settings: await settingsOf(ctx, request, id), gpc: request.gpc };
    },
  );

  app.put(
    "/v1/me/settings/:purpose",
    {
      config: { ...MEMBER, optimisticIdempotency: true },
      schema: {
        tags: TAGS,
        summary: "Change my choice for a purpose (allow or deny)",
        params: PurposeParams,
        body: SettingBody,
      },
    },
    async (request, reply) => {
      const id = memberId(request);
      const { purpose } = parsed(PurposeParams, request.params);
      const { choice } = parsed(SettingBody, request.body);
      const known = purposesOf(ctx, []);
      if (!known.includes(purpose)) {
        const states = await ctx.store.currentState(id);
        if (!states.some((s) => s.purpose === purpose)) {
          throw new TrainGateError(
            "TG_E_NOT_FOUND",
            `unknown purpose ${JSON.stringify(purpose)}; purposes are ${known.join(", ")}`,
          );
        }
      }
      const country = await countryOf(ctx, request, id, (m) => members.get(m));
      const at = ctx.now();
      const source = request.principal?.via === "cookie" ? "settings" : "api";
      const gpc = request.gpc;
      const respond = (events: readonly StoredConsentEvent[]) => {
        const e = events[events.length - 1]!;
        return {
          member_id: id,
          event: eventJson(e),
          setting: describeSettings(purpose, ctx.policy.purposes[purpose], country, e, at),
          gpc,
        };
      };
      try {
        const events = await ctx.appender.append({
          events: [{ memberId: id, purpose, choice, at, source }],
          ctx: { actor: `member:${id}`, requestId: request.id },
          idempotency: idempotentAppend(request, 200, respond),
        });
        return reply.status(200).send(respond(events));
      } catch (e) {
        return sendReplay(request, reply, await replayAfterConflict(ctx, request, e));
      }
    },
  );

  app.get(
    "/v1/me/history",
    {
      config: MEMBER,
      schema: { tags: TAGS, summary: "My consent events, newest first" },
    },
    async (request) => {
      const id = memberId(request);
      return {
        member_id: id,
        events: (await ctx.store.history(id)).map(eventJson),
        gpc: request.gpc,
      };
    },
  );

  app.get(
    "/v1/me/notices",
    {
      config: MEMBER,
      schema: {
        tags: TAGS,
        summary: "Policy documents I was shown and accepted (explicitly or by continued use)",
      },
    },
    async (request) => {
      const id = memberId(request);
      return {
        member_id: id,
        notices: (await noticesOf(ctx, id)).map(noticeJson),
        gpc: request.gpc,
      };
    },
  );

  app.post(
    "/v1/me/notices/:documentId/accept",
    {
      config: MEMBER,
      schema: {
        tags: TAGS,
        summary: "Accept a policy document explicitly",
        params: DocumentParams,
      },
    },
    async (request) => {
      const id = memberId(request);
      const { documentId } = parsed(DocumentParams, request.params);
      const now = ctx.now();
      const doc = await ctx.store.getDocument(documentId);
      if (doc === null || doc.publishedAt > now) {
        throw new TrainGateError(
          "TG_E_NOT_FOUND",
          `no published document ${JSON.stringify(documentId)}`,
        );
      }
      await ctx.store.recordNotice(id, documentId, now);
      const a = await ctx.store.acceptDocument(id, documentId, now, {
        actor: `member:${id}`,
        requestId: request.id,
      });
      return {
        member_id: id,
        document_id: a.documentId,
        accepted_at: formatInstant(a.at),
        acceptance: a.kind,
      };
    },
  );

  app.get(
    "/v1/me/export",
    {
      config: MEMBER,
      schema: { tags: TAGS, summary: "Everything above as one JSON download" },
    },
    async (request, reply) => {
      const id = memberId(request);
      const member = await ctx.store.getMember(id);
      const body = {
        member_id: id,
        country: member?.country ?? null,
        exported_at: formatInstant(ctx.now()),
        settings: await settingsOf(ctx, request, id),
        history: (await ctx.store.history(id)).map(eventJson),
        notices: (await noticesOf(ctx, id)).map(noticeJson),
        lineage: await currentMemberLineage(ctx, id),
      };
      void reply.header(
        "content-disposition",
        `attachment; filename="traingate-${encodeURIComponent(id)}.json"`,
      );
      return body;
    },
  );
};
