/**
 * Public routes (`security: []`): liveness, the published policy documents and the policies
 * (presets and the active one) in words.
 */
import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";
import { loadPreset, presetNames } from "../../../config/load-policy.js";
import { TrainGateError } from "../../../errors.js";
import type { PolicyDocument } from "../../../ledger/ledger-store.js";
import { policyHash } from "../../../policy/canonical-policy.js";
import { describePolicy } from "../../../policy/describe-policy.js";
import type { Policy } from "../../../policy/model.js";
import { formatInstant } from "../../../policy/time.js";
import type { ServerContext } from "../../context.js";
import { parsed, zodScope } from "../../zod-scope.js";

const PUBLIC = { audience: "public" } as const;
const TAGS = ["public"];

/** A published document as the API shows it. */
export function documentJson(d: PolicyDocument, withBody: boolean) {
  return {
    id: d.id,
    kind: d.kind,
    version: d.version,
    title: d.title,
    published_at: formatInstant(d.publishedAt),
    effective_at: formatInstant(d.effectiveAt),
    ...(withBody ? { body: d.body } : {}),
  };
}

function policyJson(p: Policy, active: boolean) {
  return {
    name: p.name,
    title: p.title,
    sha256: policyHash(p),
    active,
    purposes: Object.keys(p.purposes),
    description: describePolicy(p).join("\n"),
  };
}

const DocumentParams = z.object({ id: z.string().min(1).max(200) });

/** Registers the public routes. */
export const publicRoutes: FastifyPluginAsync<ServerContext> = async (app, ctx) => {
  zodScope(app);

  app.get(
    "/healthz",
    { config: PUBLIC, schema: { tags: TAGS, summary: "Liveness and the ledger backend" } },
    async () => ({ ok: true, backend: ctx.store.backend, policy: ctx.policy.name }),
  );

  app.get(
    "/v1/documents",
    { config: PUBLIC, schema: { tags: TAGS, summary: "Published policy documents, newest first" } },
    async () => ({
      documents: (await ctx.store.listDocuments(ctx.now())).map((d) => documentJson(d, true)),
    }),
  );

  app.get(
    "/v1/documents/:id",
    {
      config: PUBLIC,
      schema: { tags: TAGS, summary: "One published policy document", params: DocumentParams },
    },
    async (request) => {
      const { id } = parsed(DocumentParams, request.params);
      const d = await ctx.store.getDocument(id);
      if (d === null || d.publishedAt > ctx.now()) {
        throw new TrainGateError("TG_E_NOT_FOUND", `no published document ${JSON.stringify(id)}`);
      }
      return documentJson(d, true);
    },
  );

  const presets = presetNames().map((n) => loadPreset(n));
  app.get(
    "/v1/policies",
    {
      config: PUBLIC,
      schema: { tags: TAGS, summary: "The active policy and the presets, described" },
    },
    async () => ({
      active: policyJson(ctx.policy, true),
      presets: presets.map((p) => policyJson(p, policyHash(p) === policyHash(ctx.policy))),
    }),
  );
};
