/**
 * The consent events of the configured ledger, for commands run without `--consent`.
 * The one seam between the CLI's export-based commands and the ledger.
 */
import { TrainGateError } from "../errors.js";
import type { ConsentEvent } from "../policy/domain.js";

/** Options that locate the ledger. */
export interface LedgerLocation {
  readonly dataDir?: string | undefined;
  readonly database?: string | undefined;
}

/** Every consent event in the configured ledger. */
export async function consentFromLedger(_where: LedgerLocation): Promise<ConsentEvent[]> {
  throw new TrainGateError(
    "TG_E_NO_LEDGER",
    "no --consent file was given and no consent ledger is configured yet; pass --consent PATH",
  );
}
