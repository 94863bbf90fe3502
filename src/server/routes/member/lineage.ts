/**
 * GET /v1/me/lineage (docs/api.md, "Member"): the runs and models that used my content, the
 * obligations my opt-outs opened, and what opting out changed, in plain words.
 */
import type { FastifyPluginAsync } from "fastify";
import { TrainGateError } from "../../../errors.js";
import { ledgerFeed } from "../../../lineage/ledger-feed.js";
import { memberLineage } from "../../../lineage/member-lineage.js";
import { processObligations } from "../../../lineage/obligation-feed.js";
import { sharedLineage } from "../../../lineage/open-lineage.js";
import type { ServerContext } from "../../context.js";
import { zodScope } from "../../zod-scope.js";

/**
 * A member's lineage with obligations brought up to date first, so an opt-out made a moment
 * ago shows. Shared by GET /v1/me/lineage and the GET /v1/me/export download.
 */
export async function currentMemberLineage(ctx: ServerContext, memberId: string) {
  const lineage = await sharedLineage(ctx.store, ctx.now);
  await processObligations(lineage, ledgerFeed(ctx.store));
  return memberLineage(lineage, memberId);
}

/** Registers the member lineage route. */
export const memberLineageRoutes: FastifyPluginAsync<ServerContext> = async (app, ctx) => {
  zodScope(app);
  app.get(
    "/v1/me/lineage",
    {
      config: { audience: "member" },
      schema: {
        tags: ["member"],
        summary:
          "Runs and models that used my content, obligations my opt-outs opened, and what opting out changed",
      },
    },
    async (request) => {
      const p = request.principal;
      if (p?.kind !== "member") throw new TrainGateError("TG_E_FORBIDDEN", "members only");
      return currentMemberLineage(ctx, p.memberId);
    },
  );
};
