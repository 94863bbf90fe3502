/**
 * The one place the server turns a failure into a response: every error becomes
 * `{error: {code, message, details}, request_id}` with the catalogue's status (src/errors.ts).
 * Fastify's own client errors (bad JSON, unsupported media type, body too large, Ajv schema
 * failures) map to catalogue codes with a 4xx status; only real bugs are 500s.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { type ErrorCode, TrainGateError } from "../errors.js";

/** The JSON body of an error response. */
export interface ErrorBody {
  readonly error: { code: ErrorCode; message: string; details: Record<string, unknown> };
  readonly request_id: string;
}

/** Maps Fastify's client-error codes to the catalogue. */
function fromFastify(e: FastifyError): TrainGateError | null {
  const status = e.statusCode ?? 500;
  if (e.validation !== undefined) {
    const ctx = (e as FastifyError & { validationContext?: string }).validationContext ?? "request";
    return new TrainGateError("TG_E_BAD_INPUT", `invalid ${ctx}: ${e.message}`, {
      part: ctx,
      issues: e.validation.map((v) => ({ path: v.instancePath, message: v.message ?? "" })),
    });
  }
  if (status === 429) return new TrainGateError("TG_E_RATE_LIMITED", e.message);
  if (status === 404) return new TrainGateError("TG_E_NOT_FOUND", e.message);
  if (status === 413)
    return new TrainGateError("TG_E_BAD_INPUT", `${e.message} (the body is too large)`);
  if (status === 415) {
    return new TrainGateError(
      "TG_E_BAD_INPUT",
      `${e.message}; send Content-Type: application/json (or the types the route lists)`,
    );
  }
  if (status >= 400 && status < 500) {
    return new TrainGateError("TG_E_BAD_INPUT", e.message, { fastify_code: e.code });
  }
  return null;
}

/** Converts any thrown value to a catalogue error (unknown failures become TG_E_INTERNAL). */
export function toTrainGateError(e: unknown): TrainGateError {
  if (e instanceof TrainGateError) return e;
  const mapped = fromFastify(e as FastifyError);
  if (mapped !== null) return mapped;
  return new TrainGateError("TG_E_INTERNAL", "internal error; the server log has the details");
}

/** Sends a catalogue error as the standard JSON body. */
export function sendError(request: FastifyRequest, reply: FastifyReply, e: TrainGateError): void {
  const body: ErrorBody = {
    error: { code: e.code, message: e.message, details: { ...e.details } },
    request_id: request.id,
  };
  void reply.status(e.httpStatus).type("application/json; charset=utf-8").send(body);
}

/** Installs the error and not-found handlers on the root instance. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const e = toTrainGateError(error);
    if (e.code === "TG_E_INTERNAL") request.log.error({ err: error }, "request failed");
    else request.log.info({ code: e.code, msg: e.message }, "request refused");
    sendError(request, reply, e);
  });
  app.setNotFoundHandler((request, reply) => {
    sendError(
      request,
      reply,
      new TrainGateError(
        "TG_E_NOT_FOUND",
        `no route ${request.method} ${request.url.split("?")[0]}`,
      ),
    );
  });
}
