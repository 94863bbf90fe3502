/**
 * Pseudonym keys (contract §5): the author of every dataset row is HMAC-SHA-256(key,
 * author_id). The key is the bytes of `--pseudonym-key-file` (at least 32), or a key kept in
 * the data directory under `keys/`, created on first use; `keys/current` names the one in
 * use, and rotated keys stay so the manifests made with them stay explainable. A key is named
 * by its fingerprint, never written anywhere else.
 */
import { createHash, createHmac, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { TrainGateError } from "../errors.js";

/** The least key length, in bytes (contract §5). */
export const MIN_KEY_BYTES = 32;

/** A pseudonym key and where it came from. */
export interface PseudonymKey {
  readonly bytes: Buffer;
  /** sha256 of the key, hex, first 32 characters: names the key without revealing it. */
  readonly fingerprint: string;
  readonly source: "file" | "data_dir";
}

/** The fingerprint of a key. */
export function keyFingerprint(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex").slice(0, 32);
}

function keyOf(bytes: Buffer, source: PseudonymKey["source"]): PseudonymKey {
  return Object.freeze({ bytes, fingerprint: keyFingerprint(bytes), source });
}

/** Reads `--pseudonym-key-file`: its raw bytes, at least MIN_KEY_BYTES of them. */
export function readKeyFile(path: string): PseudonymKey {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new TrainGateError("TG_E_NOT_FOUND", `${path}: no such pseudonym key file`, {
      file: path,
    });
  }
  if (bytes.length < MIN_KEY_BYTES) {
    throw new TrainGateError(
      "TG_E_USAGE",
      `${path}: a pseudonym key must be at least ${MIN_KEY_BYTES} bytes (this one has ${bytes.length}); make one with: head -c 32 /dev/urandom > ${path}`,
      { file: path },
    );
  }
  return keyOf(bytes, "file");
}

function keysDir(dataDir: string): string {
  const dir = join(dataDir, "keys");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** Writes a file atomically (temp + rename) with mode 0600. */
function writePrivate(path: string, data: string | Buffer): void {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  writeFileSync(tmp, data, { mode: 0o600, flag: "wx" });
  renameSync(tmp, path);
}

/** Makes and stores a new key, and makes it the current one. */
export function rotateKey(dataDir: string): PseudonymKey {
  const dir = keysDir(dataDir);
  const key = keyOf(randomBytes(MIN_KEY_BYTES), "data_dir");
  writePrivate(join(dir, `pseudonym-${key.fingerprint}.key`), key.bytes);
  writePrivate(join(dir, "current"), `${key.fingerprint}\n`);
  return key;
}

/** The current key of the data directory, or null when there is none yet. */
export function currentKey(dataDir: string): PseudonymKey | null {
  const dir = keysDir(dataDir);
  let fingerprint: string;
  try {
    fingerprint = readFileSync(join(dir, "current"), "utf8").trim();
  } catch {
    return null;
  }
  if (!/^[0-9a-f]{32}$/.test(fingerprint)) {
    throw new TrainGateError("TG_E_INTERNAL", `${join(dir, "current")}: not a key fingerprint`);
  }
  const bytes = readFileSync(join(dir, `pseudonym-${fingerprint}.key`));
  if (keyFingerprint(bytes) !== fingerprint) {
    throw new TrainGateError(
      "TG_E_INTERNAL",
      `${dir}: the key file does not match its fingerprint ${fingerprint}`,
    );
  }
  return keyOf(bytes, "data_dir");
}

/** The key a build uses: the file's, else the data directory's current one (made if none). */
export function buildKey(keyFile: string | undefined, dataDir: string): PseudonymKey {
  if (keyFile !== undefined) return readKeyFile(keyFile);
  return currentKey(dataDir) ?? rotateKey(dataDir);
}

/** The pseudonym of one id (the reference the SQL form is tested against). */
export function pseudonym(key: PseudonymKey, id: string): string {
  return createHmac("sha256", key.bytes).update(id, "utf8").digest("hex");
}

/**
 * HMAC-SHA-256 as two sha256 calls (RFC 2104), for engines with sha256 but no HMAC: the key
 * block XOR ipad and XOR opad, hex. The pads are secret: they only ever go into a query.
 */
export function hmacPads(key: PseudonymKey): { inner: string; outer: string } {
  const block = Buffer.alloc(64);
  const k = key.bytes.length > 64 ? createHash("sha256").update(key.bytes).digest() : key.bytes;
  k.copy(block);
  const inner = Buffer.alloc(64);
  const outer = Buffer.alloc(64);
  for (let i = 0; i < 64; i++) {
    inner[i] = block[i]! ^ 0x36;
    outer[i] = block[i]! ^ 0x5c;
  }
  return { inner: inner.toString("hex"), outer: outer.toString("hex") };
}
