/**
 * The file hashes of the manifest: a whole file, and a file hashed while another writer still
 * appends to it (the dataset, as DuckDB writes it). The second must give the hash of the
 * finished file whatever the timing, wait for a file that does not exist yet, and refuse a
 * file that shrank under it rather than return a wrong hash.
 */
import { createHash } from "node:crypto";
import { appendFile, mkdtemp, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sha256File, sha256FileAsWritten } from "./file-hash.js";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const sha = (b: Buffer): string => createHash("sha256").update(b).digest("hex");

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "tg-hash-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes `parts` one after another with pauses, creating the file after `delay` ms. */
async function writeSlowly(path: string, parts: Buffer[], delay: number): Promise<void> {
  await sleep(delay);
  await writeFile(path, "");
  for (const p of parts) {
    await appendFile(path, p);
    await sleep(3);
  }
}

function parts(n: number, size: number): Buffer[] {
  return Array.from({ length: n }, (_, i) => Buffer.alloc(size, i % 251));
}

describe("sha256File", () => {
  it("hashes a file larger than one read", async () => {
    const data = Buffer.concat(parts(3, 2 * 2 ** 20));
    await writeFile(join(dir, "f"), data);
    expect(await sha256File(join(dir, "f"))).toBe(sha(data));
  });
});

describe("sha256FileAsWritten", () => {
  it.each([
    ["small pieces", 40, 997],
    ["pieces larger than one read", 3, 5 * 2 ** 20],
  ])("equals the finished file's hash (%s), with and without flushing", async (_, n, size) => {
    for (const flush of [false, true]) {
      const path = join(dir, `f-${flush}`);
      const chunks = parts(n, size);
      const writing = writeSlowly(path, chunks, 20);
      const hashed = await sha256FileAsWritten(path, writing, { flush, pollMs: 1 });
      expect(hashed).toBe(sha(Buffer.concat(chunks)));
      expect(hashed).toBe(await sha256File(path));
    }
  });

  it("hashes an empty file", async () => {
    const path = join(dir, "empty");
    const hashed = await sha256FileAsWritten(path, writeSlowly(path, [], 5));
    expect(hashed).toBe(sha(Buffer.alloc(0)));
  });

  it("fails when the writer finished without creating the file", async () => {
    const failed = Promise.reject(new Error("COPY failed"));
    failed.catch(() => undefined);
    await expect(sha256FileAsWritten(join(dir, "never"), failed)).rejects.toMatchObject({
      code: "ENOENT",
    });
  });

  it("fails rather than hash a file that shrank while it was read", async () => {
    const path = join(dir, "shrinks");
    const writing = (async () => {
      await writeFile(path, Buffer.alloc(100_000, 1));
      await sleep(50);
      await truncate(path, 10);
    })();
    await expect(sha256FileAsWritten(path, writing, { pollMs: 1 })).rejects.toThrow(
      /changed while it was hashed/,
    );
  });
});
