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
  /** The document load in flight, shared by the requests that need it. */
  #loading: Promise<number> | null = null;

  constructor(store: LedgerStore, refreshMs = 2000) {
    this.#store = store;
    this.#refreshMs = refreshMs;
  }

  /** Forgets the document cache (call after publishing a document). */
  invalidate(): void {
    this.#latest = null;
    this.#loading = null;
  }

  async #documentsChangedAt(): Promise<number> {
    if (this.#latest !== null && Date.now() - this.#loadedAt <= this.#refreshMs)
      return this.#latest;
    this.#loading ??= this.#store
      .listDocuments()
      .then((docs) => {
        this.#latest = docs.reduce((m, d) => Math.max(m, d.publishedAt, d.effectiveAt), 0);
        this.#loadedAt = Date.now();
        return this.#latest;
      })
      .finally(() => {
        this.#loading = null;
      });
    return this.#loading;
  }

  /** Records continued use for `memberId` at `at` if anything could be pending. */
  async touch(memberId: string, at: number): Promise<void> {
    const latest = await this.#documentsChangedAt();
    // No document at all: nothing can be accepted by continued use.
    if (latest === 0) return;
    const last = this.#checked.get(memberId);
    if (last !== undefined && last >= latest && last <= at) return;
    await this.#store.recordContinuedUse(memberId, at);
    if (this.#checked.size >= MAX_MEMBERS) this.#checked.clear();
    this.#checked.set(memberId, at);
  }
}
