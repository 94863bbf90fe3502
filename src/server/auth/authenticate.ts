/**
 * The authentication and authorization hook every request passes (onRequest, before the body
 * is read, so an unauthenticated caller learns nothing from validation messages). The route's
 * `config.audience` says who may call it; a route that declares none is closed to everyone.
 */
import type { FastifyRequest } from "fastify";
import { TrainGateError } from "../../errors.js";
import { looksLikeApiKey, parseApiKey, secretMatches } from "./api-key.js";
import type { Principal, Role, RouteAccess } from "./roles.js";
import type { TokenVerifier } from "./token-verifier.js";

/** The session cookie the web UI uses (httpOnly, SameSite=Strict). */
export const SESSION_COOKIE = "tg_session";

/** A stored API key as authentication needs it. */
export interface StoredKey {
  readonly secretHash: string;
  readonly roles: readonly Role[];
  readonly revoked: boolean;
}

/** Looks an API key up by id (null when unknown). */
export type KeyLookup = (id: string) => Promise<StoredKey | null>;

/** Reads one cookie from a Cookie header. */
export function readCookie(header: string | undefined, name: string): string | null {
  if (header === undefined) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(value);
      } catch {
        return null;
      }
    }
  }
  return null;
}

/** The credential of a request: the bearer header wins over the session cookie. */
export function credentialOf(
  request: FastifyRequest,
): { token: string; via: "bearer" | "cookie" } | null {
  const auth = request.headers.authorization;
  if (typeof auth === "string" && auth.length > 0) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (m === null) {
      throw new TrainGateError(
        "TG_E_UNAUTHENTICATED",
        "the Authorization header must be `Bearer <token>` (a member JWT or a tgk_ API key)",
      );
    }
    return { token: m[1]!, via: "bearer" };
  }
  const cookie = readCookie(request.headers.cookie, SESSION_COOKIE);
  return cookie !== null && cookie.length > 0 ? { token: cookie, via: "cookie" } : null;
}

/** Resolves a credential to a principal (or TG_E_UNAUTHENTICATED). */
export async function resolvePrincipal(
  cred: { token: string; via: "bearer" | "cookie" },
  tokens: TokenVerifier,
  lookup: KeyLookup,
): Promise<Principal> {
  if (!looksLikeApiKey(cred.token)) return tokens.verify(cred.token, cred.via);
  const parsed = parseApiKey(cred.token);
  if (parsed === null) {
    throw new TrainGateError("TG_E_UNAUTHENTICATED", "malformed API key (tgk_<id>_<secret>)");
  }
  const stored = await lookup(parsed.id);
  if (stored === null || stored.revoked || !secretMatches(parsed.secret, stored.secretHash)) {
    throw new TrainGateError("TG_E_UNAUTHENTICATED", "unknown or revoked API key");
  }
  return { kind: "service", keyId: parsed.id, roles: stored.roles, via: cred.via };
}

/**
 * Checks that `principal` may call a route with `access`; throws 401 (no credentials) or 403
 * (wrong kind of caller or role).
 */
export function authorize(principal: Principal | null, access: RouteAccess): void {
  if (access.audience === "public" || access.audience === "demo") return;
  if (principal === null) {
    throw new TrainGateError(
      "TG_E_UNAUTHENTICATED",
      access.audience === "member"
        ? "sign in: send a member token as `Authorization: Bearer <JWT>` or the tg_session cookie"
        : "send an API key as `Authorization: Bearer tgk_<id>_<secret>`",
    );
  }
  if (access.audience === "member") {
    if (principal.kind !== "member") {
      throw new TrainGateError("TG_E_FORBIDDEN", "this route is for members (a member token)");
    }
    return;
  }
  const allowed: readonly Role[] =
    access.audience === "partner" ? ["partner"] : (access.roles ?? []);
  if (principal.kind !== "service" || !principal.roles.some((r) => allowed.includes(r))) {
    throw new TrainGateError(
      "TG_E_FORBIDDEN",
      `this route needs an API key with one of the roles: ${allowed.join(", ") || "(none)"}`,
      { roles: [...allowed] },
    );
  }
}
