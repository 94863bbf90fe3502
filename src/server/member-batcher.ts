/**
 * Member rows for the API's consent writes, read in batches: lookups that arrive while one is
 * running wait and share the next query, as the group commit does for writes. Under load, N
 * concurrent opt-outs cost one `getMembers` query instead of N (on PostgreSQL each is a round
 * trip on the pool the group commit also needs). Every lookup reads the database; nothing is
 * cached, so a member's country is as fresh as with `getMember`.
 */
import type { LedgerStore, StoredMember } from "../ledger/ledger-store.js";

interface Waiting {
  resolve(member: StoredMember | null): void;
  reject(e: unknown): void;
}

/** Batches concurrent `getMember` calls. */
export class MemberBatcher {
  readonly #store: LedgerStore;
  readonly #maxBatch: number;
  #queue = new Map<string, Waiting[]>();
  #running = false;

  constructor(store: LedgerStore, maxBatch = 1000) {
    this.#store = store;
    this.#maxBatch = maxBatch;
  }

  /** The member, or null when unknown. */
  get(memberId: string): Promise<StoredMember | null> {
    return new Promise((resolve, reject) => {
      const waiting = this.#queue.get(memberId);
      if (waiting === undefined) this.#queue.set(memberId, [{ resolve, reject }]);
      else waiting.push({ resolve, reject });
      if (!this.#running) {
        this.#running = true;
        // Let lookups already on their way join this query.
        setImmediate(() => void this.#drain());
      }
    });
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.size > 0) {
        const batch = [...this.#queue].slice(0, this.#maxBatch);
        for (const [id] of batch) this.#queue.delete(id);
        try {
          const found = await this.#store.getMembers(batch.map(([id]) => id));
          for (const [id, waiting] of batch) {
            for (const w of waiting) w.resolve(found.get(id) ?? null);
          }
        } catch (e) {
          for (const [, waiting] of batch) for (const w of waiting) w.reject(e);
        }
      }
    } finally {
      this.#running = false;
    }
  }
}
