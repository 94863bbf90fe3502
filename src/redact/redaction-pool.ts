/**
 * Redaction on worker threads, for builds: texts are cut into batches, spread over the
 * workers, and reassembled in input order.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { TrainGateError } from "../errors.js";
import type { RedactorOptions } from "./redactor.js";

/** Options of a pool: the redactor's, plus the number of worker threads (default: one per core). */
export interface RedactionPoolOptions extends RedactorOptions {
  readonly threads?: number;
}

/** Texts per message: large enough that messaging costs little, small enough to balance. */
const BATCH = 1024;

interface Pending {
  readonly resolve: (texts: (string | null)[]) => void;
  readonly reject: (e: Error) => void;
}

interface Slot {
  readonly worker: Worker;
  readonly pending: Map<number, Pending>;
}

/**
 * Starts one worker. Its code sits beside this module: compiled JavaScript from `dist/`, or
 * TypeScript from `src/` (tests, `tsx`). Node 20 ignores `--import tsx` in a worker's
 * execArgv for the worker's own entry point, so a TypeScript worker starts from a two-line
 * bootstrap that registers tsx's loader first and then imports the worker module.
 */
function startWorker(workerData: unknown): Worker {
  if (!import.meta.url.endsWith(".ts")) {
    return new Worker(new URL("./redaction-worker.js", import.meta.url), { workerData });
  }
  const api = import.meta.resolve("tsx/esm/api");
  const entry = new URL("./redaction-worker.ts", import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/** A fixed set of worker threads, each with its own redactor built from the same options. */
export class RedactionPool {
  private readonly slots: Slot[];
  private nextId = 0;
  private nextSlot = 0;
  private failure: Error | null = null;

  private constructor(slots: Slot[]) {
    this.slots = slots;
  }

  /** Starts the workers and waits until each has built its redactor. */
  static async create(options: RedactionPoolOptions): Promise<RedactionPool> {
    const threads = options.threads ?? availableParallelism();
    if (!Number.isInteger(threads) || threads < 1) {
      throw new TrainGateError("TG_E_USAGE", `threads must be a whole number >= 1, got ${threads}`);
    }
    const workerData = { memberNames: [...options.memberNames], enabled: { ...options.enabled } };
    const slots: Slot[] = [];
    for (let t = 0; t < threads; t++) {
      slots.push({ worker: startWorker(workerData), pending: new Map() });
    }
    const pool = new RedactionPool(slots);
    for (const slot of slots) pool.listen(slot);
    // A round trip through every worker proves each one started and built its redactor.
    await Promise.all(slots.map((slot) => pool.send(slot, [])));
    return pool;
  }

  private listen(slot: Slot): void {
    slot.worker.on("message", (m: { id: number; texts?: (string | null)[]; error?: string }) => {
      const p = slot.pending.get(m.id);
      if (p === undefined) return;
      slot.pending.delete(m.id);
      if (m.texts !== undefined) p.resolve(m.texts);
      else p.reject(new TrainGateError("TG_E_INTERNAL", `redaction failed: ${m.error}`));
    });
    const fail = (e: Error): void => {
      this.failure ??= e;
      for (const p of slot.pending.values()) p.reject(e);
      slot.pending.clear();
    };
    slot.worker.on("error", (e) =>
      fail(new TrainGateError("TG_E_INTERNAL", `redaction worker failed: ${e.message}`)),
    );
    // A worker that exits, even idle, fails the pool: work sent to it would never come back.
    slot.worker.on("exit", (code) => {
      fail(new TrainGateError("TG_E_INTERNAL", `redaction worker exited (code ${code})`));
    });
  }

  private send(slot: Slot, texts: readonly (string | null)[]): Promise<(string | null)[]> {
    if (this.failure !== null) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ id, texts });
    });
  }

  /** Redacts every text (null stays null); the result has the input's order and length. */
  async redactMany(texts: readonly (string | null)[]): Promise<(string | null)[]> {
    const parts: Promise<(string | null)[]>[] = [];
    for (let i = 0; i < texts.length; i += BATCH) {
      const slot = this.slots[this.nextSlot++ % this.slots.length]!;
      parts.push(this.send(slot, texts.slice(i, i + BATCH)));
    }
    return (await Promise.all(parts)).flat();
  }

  /** Stops the workers. The pool cannot be used afterwards. */
  async close(): Promise<void> {
    this.failure ??= new TrainGateError("TG_E_INTERNAL", "the redaction pool is closed");
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
