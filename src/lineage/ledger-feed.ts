/** Adapts the consent ledger's partner feed to the shape the obligation processor reads. */
import type { LedgerStore } from "../ledger/ledger-store.js";
import type { ConsentChangeFeed } from "./consent-change.js";

/**
 * The ledger's `changesAfter` as a `ConsentChangeFeed`. A `gpc` event and an erasure's
 * tombstone are denies whatever their row says (fail closed).
 */
export function ledgerFeed(ledger: Pick<LedgerStore, "changesAfter">): ConsentChangeFeed {
  return {
    async changesAfter(cursor, limit) {
      const page = await ledger.changesAfter(cursor, limit);
      return {
        nextCursor: page.nextCursor,
        changes: page.events.map((e) => ({
          key: e.id,
          memberId: e.memberId,
          purpose: e.purpose,
          choice: e.source === "gpc" || e.tombstone ? "deny" : e.choice,
          at: e.at,
          source: e.tombstone ? "erasure" : e.source,
        })),
      };
    },
  };
}
