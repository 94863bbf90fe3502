/**
 * Group commit for the API's consent writes: requests that arrive while a commit is in flight
 * wait and then share the next transaction (`LedgerStore.appendBatch`), so N concurrent
 * opt-outs cost one durable commit instead of N. Each request still gets its own stored
 * events, audit entries and idempotent response. If a batch fails (one erased member, one
 * reused key), its requests are retried one by one so each gets its own outcome.
 *
 * Two batches may be in flight: while one holds the ledger's write lock and commits, the next
 * is already sent and waits for the lock (PostgreSQL), so the time of its first round trip is
 * not added to the commit cycle. The ledger still serializes them: positions, audit entries
 * and commits stay in order. On SQLite one batch at a time (see the constructor).
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
  readonly #maxInFlight: number;
  #queue: Pending[] = [];
  #inFlight = 0;
  #scheduled = false;

  /**
   * `maxInFlight` defaults to 2 on PostgreSQL and 1 on SQLite, whose one synchronous
   * connection cannot overlap anything (a second batch would only be a smaller one).
   */
  constructor(
    store: LedgerStore,
    maxBatch = 256,
    maxInFlight = store.backend === "postgres" ? 2 : 1,
  ) {
    this.#store = store;
    this.#maxBatch = maxBatch;
    this.#maxInFlight = maxInFlight;
  }

  /** Appends one request's events; resolves once they are durably committed. */
  append(request: AppendRequest): Promise<StoredConsentEvent[]> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ request, resolve, reject });
      this.#schedule();
    });
  }

  /** Starts a batch soon, letting requests already on their way join it. */
  #schedule(): void {
    if (this.#scheduled || this.#inFlight >= this.#maxInFlight || this.#queue.length === 0) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      if (this.#inFlight >= this.#maxInFlight || this.#queue.length === 0) return;
      const batch = this.#queue.splice(0, this.#maxBatch);
      this.#inFlight++;
      void this.#commit(batch).finally(() => {
        this.#inFlight--;
        this.#schedule();
      });
      this.#schedule();
    });
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
