/**
 * Demo mode's sign-in (`--demo` only; without it these routes do not exist and the server
 * answers 404): `/demo/login/:who` signs a token with the data directory's demo key, sets it
 * as the httpOnly SameSite=Strict `tg_session` cookie and redirects to the UI. `admin` gives
 * an admin session with the privacy_admin, auditor and ml_engineer roles.
 */
import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";
import { SESSION_COOKIE } from "../../auth/authenticate.js";
import { signDemoToken } from "../../auth/demo-key.js";
import type { ServerContext } from "../../context.js";
import { parsed, zodScope } from "../../zod-scope.js";

const DEMO = { audience: "demo" } as const;
const TTL_SECONDS = 8 * 3600;
const LoginParams = z.object({ who: z.string().min(1).max(256) });

function cookie(value: string, maxAge: number): string {
  return `${SESSION_COOKIE}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}`;
}

/** Registers the demo routes; a no-op unless the server is in demo mode. */
export const demoRoutes: FastifyPluginAsync<ServerContext> = async (app, ctx) => {
  const key = ctx.demoKey;
  if (key === undefined) return;
  zodScope(app);

  app.get(
    "/demo/login/:who",
    {
      config: DEMO,
      schema: {
        tags: ["demo"],
        summary: "Demo mode only: sign in as a member (or `admin`) and go to the UI",
        params: LoginParams,
      },
    },
    async (request, reply) => {
      const { who } = parsed(LoginParams, request.params);
      const nowSeconds = Math.floor(ctx.now() / 1_000_000);
      const token =
        who === "admin"
          ? await signDemoToken(key, "admin", {
              roles: ["privacy_admin", "auditor", "ml_engineer"],
              nowSeconds,
              ttlSeconds: TTL_SECONDS,
            })
          : await signDemoToken(key, who, {
              country: (await ctx.store.getMember(who))?.country ?? null,
              nowSeconds,
              ttlSeconds: TTL_SECONDS,
            });
      return reply.header("set-cookie", cookie(token, TTL_SECONDS)).redirect("/", 302);
    },
  );

  app.get(
    "/demo/logout",
    { config: DEMO, schema: { tags: ["demo"], summary: "Demo mode only: sign out" } },
    async (_request, reply) => reply.header("set-cookie", cookie("", 0)).redirect("/", 302),
  );
};
