/** The sha256 of a file (the manifest's input and output hashes), without the export readers. */
import { createHash } from "node:crypto";
import { open } from "node:fs/promises";

/**
 * Bytes read at a time, into one buffer reused for the whole file: a read stream's fresh 64 KiB
 * chunk per read cost twice the time (a 500 MB dataset: 0.73-0.92 s against 0.40-0.48 s, half
 * of it system time for the new pages).
 */
const READ_SIZE = 4 * 2 ** 20;

/** sha256 (hex) of a file's bytes. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  const file = await open(path, "r");
  try {
    const buf = Buffer.allocUnsafe(READ_SIZE);
    for (;;) {
      const { bytesRead } = await file.read(buf, 0, READ_SIZE, null);
      if (bytesRead === 0) break;
      hash.update(buf.subarray(0, bytesRead));
    }
  } finally {
    await file.close();
  }
  return hash.digest("hex");
}

/** Bytes written between two flushes of `sha256FileAsWritten`'s `flush` option. */
const FLUSH_EVERY = 64 * 2 ** 20;

/**
 * sha256 (hex) of a file that another writer is still appending to, read as it grows, so the
 * hash is ready when the writer is: `finished` settles once the writer has closed the file
 * (resolved or rejected alike). The file may not exist yet; it is waited for. Sound only for
 * a writer that appends in order and never rewrites a byte (DuckDB's COPY writes its CSV and
 * Parquet files that way, with sequential writes): Linux makes appended bytes visible to
 * readers in order, up to the file's size. An end of file counts only when `finished` had
 * settled before the read that found it; the bytes hashed must then be the file's whole size.
 * With `flush`, the file is also flushed to disk every 64 MiB as it grows (one flush at a
 * time), so the disk writes while the writer does and a final flush has little left to do.
 */
export async function sha256FileAsWritten(
  path: string,
  finished: Promise<unknown>,
  options: { readonly flush?: boolean; readonly pollMs?: number } = {},
): Promise<string> {
  let done = false;
  const settle = (): void => {
    done = true;
  };
  finished.then(settle, settle);
  const pause = (): Promise<void> => new Promise((r) => setTimeout(r, options.pollMs ?? 5));
  let file: Awaited<ReturnType<typeof open>> | null = null;
  while (file === null) {
    const settled = done;
    try {
      file = await open(path, "r");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT" || settled) throw e;
      await pause();
    }
  }
  const hash = createHash("sha256");
  let flushing: Promise<void> | null = null;
  try {
    const buf = Buffer.allocUnsafe(READ_SIZE);
    let at = 0;
    let flushedAt = 0;
    for (;;) {
      const settled = done;
      const { bytesRead } = await file.read(buf, 0, READ_SIZE, at);
      if (bytesRead > 0) {
        hash.update(buf.subarray(0, bytesRead));
        at += bytesRead;
      } else if (settled) {
        break;
      } else {
        await pause();
      }
      if (options.flush && flushing === null && at - flushedAt >= FLUSH_EVERY) {
        flushedAt = at;
        flushing = file.datasync().finally(() => {
          flushing = null;
        });
      }
    }
    await flushing;
    const { size } = await file.stat();
    if (size !== at)
      throw new Error(`${path} changed while it was hashed (${at} of ${size} bytes)`);
  } finally {
    await (flushing as Promise<void> | null)?.catch(() => undefined);
    await file.close();
  }
  return hash.digest("hex");
}
