/** The JSON of a feed event, shared by `GET /v1/feed/consent` and webhook deliveries. */
import type { StoredConsentEvent } from "../../ledger/ledger-store.js";
import { formatInstant } from "../../policy/time.js";

/** A stored event as partners receive it. */
export function feedEventJson(e: StoredConsentEvent) {
  return {
    id: e.id,
    position: e.position,
    member_id: e.memberId,
    purpose: e.purpose,
    choice: e.choice,
    at: formatInstant(e.at),
    source: e.source,
    recorded_at: formatInstant(e.recordedAt),
    tombstone: e.tombstone,
  };
}

/** The cursor a webhook registered "from the beginning" stores; the feed reads it as null. */
export const START_CURSOR = "";

/** The feed's `after` for a stored cursor. */
export function feedAfter(cursor: string): string | null {
  return cursor === START_CURSOR ? null : cursor;
}
