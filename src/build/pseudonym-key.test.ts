import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, describe, expect, it } from "vitest";
import {
  buildKey,
  currentKey,
  hmacPads,
  keyFingerprint,
  pseudonym,
  rotateKey,
} from "./pseudonym-key.js";

const dir = mkdtempSync(join(tmpdir(), "tg-keys-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("data directory keys", () => {
  it("are created on first use, private, kept across rotations, named by fingerprint", () => {
    const data = join(dir, "data");
    const first = buildKey(undefined, data);
    expect(first.source).toBe("data_dir");
    expect(buildKey(undefined, data).fingerprint).toBe(first.fingerprint);
    const file = join(data, "keys", `pseudonym-${first.fingerprint}.key`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = rotateKey(data);
    expect(second.fingerprint).not.toBe(first.fingerprint);
    expect(currentKey(data)?.fingerprint).toBe(second.fingerprint);
    expect(
      readdirSync(join(data, "keys"))
        .filter((f) => f.endsWith(".key"))
        .sort(),
    ).toEqual([`pseudonym-${first.fingerprint}.key`, `pseudonym-${second.fingerprint}.key`].sort());
    expect(keyFingerprint(second.bytes)).toBe(second.fingerprint);
  });
});

describe("HMAC in SQL", () => {
  it.each([32, 64, 100])("equals node's HMAC-SHA-256 for a %i-byte key", async (size) => {
    const key = { bytes: Buffer.alloc(size, 0xab), fingerprint: "", source: "file" as const };
    const { inner, outer } = hmacPads(key);
    const db = await DuckDBInstance.create(":memory:");
    const c = await db.connect();
    const ids = ["m1", "", "Zoë ✓", "x".repeat(200)];
    for (const id of ids) {
      const r = await c.runAndReadAll(
        `SELECT sha256(unhex('${outer}') || unhex(sha256(unhex('${inner}') || encode($1))))`,
        [id],
      );
      expect(r.getRows()[0]?.[0]).toBe(pseudonym(key, id));
    }
    c.closeSync();
    db.closeSync();
  });
});
