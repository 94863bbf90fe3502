/**
 * Global Privacy Control: a member request carrying `Sec-GPC: 1` records a `deny` with source
 * `gpc` for every purpose whose policy honours GPC, once — not again while the member's state
 * for that purpose already is a gpc deny. The response says so in the `X-TrainGate-GPC`
 * header and, on member JSON bodies, a `gpc` field.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import type { ServerContext } from "../../context.js";

/** What a GPC signal did on this request. */
export interface GpcOutcome {
  readonly signal: true;
  /** Purposes whose policy honours GPC. */
  readonly honoured_for: readonly string[];
  /** Purposes for which this request recorded a gpc deny (empty when already recorded). */
  readonly recorded: readonly string[];
}

declare module "fastify" {
  interface FastifyRequest {
    /** Set on member requests that carried `Sec-GPC: 1`. */
    gpc: GpcOutcome | null;
  }
}

/** True when the request carries the GPC signal (`Sec-GPC: 1`, per the GPC specification). */
export function hasGpcSignal(request: FastifyRequest): boolean {
  const v = request.headers["sec-gpc"];
  return typeof v === "string" && v.trim() === "1";
}

/** Records the GPC deny for `memberId` where needed; returns the outcome (null without signal). */
export async function applyGpc(
  ctx: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
  memberId: string,
): Promise<GpcOutcome | null> {
  if (!hasGpcSignal(request)) return null;
  const honoured = Object.entries(ctx.policy.purposes)
    .filter(([, rule]) => rule.gpc)
    .map(([p]) => p)
    .sort();
  let recorded: string[] = [];
  const member = honoured.length > 0 ? await ctx.store.getMember(memberId) : null;
  // An erased member's tombstones already deny everything, and appends would be refused.
  if (honoured.length > 0 && member?.erasedAt == null) {
    const states = new Map((await ctx.store.currentState(memberId)).map((s) => [s.purpose, s]));
    recorded = honoured.filter((p) => {
      const s = states.get(p);
      return !(s !== undefined && s.choice === "deny" && (s.source === "gpc" || s.erased));
    });
    if (recorded.length > 0) {
      const at = ctx.now();
      await ctx.store.appendEvents(
        recorded.map((purpose) => ({ memberId, purpose, choice: "deny", at, source: "gpc" })),
        { actor: `member:${memberId}`, requestId: request.id },
      );
    }
  }
  const outcome: GpcOutcome = { signal: true, honoured_for: honoured, recorded };
  void reply.header(
    "x-traingate-gpc",
    recorded.length > 0
      ? `recorded=${recorded.join(",")}`
      : honoured.length > 0
        ? `already-recorded=${honoured.join(",")}`
        : "not-honoured",
  );
  return outcome;
}
