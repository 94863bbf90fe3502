/**
 * Keeps the obligations current while the server runs: every `intervalMs` it applies the
 * ledger's change feed to the lineage registry (`processObligations`), so an opt-out wave is
 * turned into obligations in the background instead of on the next member or admin request
 * that reads them (those still catch up first, so they never show a stale queue; with the
 * worker they usually find nothing left to do). Safe beside other processes doing the same: a
 * batch whose cursor moved meanwhile is dropped and re-read.
 */
import type { LedgerStore } from "../ledger/ledger-store.js";
import { ledgerFeed } from "../lineage/ledger-feed.js";
import { processObligations } from "../lineage/obligation-feed.js";
import { sharedLineage } from "../lineage/open-lineage.js";

/** What one pass did (for logs and tests). */
export interface ObligationsPass {
  readonly changes: number;
  readonly opened: number;
  readonly ms: number;
}

/** Options of the worker. */
export interface ObligationsWorkerOptions {
  /** Pause between passes (ms). Default 5000. */
  readonly intervalMs?: number | undefined;
  /** Now in epoch µs (the server's clock). */
  readonly now?: (() => number) | undefined;
  /** Called after a pass that applied changes. */
  readonly onPass?: ((pass: ObligationsPass) => void) | undefined;
  /** Called when a pass fails (it is retried at the next interval). */
  readonly onError?: ((error: Error) => void) | undefined;
}

/** A running worker; `stop()` waits for the pass in flight. */
export interface ObligationsWorker {
  stop(): Promise<void>;
  /** Runs one pass now. */
  tick(): Promise<ObligationsPass>;
}

/** Starts applying the ledger's changes to the obligations in the background. */
export function startObligationsWorker(
  store: LedgerStore,
  options: ObligationsWorkerOptions = {},
): ObligationsWorker {
  const intervalMs = options.intervalMs ?? 5000;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<ObligationsPass> | null = null;

  async function pass(): Promise<ObligationsPass> {
    const started = Date.now();
    const lineage = await sharedLineage(store, options.now);
    const progress = await processObligations(lineage, ledgerFeed(store));
    return { changes: progress.changes, opened: progress.opened, ms: Date.now() - started };
  }

  function tick(): Promise<ObligationsPass> {
    running ??= pass().finally(() => {
      running = null;
    });
    return running;
  }

  const loop = () => {
    if (stopped) return;
    tick()
      .then((p) => {
        if (p.changes > 0) options.onPass?.(p);
      })
      .catch((e: Error) => options.onError?.(e))
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, intervalMs);
      });
  };
  timer = setTimeout(loop, 0);

  return {
    async stop() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      await running?.catch(() => undefined);
    },
    tick,
  };
}
