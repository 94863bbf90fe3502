/** Request ids: a caller's `X-Request-Id` when it is a sane token, else a fresh UUID. */
import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";

const SAFE = /^[A-Za-z0-9._:-]{8,128}$/;

/** Fastify's `genReqId`: the id that logs, errors and ledger events carry. */
export function requestId(req: IncomingMessage): string {
  const given = req.headers["x-request-id"];
  return typeof given === "string" && SAFE.test(given) ? given : randomUUID();
}
