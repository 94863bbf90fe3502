/**
 * The route registry: every Fastify plugin that adds routes to the server, by audience. To add
 * routes (lineage, the web UI's API needs), write a `FastifyPluginAsync<ServerContext>` whose
 * routes each declare `config: { audience, roles? }` and add it here. A route without an
 * audience is closed to every caller, and the authorization tests iterate every route.
 */
import type { FastifyPluginAsync } from "fastify";
import type { ServerContext } from "../context.js";
import { adminRoutes } from "./admin/admin-routes.js";
import { adminLineageRoutes } from "./admin/lineage.js";
import { demoRoutes } from "./demo/demo-routes.js";
import { memberLineageRoutes } from "./member/lineage.js";
import { memberRoutes } from "./member/member-routes.js";
import { partnerRoutes } from "./partner/partner-routes.js";
import { publicRoutes } from "./public/public-routes.js";

/** Every route plugin, registered in this order by `buildApp`. */
export const ROUTE_PLUGINS: readonly FastifyPluginAsync<ServerContext>[] = [
  publicRoutes,
  memberRoutes,
  adminRoutes,
  memberLineageRoutes,
  adminLineageRoutes,
  partnerRoutes,
  demoRoutes,
];
