/**
 * Demo mode's identity provider: an ES256 key kept in the data directory (created on first
 * use, mode 0600) that signs member tokens and the demo admin session. Only a server started
 * with `--demo` trusts it; tokens it signs carry the issuer `traingate-demo`, which a
 * non-demo server refuses outright.
 */
import { randomUUID } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type CryptoKey, exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from "jose";
import type { Role } from "./roles.js";

/** Issuer of demo tokens. */
export const DEMO_ISSUER = "traingate-demo";
/** Audience of demo tokens. */
export const DEMO_AUDIENCE = "traingate";
const FILE = "demo-jwt-key.json";

/** The demo key pair. */
export interface DemoKey {
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  readonly kid: string;
}

/** Loads the data directory's demo key, creating it on first use. */
export async function loadDemoKey(dataDir: string): Promise<DemoKey> {
  const path = join(dataDir, FILE);
  let jwk: JWK;
  try {
    jwk = JSON.parse(readFileSync(path, "utf8")) as JWK;
  } catch {
    const pair = await generateKeyPair("ES256", { extractable: true });
    jwk = { ...(await exportJWK(pair.privateKey)), kid: randomUUID(), alg: "ES256" };
    try {
      writeFileSync(path, JSON.stringify(jwk), { mode: 0o600, flag: "wx" });
    } catch {
      // Another process created it first: use theirs so both trust the same key.
      jwk = JSON.parse(readFileSync(path, "utf8")) as JWK;
    }
  }
  const { d: _d, ...pub } = jwk;
  return {
    privateKey: (await importJWK(jwk, "ES256")) as CryptoKey,
    publicKey: (await importJWK(pub, "ES256")) as CryptoKey,
    kid: jwk.kid ?? "demo",
  };
}

/**
 * Signs a demo token for `sub` valid for `ttlSeconds`. `roles` makes it an admin session
 * (only demo-signed tokens may carry roles; a real IdP's `tg_roles` claim is ignored).
 */
export async function signDemoToken(
  key: DemoKey,
  sub: string,
  options: {
    roles?: readonly Role[];
    country?: string | null;
    ttlSeconds?: number;
    nowSeconds?: number;
  } = {},
): Promise<string> {
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {};
  if (options.roles) claims["tg_roles"] = [...options.roles];
  if (options.country) claims["country"] = options.country;
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: "ES256", kid: key.kid })
    .setSubject(sub)
    .setIssuer(DEMO_ISSUER)
    .setAudience(DEMO_AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + (options.ttlSeconds ?? 8 * 3600));
  return jwt.sign(key.privateKey);
}
