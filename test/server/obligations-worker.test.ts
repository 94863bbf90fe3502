/**
 * The server's background obligations worker: an opt-out recorded in the ledger becomes an
 * obligation without any request reading obligations, and stopping waits for the pass.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sharedLineage } from "../../src/lineage/open-lineage.js";
import { startObligationsWorker } from "../../src/server/obligations-worker.js";
import { type LineageEnv, manifestFor, openLineageEnv } from "../lineage/lineage-fixtures.js";
import { hasPostgres } from "../support/services.js";

const BACKENDS = (await hasPostgres()) ? (["sqlite", "postgres"] as const) : (["sqlite"] as const);
const ctx = { actor: "test", requestId: null };

describe.each(BACKENDS)("obligations worker on %s", (backend) => {
  let env: LineageEnv;
  beforeAll(async () => {
    env = await openLineageEnv(backend);
  });
  afterAll(async () => env.close());

  it("opens the obligations of an opt-out in the background", async () => {
    const lineage = await sharedLineage(env.ledger);
    const items = ["i1", "i2"];
    await lineage.registerRun({
      manifest: manifestFor("run-1", items, { asOf: "2025-01-01T00:00:00Z" }),
      itemIds: items,
      memberIds: ["alice", "bob"],
      memberConsent: { allow: 0, none: 2 },
    });
    const passes: number[] = [];
    const errors: Error[] = [];
    const worker = startObligationsWorker(env.ledger, {
      intervalMs: 20,
      onPass: (p) => passes.push(p.opened),
      onError: (e) => errors.push(e),
    });
    try {
      await env.ledger.appendEvents(
        [
          {
            memberId: "alice",
            purpose: "genai_training",
            choice: "deny",
            at: Date.parse("2025-06-01T00:00:00Z") * 1000,
            source: "settings",
          },
        ],
        ctx,
      );
      const deadline = Date.now() + 10_000;
      while (passes.reduce((a, b) => a + b, 0) < 1 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      await worker.stop();
    }
    expect(errors).toEqual([]);
    const open = await lineage.listObligations();
    expect(open.map((o) => `${o.memberId}/${o.runId}/${o.status}`)).toEqual(["alice/run-1/open"]);
    // Nothing left for the next pass.
    const again = startObligationsWorker(env.ledger, { intervalMs: 60_000 });
    try {
      expect((await again.tick()).changes).toBe(0);
    } finally {
      await again.stop();
    }
  });
});
