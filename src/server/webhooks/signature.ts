/**
 * Webhook signatures: `X-TrainGate-Signature: sha256=<hex HMAC-SHA-256 of the raw body under
 * the partner's secret>`. Partners verify with `verifySignature` (or its few lines in any
 * language) before trusting a delivery.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** The signature header's name. */
export const SIGNATURE_HEADER = "x-traingate-signature";

/** The header value for `body` under `secret`. */
export function signBody(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** True when `header` is the signature of `body` under `secret` (constant-time compare). */
export function verifySignature(
  secret: string,
  body: string | Buffer,
  header: string | undefined,
): boolean {
  if (header === undefined) return false;
  const expected = Buffer.from(signBody(secret, body));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
