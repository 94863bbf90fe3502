/**
 * The audit log's hash chain, independent of any database: canonical JSON, the hash of one
 * entry, and the verification of a sequence of entries. Entry n stores the hash of entry
 * n-1, so editing, deleting or reordering any entry breaks every hash after it.
 */
import { createHash } from "node:crypto";
import type { AuditEntry, AuditVerification } from "./ledger-store.js";

/** The `prevHash` of the first entry. */
export const GENESIS_HASH = "0".repeat(64);

/**
 * Canonical JSON: object keys sorted by UTF-16 code unit, no whitespace, numbers as
 * JSON.stringify writes them. Throws on values JSON cannot represent (undefined, NaN, bigint)
 * so that nothing is silently dropped from what gets hashed.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string" || typeof value === "boolean") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error("canonicalJson: non-finite number");
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  throw new Error(`canonicalJson: cannot encode a ${typeof value}`);
}

/** The fields of an entry that its hash covers (everything but the hash itself). */
export type HashedAuditFields = Omit<AuditEntry, "entryHash">;

/**
 * `sha256(prevHash + "\n" + canonicalJson({seq, at, actor, action, subject, requestId,
 * details}))`, hex. The fields are picked by name so a stored row's extra columns never
 * change the hash.
 */
export function auditEntryHash(fields: HashedAuditFields): string {
  const { seq, at, actor, action, subject, requestId, details } = fields;
  const body = canonicalJson({ seq, at, actor, action, subject, requestId, details });
  return createHash("sha256").update(`${fields.prevHash}\n${body}`).digest("hex");
}

/**
 * Verifies entries read in ascending `seq` order (pages of any size). Reports the first
 * entry whose seq is not the next one (a deletion or reorder), whose prevHash is not the
 * previous entry's hash, or whose hash does not match its content (an edit).
 */
export async function verifyChain(entries: AsyncIterable<AuditEntry>): Promise<AuditVerification> {
  let expectedSeq = 1;
  let prev = GENESIS_HASH;
  let count = 0;
  for await (const e of entries) {
    if (e.seq !== expectedSeq) {
      return {
        ok: false,
        entries: count,
        brokenSeq: expectedSeq,
        problem: `entry ${expectedSeq} is missing (found ${e.seq} next): deleted or reordered`,
      };
    }
    if (e.prevHash !== prev) {
      return {
        ok: false,
        entries: count,
        brokenSeq: e.seq,
        problem: `entry ${e.seq} does not link to entry ${e.seq - 1} (prev_hash differs)`,
      };
    }
    const hash = auditEntryHash(e);
    if (hash !== e.entryHash) {
      return {
        ok: false,
        entries: count,
        brokenSeq: e.seq,
        problem: `entry ${e.seq} was modified: its content does not match its hash`,
      };
    }
    prev = e.entryHash;
    expectedSeq++;
    count++;
  }
  return { ok: true, entries: count, head: prev };
}
