/**
 * The one catalogue of TrainGate's coded errors. Every failure a user can see carries a
 * `TG_E_*` code, a message that says what to do, an exit code for the CLI and an HTTP status
 * for the server. Map once, here; nowhere else invents an exit code or a status.
 */

/** Every error code with its CLI exit code and HTTP status. */
export const ERROR_CATALOGUE = {
  /** Wrong flags, missing arguments. */
  TG_E_USAGE: { exit: 2, http: 400 },
  /** An input row or file that cannot be parsed (names file and line). */
  TG_E_BAD_INPUT: { exit: 2, http: 400 },
  /** A policy file that does not validate (names file and path inside it). */
  TG_E_BAD_POLICY: { exit: 2, http: 400 },
  /** A duplicate id in members or items. */
  TG_E_DUPLICATE_ID: { exit: 2, http: 400 },
  /** A file, item, member, run or preset that does not exist. */
  TG_E_NOT_FOUND: { exit: 2, http: 404 },
  /** The output folder exists and --force was not given. */
  TG_E_OUT_EXISTS: { exit: 2, http: 409 },
  /** No consent ledger is configured or reachable. */
  TG_E_NO_LEDGER: { exit: 2, http: 503 },
  /** A request without valid credentials. */
  TG_E_UNAUTHENTICATED: { exit: 2, http: 401 },
  /** Credentials valid, role or subject wrong. */
  TG_E_FORBIDDEN: { exit: 2, http: 403 },
  /** A write that conflicts with an earlier one (e.g. an idempotency key reused with another body). */
  TG_E_CONFLICT: { exit: 2, http: 409 },
  /** Too many requests for this key. */
  TG_E_RATE_LIMITED: { exit: 2, http: 429 },
  /** A build that needed more memory than --memory-limit lets DuckDB use (nothing written). */
  TG_E_OUT_OF_MEMORY: { exit: 1, http: 507 },
  /** A verification (manifest, proof, audit chain) that failed. */
  TG_E_VERIFY_FAILED: { exit: 1, http: 422 },
  /** Anything else: a bug or an environment failure. */
  TG_E_INTERNAL: { exit: 1, http: 500 },
} as const satisfies Record<string, { exit: number; http: number }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** An error a user is meant to read. `details` is structured data for APIs and logs. */
export class TrainGateError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = "TrainGateError";
    this.code = code;
    this.details = Object.freeze({ ...details });
  }

  /** The CLI exit code of this error. */
  get exitCode(): number {
    return ERROR_CATALOGUE[this.code].exit;
  }

  /** The HTTP status of this error. */
  get httpStatus(): number {
    return ERROR_CATALOGUE[this.code].http;
  }
}

/** Builds the `file:line: message` error of a bad input row. */
export function badInput(file: string, line: number | null, message: string): TrainGateError {
  const where = line === null ? file : `${file}:${line}`;
  return new TrainGateError("TG_E_BAD_INPUT", `${where}: ${message}`, { file, line });
}
