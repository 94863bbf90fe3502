/**
 * API keys `tgk_<id>_<secret>`: the id is public (it names the key in lists and logs), the
 * secret is 32 random bytes shown once. Only sha256(secret) is stored; a presented secret is
 * compared in constant time. sha256 is enough here because the secret has 256 bits of
 * entropy: nothing to brute-force, so a slow hash would only cost latency.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

const KEY_PATTERN = /^tgk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/** A freshly generated key: the full token (show once), its id and the hash to store. */
export interface NewApiKey {
  readonly token: string;
  readonly id: string;
  readonly secretHash: string;
}

/** The hex sha256 of a key secret. */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** Generates a new key. */
export function generateApiKey(): NewApiKey {
  const id = randomBytes(8).toString("hex");
  const secret = randomBytes(32).toString("base64url");
  return { token: `tgk_${id}_${secret}`, id, secretHash: hashSecret(secret) };
}

/** Splits a presented token into id and secret, or null when it is not an API key's shape. */
export function parseApiKey(token: string): { id: string; secret: string } | null {
  const m = KEY_PATTERN.exec(token);
  return m === null ? null : { id: m[1]!, secret: m[2]! };
}

/** True when `secret` hashes to `storedHash`, compared in constant time. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(secret), "hex");
  const b = Buffer.from(storedHash, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}

/** True when a bearer token looks like an API key rather than a JWT. */
export function looksLikeApiKey(token: string): boolean {
  return token.startsWith("tgk_");
}
