/**
 * Bulk import of a consent_events file (JSONL, CSV or Parquet, contract §1) into the ledger:
 * streamed row by row into ONE transaction, so a bad row (named by file and line) leaves the
 * ledger exactly as it was, and idempotent, so importing the same file again adds nothing.
 */
import { badInput } from "../errors.js";
import { parseConsentRow } from "../export/parse-rows.js";
import { readRows } from "../export/read-rows.js";
import type { ImportResult, LedgerStore, NewConsentEvent, WriteContext } from "./ledger-store.js";

/** The longest member id the ledger stores (`memberIdSchema`). */
const MAX_MEMBER_ID = 256;

/**
 * The rows of a consent_events file as events to append; throws `TG_E_BAD_INPUT` at a bad row,
 * naming `label` (the path by default; the API says `body`) and the line. Beyond the contract's
 * columns, a row must be what the ledger stores (`newConsentEventSchema`), so that no row fails
 * later without its line: a member id with a control character (PostgreSQL cannot store NUL,
 * and no platform id has one) or over 256 characters, or an instant before 1970, is bad input.
 */
export async function* consentFileEvents(
  path: string,
  label: string = path,
): AsyncGenerator<NewConsentEvent> {
  for await (const row of readRows(path)) {
    if (row.error !== undefined) throw badInput(label, row.line, `bad consent event: ${row.error}`);
    const event = parseConsentRow(row.values, label, row.line);
    if (/[\u0000-\u001f\u007f]/.test(event.memberId)) {
      throw badInput(label, row.line, "bad consent event: member_id contains a control character");
    }
    if (event.memberId.length > MAX_MEMBER_ID) {
      throw badInput(
        label,
        row.line,
        `bad consent event: member_id is longer than ${MAX_MEMBER_ID} characters`,
      );
    }
    if (event.at < 0) {
      throw badInput(label, row.line, "bad consent event: at is before 1970-01-01T00:00:00Z");
    }
    yield event;
  }
}

/** Imports a consent_events file; see the module comment. */
export function importConsentFile(
  store: LedgerStore,
  path: string,
  ctx: WriteContext,
): Promise<ImportResult> {
  return store.importEvents(consentFileEvents(path), { ...ctx, label: path });
}
