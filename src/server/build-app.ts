/**
 * The Fastify application: `buildApp(options)` wires auth, errors, rate limits, idempotency,
 * OpenAPI and the route plugins of `routes/index.ts` around one ledger. Tests drive it with
 * `app.inject()`; `traingate serve` listens with it.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import rateLimit from "@fastify/rate-limit";
import fastifyStatic from "@fastify/static";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import { TrainGateError } from "../errors.js";
import type { ExportPaths } from "../export/load-export.js";
import type { LedgerStore } from "../ledger/ledger-store.js";
import type { Policy } from "../policy/model.js";
import { authorize, credentialOf, resolvePrincipal } from "./auth/authenticate.js";
import type { DemoKey } from "./auth/demo-key.js";
import { type Audience, type Principal, principalLabel, type RouteAccess } from "./auth/roles.js";
import { TokenVerifier } from "./auth/token-verifier.js";
import type { ServerContext } from "./context.js";
import { installErrorHandler, sendError } from "./error-handler.js";
import { GroupCommitter } from "./group-commit.js";
import { installIdempotency } from "./idempotency.js";
import { requestId } from "./request-id.js";
import { ROUTE_PLUGINS } from "./routes/index.js";
import { ContinuedUseTracker } from "./routes/member/continued-use.js";
import { PUBLIC_ONLY, type WebhookDestinations } from "./webhooks/destinations.js";
import { toOpenApiSchema } from "./zod-schema.js";

/** Options of `buildApp`. */
export interface AppOptions {
  readonly store: LedgerStore;
  readonly policy: Policy;
  readonly dataDir: string;
  /** Demo mode's key (`--demo`); absent means demo tokens and `/demo/login` are refused. */
  readonly demoKey?: DemoKey | undefined;
  readonly jwksUrl?: string | undefined;
  readonly jwksFile?: string | undefined;
  readonly issuer?: string | undefined;
  readonly audience?: string | undefined;
  /** The default export of what-if (`--export-dir`'s members/items/consent files). */
  readonly defaultExport?: ExportPaths | undefined;
  /** Now in epoch µs; defaults to the wall clock (tests inject one). */
  readonly now?: (() => number) | undefined;
  /** Requests per key (or per IP when anonymous) per `rateWindowMs`; default 6000 per 10 s. */
  readonly rateLimit?: number | undefined;
  readonly rateWindowMs?: number | undefined;
  /** The web UI's build; served at / when it exists. Defaults to `web/dist` of the package. */
  readonly webDist?: string | undefined;
  /** Where partner webhooks may point (default: public https destinations only). */
  readonly webhookDestinations?: WebhookDestinations | undefined;
  /** Fastify's logger option (pino); default off, `serve` turns it on. */
  readonly logger?: FastifyServerOptions["logger"];
}

const DEFAULT_WEB_DIST = fileURLToPath(new URL("../../web/dist/", import.meta.url));

/** Routes registered by third-party plugins that are public by nature. */
function pluginAudience(url: string): Audience | null {
  if (url === "/docs" || url.startsWith("/docs/")) return "public";
  if (url === "/*" || url === "/" || url.startsWith("/assets")) return "public";
  return null;
}

/** The access rule of a route, as its config declares it. */
export function routeAccess(config: unknown): RouteAccess {
  const c = config as Partial<RouteAccess> | undefined;
  return c?.audience !== undefined ? (c as RouteAccess) : { audience: "admin", roles: [] };
}

const SECURITY: Record<Audience, readonly Record<string, string[]>[]> = {
  public: [],
  demo: [],
  member: [{ memberJwt: [] }, { sessionCookie: [] }],
  admin: [{ apiKey: [] }, { sessionCookie: [] }],
  partner: [{ apiKey: [] }],
};

/** One registered route with its access rule, for tests and docs that must cover every route. */
export interface RouteEntry {
  readonly method: string;
  readonly url: string;
  readonly access: RouteAccess;
  /** False when the route did not declare an audience (it was closed, or is a plugin's). */
  readonly declared: boolean;
}

declare module "fastify" {
  interface FastifyInstance {
    /** Every route registered, in order (HEAD routes Fastify adds are left out). */
    readonly routeTable: readonly RouteEntry[];
  }
  interface FastifyRequest {
    /** Who is calling; null before authentication or on public routes without credentials. */
    principal: Principal | null;
  }
}

/** Builds the app (not listening). Call `app.ready()` or `inject` to use it. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    genReqId: requestId,
    requestIdHeader: false,
    bodyLimit: 1024 * 1024,
    routerOptions: { maxParamLength: 512 },
    // Errors raised before routing (an undecodable URL) get the same JSON body as the rest.
    frameworkErrors: (error, request, reply) => {
      sendError(
        request,
        reply,
        new TrainGateError("TG_E_BAD_INPUT", `${error.message}; percent-encode the path`),
      );
    },
  });
  const ctx: ServerContext = {
    store: options.store,
    policy: options.policy,
    now: options.now ?? (() => Date.now() * 1000),
    demoKey: options.demoKey,
    dataDir: options.dataDir,
    defaultExport: options.defaultExport,
    continuedUse: new ContinuedUseTracker(options.store),
    webhookDestinations: options.webhookDestinations ?? PUBLIC_ONLY,
    appender: new GroupCommitter(options.store),
  };
  const tokens = new TokenVerifier({
    jwksUrl: options.jwksUrl,
    jwksFile: options.jwksFile,
    issuer: options.issuer,
    audience: options.audience,
    demoKey: options.demoKey,
    now: ctx.now,
  });
  installErrorHandler(app);
  app.decorateRequest("principal", null);
  const routeTable: RouteEntry[] = [];
  app.decorate("routeTable", routeTable);

  app.addHook("onRoute", (route) => {
    const config = route.config as Partial<RouteAccess> | undefined;
    const declared = config?.audience !== undefined;
    if (!declared) {
      const audience = pluginAudience(route.url);
      if (audience === null) {
        // A route that forgot to say who may call it is closed, never open.
        app.log.warn({ url: route.url }, "route declares no audience; closed to every caller");
        route.config = { ...(route.config ?? {}), audience: "admin", roles: [] } as never;
      } else route.config = { ...(route.config ?? {}), audience } as never;
    }
    for (const method of [route.method].flat()) {
      if (method === "HEAD") continue;
      routeTable.push({ method, url: route.url, access: routeAccess(route.config), declared });
    }
  });

  app.addHook("onRequest", async (request, reply) => {
    void reply.header("x-request-id", request.id);
    if (request.routeOptions.url === undefined) return;
    const access = routeAccess(request.routeOptions.config);
    let principal: Principal | null = null;
    const cred = credentialOf(request);
    if (cred !== null && access.audience !== "public" && access.audience !== "demo") {
      principal = await resolvePrincipal(cred, tokens, async (id) => {
        const key = await ctx.store.findApiKey(id);
        return key === null
          ? null
          : { secretHash: key.secretHash, roles: key.roles, revoked: key.revokedAt !== null };
      });
    }
    authorize(principal, access);
    request.principal = principal;
  });

  await app.register(rateLimit, {
    global: true,
    hook: "preHandler",
    max: options.rateLimit ?? 6000,
    timeWindow: options.rateWindowMs ?? 10_000,
    keyGenerator: (request) =>
      request.principal === null ? `ip:${request.ip}` : principalLabel(request.principal),
    errorResponseBuilder: (_request, context) =>
      new TrainGateError(
        "TG_E_RATE_LIMITED",
        `rate limit of ${context.max} requests per ${context.after} reached; retry after ${context.after}`,
        { limit: context.max, retry_after: context.after },
      ),
  });

  installIdempotency(app, ctx);

  await app.register(swagger, {
    openapi: {
      openapi: "3.0.3",
      info: {
        title: "TrainGate API",
        version: "1.0.0",
        description:
          "Consent ledger, policy notices, partner feed and admin API of TrainGate. Errors are `{error:{code,message,details}, request_id}`.",
      },
      components: {
        securitySchemes: {
          memberJwt: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
          apiKey: { type: "http", scheme: "bearer", bearerFormat: "tgk_<id>_<secret>" },
          sessionCookie: { type: "apiKey", in: "cookie", name: "tg_session" },
        },
      },
    },
    transform: ({ schema, url, route }) => {
      const access = routeAccess(route.config);
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(schema ?? {})) {
        if (k === "response" && v !== null && typeof v === "object") {
          out[k] = Object.fromEntries(
            Object.entries(v as Record<string, unknown>).map(([code, s]) => [
              code,
              toOpenApiSchema(s),
            ]),
          );
        } else if (["body", "querystring", "params", "headers"].includes(k)) {
          out[k] = toOpenApiSchema(v);
        } else out[k] = v;
      }
      out["security"] = SECURITY[access.audience];
      return { schema: out as never, url };
    },
  });
  await app.register(swaggerUi, { routePrefix: "/docs" });

  app.get(
    "/openapi.json",
    {
      config: { audience: "public" },
      schema: { tags: ["public"], summary: "The OpenAPI document of this server" },
    },
    async () => app.swagger(),
  );

  for (const plugin of ROUTE_PLUGINS) await app.register(plugin, ctx);

  const webDist = options.webDist ?? DEFAULT_WEB_DIST;
  if (existsSync(webDist)) {
    await app.register(fastifyStatic, { root: webDist, prefix: "/", index: ["index.html"] });
  }
  return app;
}
