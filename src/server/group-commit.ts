/**
 * Group commit for the API's consent writes: requests that arrive while a commit is in flight
 * wait and then share the next transaction (`LedgerStore.appendBatch`), so N concurrent
 * opt-outs cost one durable commit instead of N. Each request still gets its own stored
 * events, audit entries and idempotent response. If a batch fails (one erased member, one
 * reused key), its requests are retried one by one so each gets its own outcome.
 */
import type { AppendRequest, LedgerStore, StoredConsentEvent } from "../ledger/ledger-store.js";

interface Pending {
  readonly request: AppendRequest;
  resolve(events: StoredConsentEvent[]): void;
  reject(e: unknown): void;
}

/** Batches concurrent appends into shared transactions. */
export class GroupCommitter {
  readonly #store: LedgerStore;
  readonly #maxBatch: number;
  #queue: Pending[] = [];
  #running = false;

  constructor(store: LedgerStore, maxBatch = 256) {
    this.#store = store;
    this.#maxBatch = maxBatch;
  }

  /** Appends one request's events; resolves once they are durably committed. */
  append(request: AppendRequest): Promise<StoredConsentEvent[]> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ request, resolve, reject });
      if (!this.#running) {
        this.#running = true;
        // Let requests already on their way join this commit.
        setImmediate(() => void this.#drain());
      }
    });
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, this.#maxBatch);
        await this.#commit(batch);
      }
    } finally {
      this.#running = false;
    }
  }

  async #commit(batch: Pending[]): Promise<void> {
    if (batch.length === 1) {
      const p = batch[0]!;
      await this.#one(p);
      return;
    }
    try {
      const results = await this.#store.appendBatch(batch.map((p) => p.request));
      for (const [i, p] of batch.entries()) p.resolve(results[i]!);
    } catch {
      // Someone in the batch cannot be written: give each request its own transaction.
      for (const p of batch) await this.#one(p);
    }
  }

  async #one(p: Pending): Promise<void> {
    try {
      const r = p.request;
      p.resolve(await this.#store.appendEvents(r.events, r.ctx, r.idempotency));
    } catch (e) {
      p.reject(e);
    }
  }
}
