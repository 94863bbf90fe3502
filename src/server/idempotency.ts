/**
 * Idempotency for every write: `Idempotency-Key` is required on POST/PUT/PATCH/DELETE of
 * non-public routes. The same key (per caller) with the same method, path and body replays
 * the stored response; with anything else it is a 409 TG_E_CONFLICT. Consent writes store
 * their response in the same transaction as the events (`appendEvents`' idempotency
 * argument), so a crash can never leave an event without its replayable answer; other writes
 * store theirs just before the response is sent.
 */
import { createHash } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { TrainGateError } from "../errors.js";
import type { IdempotencyWrite, StoredConsentEvent } from "../ledger/ledger-store.js";
import { principalLabel } from "./auth/roles.js";
import type { ServerContext } from "./context.js";

const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** The idempotency identity of a write request. */
export interface IdempotencyContext {
  readonly scope: string;
  readonly key: string;
  /** sha256 of method, path and body; null until a streamed body has been hashed. */
  requestHash: string | null;
  /** Set once the response is stored (by the ledger's transaction or the onSend hook). */
  stored: boolean;
}

declare module "fastify" {
  interface FastifyRequest {
    /** Present on writes once the key is checked. */
    idempotency: IdempotencyContext | null;
  }
  interface FastifyContextConfig {
    /** The route reads its body as a stream and hashes it itself (`checkIdempotency`). */
    streamedBody?: boolean;
    /**
     * The route stores its response in the ledger's write transaction, which refuses a used
     * key: the hook skips the lookup and the route calls `replayAfterConflict` on a conflict.
     * Saves a read on the hot write path.
     */
    optimisticIdempotency?: boolean;
  }
}

/** sha256 over method, path and body bytes (or the body's JSON). */
export function requestHash(method: string, path: string, body: string | Buffer): string {
  return createHash("sha256").update(`${method} ${path}\n`).update(body).digest("hex");
}

function pathOf(request: FastifyRequest): string {
  return request.url.split("?")[0] ?? request.url;
}

/**
 * Checks a stored response for the request: replays it (returns it) when the hash matches,
 * throws 409 when it does not, returns null when the key is new.
 */
export async function checkIdempotency(
  ctx: ServerContext,
  idem: IdempotencyContext,
): Promise<{ status: number; body: unknown } | null> {
  const found = await ctx.store.getIdempotency(idem.scope, idem.key);
  if (found === null) return null;
  if (found.requestHash !== idem.requestHash) {
    throw new TrainGateError(
      "TG_E_CONFLICT",
      "this Idempotency-Key was already used with another request (method, path or body); use a new key for a new request",
      { idempotency_key: idem.key },
    );
  }
  return { status: found.status, body: found.body };
}

/** Answers with a stored response, marked `Idempotent-Replayed: true`. */
export function sendReplay(
  request: FastifyRequest,
  reply: FastifyReply,
  replay: { status: number; body: unknown },
): FastifyReply {
  if (request.idempotency !== null) request.idempotency.stored = true;
  return reply
    .status(replay.status)
    .header("idempotent-replayed", "true")
    .type("application/json; charset=utf-8")
    .send(JSON.stringify(replay.body));
}

/**
 * After a write refused with TG_E_CONFLICT: the stored response when this request's key was
 * used by the same request (replay it), else the conflict error to send.
 */
export async function replayAfterConflict(
  ctx: ServerContext,
  request: FastifyRequest,
  error: unknown,
): Promise<{ status: number; body: unknown }> {
  const idem = request.idempotency;
  if (!(error instanceof TrainGateError) || error.code !== "TG_E_CONFLICT" || idem === null) {
    throw error;
  }
  const replay = await checkIdempotency(ctx, idem);
  if (replay === null) throw error;
  return replay;
}

/**
 * The ledger-side idempotency write for a consent append: the response is built from the
 * stored events inside the transaction.
 */
export function idempotentAppend(
  request: FastifyRequest,
  status: number,
  respond: (events: readonly StoredConsentEvent[]) => unknown,
): IdempotencyWrite | undefined {
  const idem = request.idempotency;
  if (idem === null || idem.requestHash === null) return undefined;
  idem.stored = true;
  return {
    scope: idem.scope,
    key: idem.key,
    requestHash: idem.requestHash,
    // The store serializes the body as JSON when it saves it, so it needs no copy here.
    response: (events) => ({ status, body: respond(events) as never }),
  };
}

/** Installs the hooks on the root instance. */
export function installIdempotency(app: FastifyInstance, ctx: ServerContext): void {
  app.decorateRequest("idempotency", null);

  app.addHook("preHandler", async (request, reply) => {
    if (!WRITE_METHODS.has(request.method) || request.principal === null) return;
    const raw = request.headers["idempotency-key"];
    if (raw === undefined) {
      throw new TrainGateError(
        "TG_E_BAD_INPUT",
        "the Idempotency-Key header is required on every write (a fresh random value per new request, e.g. a UUID)",
      );
    }
    if (typeof raw !== "string" || !KEY_PATTERN.test(raw)) {
      throw new TrainGateError(
        "TG_E_BAD_INPUT",
        "the Idempotency-Key header must be 1-255 visible ASCII characters",
      );
    }
    const streamed = request.routeOptions.config.streamedBody === true;
    const idem: IdempotencyContext = {
      scope: principalLabel(request.principal),
      key: raw,
      requestHash: streamed
        ? null
        : requestHash(request.method, pathOf(request), JSON.stringify(request.body ?? null)),
      stored: false,
    };
    request.idempotency = idem;
    if (streamed || request.routeOptions.config.optimisticIdempotency === true) return;
    const replay = await checkIdempotency(ctx, idem);
    if (replay !== null) return sendReplay(request, reply, replay);
  });

  app.addHook("onSend", async (request, reply, payload) => {
    const idem = request.idempotency;
    if (idem === null || idem.stored || idem.requestHash === null) return payload;
    if (reply.statusCode < 200 || reply.statusCode >= 300 || typeof payload !== "string") {
      return payload;
    }
    let body: unknown;
    try {
      body = JSON.parse(payload);
    } catch {
      return payload;
    }
    idem.stored = true;
    const saved = await ctx.store.saveIdempotency({
      scope: idem.scope,
      key: idem.key,
      requestHash: idem.requestHash,
      status: reply.statusCode,
      body: body as never,
      createdAt: ctx.now(),
    });
    // A concurrent request with the same key won the race: answer what it answered.
    return saved.requestHash === idem.requestHash ? JSON.stringify(saved.body) : payload;
  });
}
