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
