/**
 * What every route plugin receives: the ledger, the active policy, the clock and the server's
 * configuration. Built once by `buildApp`; route plugins never open a backend themselves.
 */

import type { ExportPaths } from "../export/load-export.js";
import type { LedgerStore } from "../ledger/ledger-store.js";
import type { Policy } from "../policy/model.js";
import type { DemoKey } from "./auth/demo-key.js";
import type { GroupCommitter } from "./group-commit.js";
import type { ContinuedUseTracker } from "./routes/member/continued-use.js";
import type { WebhookDestinations } from "./webhooks/destinations.js";

/** The server's shared state, passed to each route plugin as its options. */
export interface ServerContext {
  readonly store: LedgerStore;
  /** The active policy (`--policy`/`--preset`, default `recommended`). */
  readonly policy: Policy;
  /** Now, in epoch microseconds (injected so tests never read the wall clock). */
  readonly now: () => number;
  /** Demo mode's signing key; undefined when the server is not in demo mode. */
  readonly demoKey: DemoKey | undefined;
  readonly dataDir: string;
  /** Consent writes of concurrent requests, batched into shared transactions. */
  readonly appender: GroupCommitter;
  /** Records policy acceptance by continued use on member requests, without a write each time. */
  readonly continuedUse: ContinuedUseTracker;
  /** Where partner webhooks may point. */
  readonly webhookDestinations: WebhookDestinations;
  /** The default export for what-if (`--export-dir`), when given. */
  readonly defaultExport: ExportPaths | undefined;
}
