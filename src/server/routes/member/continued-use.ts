/**
 * Continued use without a ledger write on every request: a member's request can only create
 * a continued-use acceptance when some document was published or took effect after the last
 * time this member was checked. The tracker remembers, per member, when they were last
 * checked, and the documents (refreshed every `refreshMs`, and at once after a publish through
 * this server), and calls the ledger only when a document could be pending. A document
 * published by another server process is noticed within `refreshMs`.
 */
import type { LedgerStore } from "../../../ledger/ledger-store.js";

const MAX_MEMBERS = 200_000;

/** Decides when `recordContinuedUse` must run. */
export class ContinuedUseTracker {
  readonly #store: LedgerStore;
  readonly #refreshMs: number;
  readonly #checked = new Map<string, number>();
  /** max(publishedAt, effectiveAt) over every document, or null before the first load. */
  #latest: number | null = null;
  #loadedAt = 0;

  constructor(store: LedgerStore, refreshMs = 2000) {
    this.#store = store;
    this.#refreshMs = refreshMs;
  }

  /** Forgets the document cache (call after publishing a document). */
  invalidate(): void {
    this.#latest = null;
  }

  /** Records continued use for `memberId` at `at` if anything could be pending. */
  async touch(memberId: string, at: number): Promise<void> {
    if (this.#latest === null || Date.now() - this.#loadedAt > this.#refreshMs) {
      const docs = await this.#store.listDocuments();
      this.#latest = docs.reduce((m, d) => Math.max(m, d.publishedAt, d.effectiveAt), 0);
      this.#loadedAt = Date.now();
    }
    const last = this.#checked.get(memberId);
    if (last !== undefined && last >= this.#latest && last <= at) return;
    await this.#store.recordContinuedUse(memberId, at);
    if (this.#checked.size >= MAX_MEMBERS) this.#checked.clear();
    this.#checked.set(memberId, at);
  }
}
