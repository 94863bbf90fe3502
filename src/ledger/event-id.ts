/**
 * Event ids. API writes get a random id (two identical choices are two events); imported rows
 * get an id derived from their content, so importing the same file twice stores nothing new.
 */
import { hash, randomUUID } from "node:crypto";
import type { NewConsentEvent } from "./ledger-store.js";

/** A fresh random id for an event written through the API or the CLI. */
export function randomEventId(): string {
  return `evt_${randomUUID().replaceAll("-", "")}`;
}

/**
 * The deterministic id of an imported event: a hash of (member, purpose, choice, at, source),
 * encoded as a JSON array so that no member id can make two rows encode alike.
 */
export function importEventId(e: NewConsentEvent): string {
  const h = hash("sha256", JSON.stringify([e.memberId, e.purpose, e.choice, e.at, e.source]));
  return `imp_${h.slice(0, 40)}`;
}

/** The id of the tombstone an erasure appends for one purpose. */
export function tombstoneEventId(memberId: string, purpose: string): string {
  const h = hash("sha256", JSON.stringify(["tombstone", memberId, purpose]));
  return `tomb_${h.slice(0, 40)}`;
}
