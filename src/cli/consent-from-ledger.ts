/**
 * The consent events of the configured ledger, for commands run without `--consent`.
 * The one seam between the CLI's export-based commands and the ledger.
 */

import type { StoredConsentEvent } from "../ledger/ledger-store.js";
import type { ConsentEvent } from "../policy/domain.js";
import { KNOWN_PURPOSES } from "../policy/domain.js";
import { type LedgerLocation, withLedger } from "./ledger-location.js";

export type { LedgerLocation } from "./ledger-location.js";

/**
 * The events a build decides with, from the ledger's events in position order. An erased
 * member (GDPR art. 17) must be denied at every as-of instant, including instants before the
 * erasure, so their history is replaced by one deny at instant 0 for every purpose the ledger
 * or the contract knows: the latest event at or before any T is then that deny.
 */
export async function buildEvents(
  events: AsyncIterable<StoredConsentEvent> | Iterable<StoredConsentEvent>,
  erased: ReadonlySet<string>,
): Promise<ConsentEvent[]> {
  const purposes = new Set<string>(KNOWN_PURPOSES);
  const all = new Set(erased);
  let out: ConsentEvent[] = [];
  for await (const e of events) {
    purposes.add(e.purpose);
    // A tombstone of a member erased after `erased` was read still erases them.
    if (e.tombstone) all.add(e.memberId);
    if (all.has(e.memberId)) continue;
    out.push({
      memberId: e.memberId,
      purpose: e.purpose,
      choice: e.choice,
      at: e.at,
      source: e.source,
    });
  }
  if (all.size > erased.size) out = out.filter((e) => !all.has(e.memberId));
  for (const memberId of [...all].sort()) {
    for (const purpose of [...purposes].sort()) {
      out.push({ memberId, purpose, choice: "deny", at: 0, source: "admin" });
    }
  }
  return out;
}

/**
 * Every consent event in the configured ledger, as builds must see them (see `buildEvents`).
 * Throws `TG_E_NO_LEDGER` when no ledger exists there yet.
 */
export async function consentFromLedger(where: LedgerLocation): Promise<ConsentEvent[]> {
  return withLedger(
    where,
    async (store) => buildEvents(store.iterateEvents(), new Set(await store.erasedMembers())),
    { mustExist: true },
  );
}
