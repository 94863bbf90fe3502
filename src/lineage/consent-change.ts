/**
 * What obligations need from the consent ledger's change feed: each change in commit order,
 * with a cursor to resume after it. `lineage` adapts the ledger's own feed to this shape
 * (see `ledger-feed.ts`), so the obligation logic can be tested against any real feed.
 */

/** One consent change as the obligation processor reads it. */
export interface ConsentChange {
  /** A stable, unique key of the ledger event (part of each obligation's identity). */
  readonly key: string;
  readonly memberId: string;
  /** The purpose (an erasure appends one tombstone deny per purpose). */
  readonly purpose: string;
  readonly choice: "allow" | "deny";
  /** When the member made the choice, epoch microseconds. */
  readonly at: number;
  readonly source: string;
}

/** One page of the feed. `nextCursor` resumes after the last change of the page. */
export interface ConsentChangePage {
  readonly changes: readonly ConsentChange[];
  readonly nextCursor: string | null;
}

/** A commit-ordered feed: resuming from `nextCursor` misses nothing and repeats nothing. */
export interface ConsentChangeFeed {
  changesAfter(cursor: string | null, limit: number): Promise<ConsentChangePage>;
}
