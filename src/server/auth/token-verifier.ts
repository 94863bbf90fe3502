/**
 * Verifies member JWTs with jose: against the configured JWKS (a URL through
 * `createRemoteJWKSet`, or a local JWKS file), with the configured issuer and audience; and,
 * in demo mode only, against the data directory's demo key. Anything else is unauthenticated.
 */
import { readFileSync } from "node:fs";
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeJwt,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
} from "jose";
import { z } from "zod";
import { TrainGateError } from "../../errors.js";
import { DEMO_AUDIENCE, DEMO_ISSUER, type DemoKey } from "./demo-key.js";
import { type Principal, ROLES } from "./roles.js";

/** Where member tokens come from. */
export interface TokenOptions {
  readonly jwksUrl?: string | undefined;
  readonly jwksFile?: string | undefined;
  readonly issuer?: string | undefined;
  readonly audience?: string | undefined;
  /** Set only in demo mode. */
  readonly demoKey?: DemoKey | undefined;
  /** Now in epoch µs, for `exp`/`nbf` checks (the server's injected clock). */
  readonly now?: (() => number) | undefined;
}

const ALGORITHMS = ["ES256", "ES384", "EdDSA", "RS256", "PS256"];
// Member ids are stored as text: no control characters (PostgreSQL refuses NUL).
const Sub = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[^\u0000-\u001f\u007f]+$/);
const DemoRoles = z.array(z.enum(ROLES)).min(1);

function unauthenticated(message: string): TrainGateError {
  return new TrainGateError("TG_E_UNAUTHENTICATED", message);
}

/** Verified tokens kept so a client's next request skips the signature check. */
const CACHE_SIZE = 10_000;

/** A verifier of bearer JWTs. */
export class TokenVerifier {
  readonly #jwks: JWTVerifyGetKey | null;
  readonly #options: TokenOptions;
  /** token → principal and expiry (epoch s); a token's claims never change once signed. */
  readonly #cache = new Map<string, { principal: Principal; exp: number }>();

  constructor(options: TokenOptions) {
    this.#options = options;
    if (options.jwksUrl !== undefined) this.#jwks = createRemoteJWKSet(new URL(options.jwksUrl));
    else if (options.jwksFile !== undefined) {
      const raw = JSON.parse(readFileSync(options.jwksFile, "utf8")) as JSONWebKeySet;
      this.#jwks = createLocalJWKSet(raw);
    } else this.#jwks = null;
  }

  #currentDate(): Date {
    const now = this.#options.now;
    return now === undefined ? new Date() : new Date(Math.floor(now() / 1000));
  }

  /** True when some member token could be accepted at all. */
  get acceptsTokens(): boolean {
    return this.#jwks !== null || this.#options.demoKey !== undefined;
  }

  /**
   * The principal of a JWT, or TG_E_UNAUTHENTICATED. Demo-issued tokens are refused unless
   * this server is in demo mode, whatever key signed them.
   */
  async verify(token: string, via: "bearer" | "cookie"): Promise<Principal> {
    const nowSeconds = this.#currentDate().getTime() / 1000;
    const hit = this.#cache.get(token);
    if (hit !== undefined && hit.exp > nowSeconds && hit.principal.via === via)
      return hit.principal;
    const { principal, exp } = await this.#verify(token, via);
    if (exp !== undefined) {
      if (this.#cache.size >= CACHE_SIZE) this.#cache.clear();
      this.#cache.set(token, { principal, exp });
    }
    return principal;
  }

  async #verify(
    token: string,
    via: "bearer" | "cookie",
  ): Promise<{ principal: Principal; exp: number | undefined }> {
    let claims: JWTPayload;
    try {
      claims = decodeJwt(token);
    } catch {
      throw unauthenticated("the bearer token is neither an API key nor a well-formed JWT");
    }
    if (claims.iss === DEMO_ISSUER) {
      const key = this.#options.demoKey;
      if (key === undefined) {
        throw unauthenticated("demo tokens are refused: this server is not in demo mode");
      }
      const { payload } = await jwtVerify(token, key.publicKey, {
        currentDate: this.#currentDate(),
        issuer: DEMO_ISSUER,
        audience: DEMO_AUDIENCE,
        algorithms: ["ES256"],
      }).catch((e: Error) => {
        throw unauthenticated(`the demo token does not verify: ${e.message}`);
      });
      const sub = Sub.safeParse(payload.sub);
      if (!sub.success) throw unauthenticated("the token has no usable sub claim");
      if (payload["tg_roles"] !== undefined) {
        const roles = DemoRoles.safeParse(payload["tg_roles"]);
        if (!roles.success) throw unauthenticated("the demo session's roles are not valid");
        return {
          principal: { kind: "service", keyId: "demo-admin", roles: roles.data, via },
          exp: payload.exp,
        };
      }
      return {
        principal: { kind: "member", memberId: sub.data, via, country: countryClaim(payload) },
        exp: payload.exp,
      };
    }
    if (this.#jwks === null) {
      throw unauthenticated(
        "member tokens are not accepted: the server has no JWKS configured (--jwks-url or --jwks-file)",
      );
    }
    const { payload } = await jwtVerify(token, this.#jwks, {
      currentDate: this.#currentDate(),
      algorithms: ALGORITHMS,
      ...(this.#options.issuer !== undefined ? { issuer: this.#options.issuer } : {}),
      ...(this.#options.audience !== undefined ? { audience: this.#options.audience } : {}),
    }).catch((e: Error) => {
      throw unauthenticated(`the token does not verify: ${e.message}`);
    });
    const sub = Sub.safeParse(payload.sub);
    if (!sub.success) throw unauthenticated("the token has no usable sub claim");
    return {
      principal: { kind: "member", memberId: sub.data, via, country: countryClaim(payload) },
      exp: payload.exp,
    };
  }
}

/** The optional `country` claim (ISO 3166-1 alpha-2) of a member token. */
function countryClaim(payload: JWTPayload): string | undefined {
  const c = payload["country"];
  return typeof c === "string" && /^[A-Za-z]{2}$/.test(c) ? c.toUpperCase() : undefined;
}
