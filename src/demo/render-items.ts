/**
 * Renders all item chunks of an export, in order, on worker threads when the export is big
 * enough for them to pay off, else on this thread. The bytes are the same either way: each
 * chunk has its own random stream.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { ITEM_CHUNK, type ItemOptions, ItemRenderer, type MemberFacts } from "./item-renderer.js";

/** Below this many chunks, starting threads costs more than it saves. */
const MIN_CHUNKS_FOR_THREADS = 4;

/**
 * Starts a renderer thread. From `dist/` the worker is plain JavaScript; from `src/` (tests,
 * tsx) Node 20 does not apply `--import tsx` to a worker's entry point, so a TypeScript worker
 * starts from a bootstrap that registers tsx first (as the redaction pool does).
 */
function startWorker(workerData: unknown): Worker {
  if (!import.meta.url.endsWith(".ts")) {
    return new Worker(new URL("./item-worker.js", import.meta.url), { workerData });
  }
  const api = import.meta.resolve("tsx/esm/api");
  const entry = new URL("./item-worker.ts", import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/**
 * Calls `write` with every chunk's UTF-8 bytes, in chunk order. `threads` caps the worker
 * threads (default: one per core but one, at most 8; 1 renders here).
 */
export async function renderItems(
  facts: MemberFacts,
  opts: ItemOptions,
  write: (chunk: Uint8Array, rows: number) => void,
  // One core stays with this thread (members, consent, writes): on two cores, one renderer.
  threads: number = Math.min(8, availableParallelism() - 1),
): Promise<void> {
  const chunks = Math.ceil(opts.items / ITEM_CHUNK);
  const rowsOf = (i: number) => Math.min(opts.items, (i + 1) * ITEM_CHUNK) - i * ITEM_CHUNK;
  if (threads <= 1 || chunks < MIN_CHUNKS_FOR_THREADS) {
    const renderer = new ItemRenderer(facts, opts);
    for (let i = 0; i < chunks; i++) write(renderer.chunk(i), rowsOf(i));
    return;
  }
  const workers = Array.from({ length: Math.min(threads, chunks) }, () =>
    startWorker({ facts, opts }),
  );
  try {
    await new Promise<void>((resolve, reject) => {
      const done = new Map<number, Uint8Array>();
      let next = 0;
      let written = 0;
      const dispatch = (w: Worker) => {
        if (next < chunks) w.postMessage(next++);
      };
      for (const w of workers) {
        w.on("message", ({ index, bytes }: { index: number; bytes: Uint8Array }) => {
          done.set(index, bytes);
          // Out-of-order chunks wait; at most one per worker is ever held.
          for (let b = done.get(written); b !== undefined; b = done.get(written)) {
            done.delete(written);
            write(b, rowsOf(written));
            written++;
          }
          if (written === chunks) resolve();
          else dispatch(w);
        });
        w.on("error", reject);
        w.on("exit", (code) => {
          if (written < chunks) reject(new Error(`item renderer thread exited with code ${code}`));
        });
        dispatch(w);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
