/**
 * `traingate api-keys create|list|revoke` in-process against a SQLite ledger in a temp data
 * directory: the token is printed once, only its hash is stored, list never shows a secret,
 * revoke takes effect, and a bad role is a usage error (exit 2).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/main.js";
import { openLedger } from "../../src/ledger/open-ledger.js";
import { parseApiKey, secretMatches } from "../../src/server/auth/api-key.js";

const dir = mkdtempSync(join(tmpdir(), "tg-keys-"));

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const o = vi.spyOn(process.stdout, "write").mockImplementation((c) => {
    out += String(c);
    return true;
  });
  const e = vi.spyOn(process.stderr, "write").mockImplementation((c) => {
    err += String(c);
    return true;
  });
  try {
    return { code: await main(argv), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe("traingate api-keys", () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("creates, lists and revokes keys, storing only a hash", async () => {
    const created = await run([
      "api-keys",
      "create",
      "--role",
      "auditor",
      "partner",
      "--label",
      "ci",
      "--data-dir",
      dir,
    ]);
    expect(created.code).toBe(0);
    const token = created.out.trim();
    const parsed = parseApiKey(token);
    expect(parsed).not.toBeNull();
    const store = await openLedger(`sqlite:${join(dir, "ledger.sqlite")}`);
    try {
      const rec = await store.findApiKey(parsed!.id);
      expect(rec).toMatchObject({ roles: ["auditor", "partner"], label: "ci", revokedAt: null });
      expect(rec!.secretHash).not.toContain(parsed!.secret);
      expect(secretMatches(parsed!.secret, rec!.secretHash)).toBe(true);
    } finally {
      await store.close();
    }
    const list = await run(["api-keys", "list", "--data-dir", dir]);
    expect(list.out).toContain(parsed!.id);
    expect(list.out).not.toContain(parsed!.secret);
    expect(list.out).toContain("active");
    expect((await run(["api-keys", "revoke", parsed!.id, "--data-dir", dir])).code).toBe(0);
    expect((await run(["api-keys", "list", "--data-dir", dir])).out).toContain("revoked");
  });

  it("refuses unknown roles and a missing role with exit 2", async () => {
    const bad = await run(["api-keys", "create", "--role", "root", "--data-dir", dir]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("unknown role");
    expect((await run(["api-keys", "create", "--data-dir", dir])).code).toBe(2);
    expect((await run(["api-keys", "revoke", "0000000000000000", "--data-dir", dir])).code).toBe(2);
  });
});
