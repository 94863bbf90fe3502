/**
 * Delivers the consent feed to partners' webhooks. Per webhook, one delivery at a time: the
 * next page after the webhook's stored cursor is POSTed, signed; on a 2xx answer the cursor
 * advances in the ledger, otherwise the same page is retried with exponential backoff
 * (base × 2^attempt, capped, with jitter). Because the cursor only moves after an
 * acknowledgement and lives in the ledger, a partner that was down — or a server that
 * restarted — resumes exactly where the last acknowledged delivery ended: no gap. A page may
 * be delivered twice (acknowledged but the ack lost); events carry ids and positions so a
 * partner can drop repeats.
 */
import type { LedgerStore, WebhookRecord } from "../../ledger/ledger-store.js";
import { PUBLIC_ONLY, postWebhook, type WebhookDestinations } from "./destinations.js";
import { feedAfter, feedEventJson } from "./feed-json.js";
import { SIGNATURE_HEADER, signBody } from "./signature.js";

/** Tuning of the worker (tests shorten the delays). */
export interface WebhookWorkerOptions {
  /** How often to look for new events and new webhooks when idle (ms). Default 500. */
  readonly pollMs?: number;
  /** First retry delay (ms). Default 1000. */
  readonly baseDelayMs?: number;
  /** Longest retry delay (ms). Default 60000. */
  readonly maxDelayMs?: number;
  /** Events per delivery (1..10000). Default 500. */
  readonly batch?: number;
  /** Per-delivery timeout (ms). Default 10000. */
  readonly timeoutMs?: number;
  /** Which addresses deliveries may connect to (default: public addresses only). */
  readonly destinations?: WebhookDestinations | undefined;
  /** Called after each attempt (for logs and tests). */
  readonly onAttempt?: (attempt: DeliveryAttempt) => void;
}

/** One delivery attempt's outcome. */
export interface DeliveryAttempt {
  readonly webhookId: string;
  readonly url: string;
  readonly events: number;
  readonly ok: boolean;
  readonly status: number | null;
  readonly error: string | null;
  /** Consecutive failures so far for this webhook (0 after a success). */
  readonly failures: number;
}

interface HookState {
  failures: number;
  nextAttemptAt: number;
  busy: boolean;
}

/** A running worker; `stop()` waits for in-flight deliveries. */
export interface WebhookWorker {
  stop(): Promise<void>;
  /** Runs one pass now (tests use it to avoid waiting for the poll). */
  tick(): Promise<void>;
}

/** The retry delay after `failures` consecutive failures. */
export function backoffDelay(failures: number, baseMs: number, maxMs: number): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, failures - 1));
  return Math.round(exp / 2 + (Math.random() * exp) / 2);
}

/** Starts delivering to every registered webhook. */
export function startWebhookWorker(
  store: LedgerStore,
  options: WebhookWorkerOptions = {},
): WebhookWorker {
  const pollMs = options.pollMs ?? 500;
  const baseMs = options.baseDelayMs ?? 1000;
  const maxMs = options.maxDelayMs ?? 60_000;
  const batch = options.batch ?? 500;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const destinations = options.destinations ?? PUBLIC_ONLY;
  const states = new Map<string, HookState>();
  const inFlight = new Set<Promise<void>>();
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;

  async function deliver(hook: WebhookRecord, state: HookState): Promise<void> {
    let cursor = hook.cursor;
    // Keep going while there is a backlog, so a partner that comes back catches up quickly.
    while (!stopped) {
      const page = await store.changesAfter(feedAfter(cursor), batch);
      if (page.events.length === 0) return;
      const body = JSON.stringify({
        webhook_id: hook.id,
        events: page.events.map(feedEventJson),
        next_cursor: page.nextCursor,
      });
      let status: number | null = null;
      let error: string | null = null;
      try {
        const res = await postWebhook(
          hook.url,
          {
            "content-type": "application/json",
            [SIGNATURE_HEADER]: signBody(hook.secret, body),
            "x-traingate-webhook": hook.id,
          },
          body,
          destinations,
          timeoutMs,
        );
        status = res.status;
      } catch (e) {
        error = (e as Error).message;
      }
      const ok = status !== null && status >= 200 && status < 300;
      if (ok) {
        await store.advanceWebhook(hook.id, page.nextCursor);
        cursor = page.nextCursor;
        state.failures = 0;
        state.nextAttemptAt = 0;
      } else {
        state.failures++;
        state.nextAttemptAt = Date.now() + backoffDelay(state.failures, baseMs, maxMs);
      }
      options.onAttempt?.({
        webhookId: hook.id,
        url: hook.url,
        events: page.events.length,
        ok,
        status,
        error,
        failures: state.failures,
      });
      if (!ok) return;
    }
  }

  async function tick(): Promise<void> {
    const hooks = await store.listWebhooks();
    const now = Date.now();
    const runs: Promise<void>[] = [];
    for (const hook of hooks) {
      let state = states.get(hook.id);
      if (state === undefined) {
        state = { failures: 0, nextAttemptAt: 0, busy: false };
        states.set(hook.id, state);
      }
      if (state.busy || state.nextAttemptAt > now) continue;
      const s = state;
      s.busy = true;
      const run = deliver(hook, s)
        .catch(() => {
          s.failures++;
          s.nextAttemptAt = Date.now() + backoffDelay(s.failures, baseMs, maxMs);
        })
        .finally(() => {
          s.busy = false;
          inFlight.delete(run);
        });
      inFlight.add(run);
      runs.push(run);
    }
    await Promise.all(runs);
  }

  const loop = () => {
    if (stopped) return;
    void tick()
      .catch(() => undefined)
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, pollMs);
      });
  };
  timer = setTimeout(loop, 0);

  return {
    async stop() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      await Promise.all([...inFlight]);
    },
    tick,
  };
}
