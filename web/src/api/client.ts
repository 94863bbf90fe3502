/**
 * The one way the UI talks to the TrainGate server: same-origin `fetch` with the session
 * cookie, JSON bodies, an `Idempotency-Key` on every write (so a retried click never records
 * a choice twice), and Zod validation of every response body, so a shape the UI does not
 * understand becomes a visible error instead of a wrong screen.
 */
import type { z } from "zod";
import { ApiError } from "./api-error.js";

/** Options of one call. */
export interface CallOptions {
  readonly method?: "GET" | "POST" | "PUT" | "PATCH";
  /** A JSON-serialisable body, or a string sent as-is with `contentType`. */
  readonly body?: unknown;
  readonly contentType?: string;
  readonly signal?: AbortSignal;
}

function errorFromBody(status: number, body: unknown): ApiError {
  if (typeof body === "object" && body !== null && "error" in body) {
    const err = (body as { error: unknown; request_id?: unknown }).error;
    if (typeof err === "object" && err !== null && "code" in err && "message" in err) {
      const e = err as { code: unknown; message: unknown; details?: unknown };
      const rid = (body as { request_id?: unknown }).request_id;
      return new ApiError(
        String(e.code),
        String(e.message),
        status,
        typeof rid === "string" ? rid : null,
        typeof e.details === "object" && e.details !== null
          ? (e.details as Record<string, unknown>)
          : {},
      );
    }
  }
  // Fastify's default body ({statusCode, error, message}) or something else entirely.
  const message =
    typeof body === "object" && body !== null && "message" in body
      ? String((body as { message: unknown }).message)
      : `the server answered ${status}`;
  return new ApiError(`HTTP_${status}`, message, status);
}

/**
 * Calls `path` on the same origin and returns the body parsed by `schema`.
 * Throws ApiError for every failure (network, HTTP error, unexpected body).
 */
export async function call<T>(
  schema: z.ZodType<T>,
  path: string,
  options: CallOptions = {},
): Promise<T> {
  const method = options.method ?? "GET";
  const headers: Record<string, string> = { Accept: "application/json" };
  let body: string | undefined;
  if (method !== "GET") {
    headers["Idempotency-Key"] = crypto.randomUUID();
  }
  if (options.body !== undefined) {
    if (typeof options.body === "string") {
      body = options.body;
      headers["Content-Type"] = options.contentType ?? "text/plain";
    } else {
      body = JSON.stringify(options.body);
      headers["Content-Type"] = "application/json";
    }
  }
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: "same-origin",
      ...(body === undefined ? {} : { body }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === "AbortError") throw e;
    throw new ApiError(
      "UI_NETWORK",
      "Could not reach the TrainGate server. Check your connection and retry.",
      0,
    );
  }
  const text = await response.text();
  let json: unknown = null;
  if (text !== "") {
    try {
      json = JSON.parse(text);
    } catch {
      json = { message: text.slice(0, 200) };
    }
  }
  if (!response.ok) throw errorFromBody(response.status, json);
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where =
      issue === undefined ? "" : ` at ${issue.path.join(".") || "(root)"}: ${issue.message}`;
    throw new ApiError(
      "UI_BAD_RESPONSE",
      `The server's answer to ${method} ${path} did not have the expected shape${where}.`,
      response.status,
    );
  }
  return parsed.data;
}
