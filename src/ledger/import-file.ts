/**
 * Bulk import of a consent_events file (JSONL, CSV or Parquet, contract §1) into the ledger:
 * streamed row by row into ONE transaction, so a bad row (named by file and line) leaves the
 * ledger exactly as it was, and idempotent, so importing the same file again adds nothing.
 */
import { badInput } from "../errors.js";
import { parseConsentRow } from "../export/parse-rows.js";
import { readRows } from "../export/read-rows.js";
import type { ImportResult, LedgerStore, NewConsentEvent, WriteContext } from "./ledger-store.js";

/** The rows of a consent_events file as events to append; throws `TG_E_BAD_INPUT` at a bad row. */
export async function* consentFileEvents(path: string): AsyncGenerator<NewConsentEvent> {
  for await (const row of readRows(path)) {
    if (row.error !== undefined) throw badInput(path, row.line, `bad consent event: ${row.error}`);
    yield parseConsentRow(row.values, path, row.line);
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
