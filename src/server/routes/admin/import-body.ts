/**
 * Bulk import bodies: a CSV or JSON Lines request body is streamed to a temporary file while
 * its sha256 is computed (so the idempotency check can compare bodies without holding them in
 * memory), then read row by row by the ledger's file import (`consentFileEvents`). A bad row
 * fails the whole import (one transaction): a lost opt-out must never pass silently.
 */
import { createHash, randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { TrainGateError } from "../../../errors.js";

/** Largest accepted import body (bytes). */
export const MAX_IMPORT_BYTES = 4 * 1024 ** 3;

/** Content types the import accepts, with the file extension the readers know them by. */
export const IMPORT_TYPES: Readonly<Record<string, "csv" | "jsonl">> = {
  "text/csv": "csv",
  "application/csv": "csv",
  "application/x-ndjson": "jsonl",
  "application/jsonl": "jsonl",
  "application/x-jsonlines": "jsonl",
  "application/json-seq": "jsonl",
};

/** A spooled body: where it is, its sha256 and size; `remove` deletes it. */
export interface SpooledBody {
  readonly path: string;
  readonly sha256: string;
  readonly bytes: number;
  remove(): Promise<void>;
}

/** Streams `body` to a temporary file, hashing it on the way. */
export async function spoolBody(
  body: Readable,
  format: "csv" | "jsonl",
  hashPrefix: string,
): Promise<SpooledBody> {
  const path = join(tmpdir(), `traingate-import-${randomUUID()}.${format}`);
  const hash = createHash("sha256").update(hashPrefix);
  let bytes = 0;
  const remove = () => rm(path, { force: true });
  try {
    await pipeline(
      body,
      async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          bytes += chunk.length;
          if (bytes > MAX_IMPORT_BYTES) {
            throw new TrainGateError(
              "TG_E_BAD_INPUT",
              `the import body is larger than ${MAX_IMPORT_BYTES} bytes; split it`,
            );
          }
          hash.update(chunk);
          yield chunk;
        }
      },
      createWriteStream(path, { mode: 0o600 }),
    );
  } catch (e) {
    await remove();
    throw e;
  }
  return { path, sha256: hash.digest("hex"), bytes, remove };
}
