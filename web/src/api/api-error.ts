/**
 * A failed API call as the UI shows it: the server's catalogue code (`TG_E_*`) and message
 * when the server sent its standard error body, or a UI-side code when it could not
 * (`UI_NETWORK` when the server was unreachable, `UI_BAD_RESPONSE` when a 2xx body did not
 * have the documented shape, `HTTP_<status>` for a non-standard error body).
 */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly requestId: string | null;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: string,
    message: string,
    status: number,
    requestId: string | null = null,
    details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.status = status;
    this.requestId = requestId;
    this.details = details;
  }

  /**
   * True when the route itself does not exist on this server (Fastify's not-found answer for
   * an unknown route), as opposed to a missing run or member: the panel is then shown as
   * "not available on this server" rather than as a failure.
   */
  get routeMissing(): boolean {
    // TrainGate's not-found handler says "no route GET /v1/..."; Fastify's default, "Route GET:...".
    return this.status === 404 && /^(no route [A-Z]+ |Route [A-Z]+:)/.test(this.message);
  }
}
