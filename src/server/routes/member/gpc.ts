/**
 * Global Privacy Control: a member request carrying `Sec-GPC: 1` records a `deny` with source
 * `gpc` for every purpose whose policy honours GPC, once per purpose. The signal overrides any
 * earlier choice; but once it is on record, a later explicit `allow` by the member (made
 * knowing the signal is on, e.g. on the settings page that says so) stands, although the
 * browser keeps sending the signal — as the CCPA regulations (§ 7025(c)(3)) let a business do
 * when the consumer confirms a business-specific setting. The response says so in the
 * `X-TrainGate-GPC` header and, on member JSON bodies, a `gpc` field.
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
  /**
   * Purposes where the signal is on record but the member's later explicit choice stands
   * (their current state is not the gpc deny).
   */
  readonly choice_kept: readonly string[];
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
  let kept: string[] = [];
  // The member's row and states in one read (memberView), only when GPC can matter.
  const view = honoured.length > 0 ? await ctx.store.memberView(memberId) : null;
  // An erased member's tombstones already deny everything, and appends would be refused.
  if (view !== null && view.member?.erasedAt == null) {
    const states = new Map(view.states.map((s) => [s.purpose, s]));
    const pending = honoured.filter((p) => {
      const s = states.get(p);
      return !(s !== undefined && s.choice === "deny" && (s.source === "gpc" || s.erased));
    });
    // Only a member whose state moved away from a gpc deny gets here twice: read the history.
    const onRecord =
      pending.length === 0
        ? new Set<string>()
        : new Set(
            (await ctx.store.history(memberId))
              .filter((e) => e.source === "gpc")
              .map((e) => e.purpose),
          );
    recorded = pending.filter((p) => !onRecord.has(p));
    kept = pending.filter((p) => onRecord.has(p));
    if (recorded.length > 0) {
      const at = ctx.now();
      await ctx.store.appendEvents(
        recorded.map((purpose) => ({ memberId, purpose, choice: "deny", at, source: "gpc" })),
        { actor: `member:${memberId}`, requestId: request.id },
      );
    }
  }
  const outcome: GpcOutcome = {
    signal: true,
    honoured_for: honoured,
    recorded,
    choice_kept: kept,
  };
  const already = honoured.filter((p) => !recorded.includes(p) && !kept.includes(p));
  const parts = [
    recorded.length > 0 ? `recorded=${recorded.join(",")}` : null,
    already.length > 0 ? `already-recorded=${already.join(",")}` : null,
    kept.length > 0 ? `choice-kept=${kept.join(",")}` : null,
  ].filter((x) => x !== null);
  void reply.header("x-traingate-gpc", parts.length > 0 ? parts.join("; ") : "not-honoured");
  return outcome;
}
