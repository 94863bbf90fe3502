import { describe, expect, it } from "vitest";
import { auditEntryHash, canonicalJson, GENESIS_HASH, verifyChain } from "./audit-chain.js";
import type { AuditEntry } from "./ledger-store.js";

function chain(n: number): AuditEntry[] {
  const out: AuditEntry[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const fields = {
      seq,
      at: 1000 + seq,
      actor: "cli",
      action: "consent.append",
      subject: `member:m${seq}`,
      requestId: null,
      details: { choice: seq % 2 ? "deny" : "allow", nested: { b: 1, a: [1, "x"] } },
      prevHash: prev,
    };
    const entryHash = auditEntryHash(fields);
    out.push({ ...fields, entryHash });
    prev = entryHash;
  }
  return out;
}

async function* each<T>(xs: readonly T[]): AsyncGenerator<T> {
  yield* xs;
}

describe("canonicalJson", () => {
  it("sorts keys at every depth and drops no value", () => {
    expect(canonicalJson({ b: 1, a: { d: [true, null], c: "é" } })).toBe(
      '{"a":{"c":"é","d":[true,null]},"b":1}',
    );
    expect(() => canonicalJson({ x: Number.NaN })).toThrow(/non-finite/);
    expect(() => canonicalJson({ x: 1n })).toThrow(/bigint/);
  });
});

describe("verifyChain", () => {
  it("accepts an intact chain and returns its head", async () => {
    const c = chain(5);
    expect(await verifyChain(each(c))).toEqual({ ok: true, entries: 5, head: c[4]!.entryHash });
    expect(await verifyChain(each([]))).toEqual({ ok: true, entries: 0, head: GENESIS_HASH });
  });

  it("names the edited entry", async () => {
    const c = chain(5);
    c[2] = { ...c[2]!, details: { ...c[2]!.details, choice: "allow" } };
    expect(await verifyChain(each(c))).toMatchObject({ ok: false, brokenSeq: 3 });
  });

  it("names a deleted entry and a reordering", async () => {
    const c = chain(5);
    expect(await verifyChain(each([c[0]!, c[1]!, c[3]!, c[4]!]))).toMatchObject({
      ok: false,
      brokenSeq: 3,
    });
    expect(await verifyChain(each([c[0]!, c[2]!, c[1]!]))).toMatchObject({
      ok: false,
      brokenSeq: 2,
    });
  });

  it("detects an entry rehashed after an edit, at the next link", async () => {
    const c = chain(4);
    const edited = { ...c[1]!, actor: "mallory" };
    c[1] = { ...edited, entryHash: auditEntryHash(edited) };
    expect(await verifyChain(each(c))).toMatchObject({ ok: false, brokenSeq: 3 });
  });
});
