/**
 * The ledger's shared suite: every backend runs exactly these cases (Hono's common.case
 * pattern). A backend's test file supplies how to open a fresh ledger and how to run raw SQL
 * against it (to play the attacker who edits rows behind the application's back).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TrainGateError } from "../../src/errors.js";
import { importConsentFile } from "../../src/ledger/import-file.js";
import type {
  LedgerStore,
  NewConsentEvent,
  StoredConsentEvent,
} from "../../src/ledger/ledger-store.js";
import { openLedger } from "../../src/ledger/open-ledger.js";
import { consentState } from "../../src/policy/evaluate/consent-state.js";

/** What a backend gives the suite. */
export interface LedgerBackend {
  /** A URL of a fresh, empty ledger database. */
  readonly url: string;
  /** Runs raw SQL statements on the same database, outside the store. */
  exec(statement: string): Promise<void>;
  /** Raw SQL that removes the audit log's append-only guard (what an attacker with DBA rights does). */
  readonly dropAuditGuard: string;
  /**
   * Whether concurrent writers may be separate stores in this process. Not for SQLite:
   * better-sqlite3 waits for the write lock synchronously, so two connections in one thread
   * would wait on each other; its writers share one store (one connection per process).
   */
  readonly separateWriters: boolean;
  /** Cleans up after the suite. */
  cleanup(): Promise<void>;
}

const T0 = Date.UTC(2025, 0, 1) * 1000;
const DAY = 86_400_000_000;

/** A deterministic clock: every call advances one millisecond. */
function testClock(): () => number {
  let t = T0;
  return () => {
    t += 1000;
    return t;
  };
}

const cli = { actor: "cli:test", requestId: null };

function ev(
  memberId: string,
  choice: "allow" | "deny",
  at: number,
  purpose = "genai_training",
  source: NewConsentEvent["source"] = "settings",
): NewConsentEvent {
  return { memberId, purpose, choice, at, source };
}

async function collectFeed(store: LedgerStore, limit: number): Promise<StoredConsentEvent[]> {
  const seen: StoredConsentEvent[] = [];
  let cursor: string | null = null;
  for (;;) {
    const page = await store.changesAfter(cursor, limit);
    seen.push(...page.events);
    if (page.events.length === 0) return seen;
    cursor = page.nextCursor;
  }
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "resolved";
  } catch (e) {
    return e instanceof TrainGateError ? e.code : `raw: ${(e as Error).message}`;
  }
}

/** Registers the shared suite for one backend. */
export function ledgerSuite(name: string, backend: () => Promise<LedgerBackend>): void {
  describe(`ledger store (${name})`, () => {
    let b: LedgerBackend;
    let store: LedgerStore;

    beforeAll(async () => {
      b = await backend();
      store = await openLedger(b.url, { clock: testClock() });
    });
    afterAll(async () => {
      await store?.close();
      await b?.cleanup();
    });

    it("runs its migrations once: a second run and a reopen are no-ops", async () => {
      expect(await store.migrate()).toEqual([]);
      const again = await openLedger(b.url, { clock: testClock() });
      try {
        expect(await again.migrate()).toEqual([]);
        expect((await again.status()).schemaVersion).toBe("0001_ledger");
      } finally {
        await again.close();
      }
    });

    it("keeps the projection consistent with the events, latest `at` winning", async () => {
      const [a] = await store.appendEvents([ev("p1", "allow", T0)], {
        actor: "member:p1",
        requestId: "req-1",
      });
      expect(a).toMatchObject({ memberId: "p1", choice: "allow", requestId: "req-1" });
      await store.appendEvents([ev("p1", "deny", T0 + DAY)], cli);
      // An older event recorded later does not override a newer state.
      await store.appendEvents([ev("p1", "allow", T0 + 10)], cli);
      const [state] = await store.currentState("p1");
      expect(state).toMatchObject({ choice: "deny", at: T0 + DAY, erased: false });
      const history = await store.history("p1");
      expect(history.map((e) => [e.choice, e.at])).toEqual([
        ["deny", T0 + DAY],
        ["allow", T0 + 10],
        ["allow", T0],
      ]);
    });

    it("refuses a member id with a control character on every backend, writing nothing", async () => {
      const before = (await store.status()).events;
      expect(await codeOf(store.appendEvents([ev("a\u0000b", "deny", T0)], cli))).toBe(
        "TG_E_BAD_INPUT",
      );
      expect(
        await codeOf(store.importEvents([ev("a\nb", "deny", T0)], { ...cli, label: "x" })),
      ).toBe("TG_E_BAD_INPUT");
      expect((await store.status()).events).toBe(before);
    });

    it("lets deny win a tie on `at`, in either order and within one batch", async () => {
      await store.appendEvents([ev("t1", "deny", T0), ev("t1", "allow", T0)], cli);
      await store.appendEvents([ev("t2", "deny", T0)], cli);
      await store.appendEvents([ev("t2", "allow", T0)], cli);
      await store.importEvents([ev("t3", "allow", T0, "genai_training", "import")], {
        ...cli,
        label: "a",
      });
      await store.importEvents([ev("t3", "deny", T0, "genai_training", "import")], {
        ...cli,
        label: "b",
      });
      for (const m of ["t1", "t2", "t3"]) {
        expect((await store.currentState(m))[0]?.choice, m).toBe("deny");
      }
    });

    it("agrees with the decision core's consent state, whatever the batches and their order", async () => {
      let run = 0;
      const event = fc.record({
        member: fc.integer({ min: 0, max: 2 }),
        purpose: fc.constantFrom("genai_training", "ads_targeting"),
        choice: fc.constantFrom("allow" as const, "deny" as const),
        at: fc.integer({ min: 0, max: 4 }),
        source: fc.constantFrom("settings" as const, "api" as const, "import" as const),
        viaImport: fc.boolean(),
        cut: fc.boolean(),
      });
      await fc.assert(
        fc.asyncProperty(fc.array(event, { minLength: 1, maxLength: 14 }), async (list) => {
          run++;
          const events = list.map((e) =>
            ev(`prop${run}-${e.member}`, e.choice, T0 + e.at * 1000, e.purpose, e.source),
          );
          let batch: NewConsentEvent[] = [];
          for (let i = 0; i < list.length; i++) {
            batch.push(events[i]!);
            if (list[i]!.cut || i === list.length - 1) {
              if (list[i]!.viaImport) await store.importEvents(batch, { ...cli, label: "prop" });
              else await store.appendEvents(batch, cli);
              batch = [];
            }
          }
          for (let m = 0; m < 3; m++) {
            const memberId = `prop${run}-${m}`;
            const mine = events.filter((e) => e.memberId === memberId);
            const states = await store.currentState(memberId);
            for (const purpose of ["genai_training", "ads_targeting"]) {
              const expected = consentState(mine, purpose, Number.MAX_SAFE_INTEGER, true).state;
              expect(states.find((s) => s.purpose === purpose)?.choice ?? null).toBe(expected);
            }
          }
        }),
        { numRuns: 25, seed: 20250101 },
      );
    });

    it("imports idempotently: the same rows twice add nothing the second time", async () => {
      const rows = Array.from({ length: 2500 }, (_, i) =>
        ev(
          `imp${i % 700}`,
          i % 3 === 0 ? "deny" : "allow",
          T0 + i * 1000,
          "genai_training",
          "import",
        ),
      );
      const before = (await store.status()).events;
      const first = await store.importEvents(rows, { ...cli, label: "wave.jsonl" });
      expect(first).toMatchObject({ rows: 2500, inserted: 2500, duplicates: 0 });
      const second = await store.importEvents(rows, { ...cli, label: "wave.jsonl" });
      expect(second).toMatchObject({ rows: 2500, inserted: 0, duplicates: 2500 });
      expect((await store.status()).events).toBe(before + 2500);
      // The projection matches a replay of the rows.
      const expected = new Map<string, NewConsentEvent>();
      for (const r of rows) {
        const cur = expected.get(r.memberId);
        if (!cur || r.at > cur.at || (r.at === cur.at && r.choice === "deny"))
          expected.set(r.memberId, r);
      }
      for (const [m, e] of [...expected].slice(0, 50)) {
        expect((await store.currentState(m))[0]?.choice).toBe(e.choice);
      }
    });

    it("imports nothing when a row fails midway", async () => {
      const before = await store.status();
      async function* rows(): AsyncGenerator<NewConsentEvent> {
        for (let i = 0; i < 3000; i++) yield ev(`half${i}`, "deny", T0, "genai_training", "import");
        throw new TrainGateError("TG_E_BAD_INPUT", "bad.csv:3002: bad consent event");
      }
      expect(await codeOf(store.importEvents(rows(), { ...cli, label: "bad.csv" }))).toBe(
        "TG_E_BAD_INPUT",
      );
      const after = await store.status();
      expect(after.events).toBe(before.events);
      expect(after.auditEntries).toBe(before.auditEntries);
      expect(await store.currentState("half1")).toEqual([]);
    });

    it("lets an import change only the states its events beat", async () => {
      await store.appendEvents([ev("u1", "deny", T0 + DAY), ev("u2", "deny", T0)], cli);
      const label = { ...cli, label: "beat.jsonl" };
      await store.importEvents(
        [
          ev("u1", "allow", T0, "genai_training", "import"),
          ev("u2", "allow", T0 + DAY, "genai_training", "import"),
          ev("u3", "allow", T0, "genai_training", "import"),
        ],
        label,
      );
      const choice = async (m: string) => (await store.currentState(m))[0]?.choice;
      expect([await choice("u1"), await choice("u2"), await choice("u3")]).toEqual([
        "deny",
        "allow",
        "allow",
      ]);
      // A deny at the same instant wins the tie.
      await store.importEvents([ev("u2", "deny", T0 + DAY, "genai_training", "import")], label);
      expect(await choice("u2")).toBe("deny");
    });

    it("feeds every event once, in position order, across resumes", async () => {
      const all: StoredConsentEvent[] = [];
      for await (const e of store.iterateEvents()) all.push(e);
      const fed = await collectFeed(store, 7);
      expect(fed.map((e) => e.id)).toEqual(all.map((e) => e.id));
      const positions = fed.map((e) => e.position);
      expect([...positions].sort((x, y) => x - y)).toEqual(positions);
      expect(new Set(positions).size).toBe(positions.length);
      expect(await codeOf(store.changesAfter("garbage", 10))).toBe("TG_E_USAGE");
      const end = (await store.changesAfter(null, 10_000)).nextCursor;
      const tail = await store.changesAfter(end, 10);
      expect(tail).toEqual({ events: [], nextCursor: end });
    });

    it("never lets a resuming reader skip an event while writers run concurrently", async () => {
      const writers = b.separateWriters
        ? await Promise.all([
            openLedger(b.url, { clock: testClock() }),
            openLedger(b.url, { clock: testClock() }),
          ])
        : [store, store];
      let cursor: string | null = `p${(await store.status()).lastPosition}`;
      const seen: StoredConsentEvent[] = [];
      let done = false;
      const written: string[] = [];
      const write = async (w: LedgerStore, tag: string): Promise<void> => {
        for (let i = 0; i < 60; i++) {
          const stored = await w.appendEvents(
            [
              ev(`cw-${tag}-${i % 9}`, i % 2 ? "deny" : "allow", T0 + i),
              ev(`cw-${tag}-x`, "deny", T0),
            ],
            { actor: `key:${tag}`, requestId: `${tag}-${i}` },
          );
          written.push(...stored.map((e) => e.id));
        }
      };
      const read = async (): Promise<void> => {
        while (!done) {
          const page = await store.changesAfter(cursor, 5);
          seen.push(...page.events);
          cursor = page.nextCursor;
        }
        for (;;) {
          const page = await store.changesAfter(cursor, 50);
          if (page.events.length === 0) break;
          seen.push(...page.events);
          cursor = page.nextCursor;
        }
      };
      const reader = read();
      await Promise.all([write(writers[0]!, "a"), write(writers[1]!, "b"), write(store, "c")]);
      done = true;
      await reader;
      if (b.separateWriters) await Promise.all(writers.map((w) => w.close()));
      const ids = seen.map((e) => e.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(new Set(ids)).toEqual(new Set(written));
    });

    it("publishes documents and records notices and acceptances, explicit or by continued use", async () => {
      const pp = await store.publishDocument(
        {
          kind: "privacy_policy",
          version: "2025-02",
          title: "Privacy Policy",
          body: "We train on public posts unless you opt out.",
          publishedAt: T0,
          effectiveAt: T0 + 30 * DAY,
        },
        cli,
      );
      expect(pp.id).toBe("privacy_policy-2025-02");
      expect(await codeOf(store.publishDocument({ ...pp, title: "again" }, cli))).toBe(
        "TG_E_CONFLICT",
      );
      await store.publishDocument(
        {
          kind: "user_agreement",
          version: "7",
          title: "User Agreement",
          body: "Be nice.",
          publishedAt: T0 + DAY,
          effectiveAt: T0 + DAY,
        },
        cli,
      );
      await store.recordNotice("n1", pp.id, T0 + 2 * DAY);
      await store.recordNotice("n1", pp.id, T0 + 3 * DAY);
      // Before the privacy policy's effective date, using the service accepts only the agreement.
      const early = await store.recordContinuedUse("n1", T0 + 5 * DAY);
      expect(early.map((a) => a.documentId)).toEqual(["user_agreement-7"]);
      expect(await store.recordContinuedUse("n1", T0 + 6 * DAY)).toEqual([]);
      const late = await store.recordContinuedUse("n1", T0 + 31 * DAY);
      expect(late).toEqual([
        { memberId: "n1", documentId: pp.id, at: T0 + 31 * DAY, kind: "continued_use" },
      ]);
      const explicit = await store.acceptDocument("n2", pp.id, T0 + 4 * DAY, cli);
      expect(explicit.kind).toBe("explicit");
      expect(await store.recordContinuedUse("n2", T0 + 40 * DAY)).toHaveLength(1);
      const notices = await store.memberNotices("n1", T0 + 40 * DAY);
      expect(notices.map((n) => [n.document.id, n.notifiedAt, n.acceptance])).toEqual([
        [pp.id, T0 + 2 * DAY, "continued_use"],
        ["user_agreement-7", null, "continued_use"],
      ]);
      expect((await store.listDocuments(T0)).map((d) => d.id)).toEqual([pp.id]);
      expect(await codeOf(store.acceptDocument("n1", "nope-1", T0, cli))).toBe("TG_E_NOT_FOUND");
    });

    it("erases a member: a denying tombstone per purpose, personal data removed, no way back", async () => {
      await store.upsertMembers([{ id: "e1", country: "DE" }]);
      await store.appendEvents([ev("e1", "allow", T0), ev("e1", "allow", T0, "ads_targeting")], {
        actor: "member:e1",
        requestId: "req-e1",
      });
      await store.acceptDocument("e1", "privacy_policy-2025-02", T0 + DAY, cli);
      await store.saveIdempotency({
        scope: "member:e1",
        key: "k-e1",
        requestHash: "h",
        status: 200,
        body: { memberId: "e1" },
        createdAt: T0,
      });
      const result = await store.eraseMember("e1", "GDPR request #42", cli);
      expect(result.tombstones.length).toBeGreaterThanOrEqual(3);
      expect(result.removed).toEqual({ eventContexts: 2, notices: 1, idempotentResponses: 1 });
      expect(await store.getIdempotency("member:e1", "k-e1")).toBeNull();
      const states = await store.currentState("e1");
      expect(states.map((s) => s.purpose)).toEqual(
        expect.arrayContaining(["genai_training", "safety_training", "ads_targeting"]),
      );
      expect(states.every((s) => s.choice === "deny" && s.erased)).toBe(true);
      const history = await store.history("e1");
      expect(history.every((e) => e.requestId === null && e.actor === null)).toBe(true);
      expect(history.filter((e) => !e.tombstone)).toHaveLength(2);
      expect(await store.getMember("e1")).toMatchObject({ country: null });
      expect(await store.memberNotices("e1", T0 + 50 * DAY)).toSatisfy(
        (ns: { acceptedAt: unknown }[]) => ns.every((n) => n.acceptedAt === null),
      );
      // No later write can allow the member again.
      expect(await codeOf(store.appendEvents([ev("e1", "allow", T0 + 99 * DAY)], cli))).toBe(
        "TG_E_CONFLICT",
      );
      const imp = await store.importEvents(
        [ev("e1", "allow", T0 + 99 * DAY, "genai_training", "import")],
        {
          ...cli,
          label: "late.csv",
        },
      );
      expect(imp).toMatchObject({ inserted: 0, erased: 1 });
      await store.upsertMembers([{ id: "e1", country: "FR" }]);
      expect(await store.getMember("e1")).toMatchObject({ country: null });
      expect(await codeOf(store.eraseMember("e1", "again", cli))).toBe("TG_E_CONFLICT");
      expect(await store.erasedMembers()).toContain("e1");
      // The feed carries the tombstones to partners.
      const fed = await collectFeed(store, 100);
      expect(fed.filter((e) => e.memberId === "e1" && e.tombstone).length).toBe(
        result.tombstones.length,
      );
    });

    it("stores idempotent responses with the write, and never writes twice for one key", async () => {
      const idem = {
        scope: "member:i1",
        key: "k-1",
        requestHash: "h1",
        response: (events: readonly StoredConsentEvent[]) => ({
          status: 200,
          body: { position: events[0]!.position },
        }),
      };
      const [first] = await store.appendEvents([ev("i1", "deny", T0)], cli, idem);
      expect(await store.getIdempotency("member:i1", "k-1")).toMatchObject({
        requestHash: "h1",
        status: 200,
        body: { position: first!.position },
      });
      expect(await codeOf(store.appendEvents([ev("i1", "allow", T0 + 1)], cli, idem))).toBe(
        "TG_E_CONFLICT",
      );
      expect(await store.history("i1")).toHaveLength(1);
      const saved = await store.saveIdempotency({
        scope: "key:x",
        key: "k-2",
        requestHash: "a",
        status: 201,
        body: { ok: true },
        createdAt: T0,
      });
      const again = await store.saveIdempotency({
        ...saved,
        requestHash: "b",
        body: { ok: false },
      });
      expect(again).toMatchObject({ requestHash: "a", body: { ok: true } });
    });

    it("group-commits several requests in one transaction, all or nothing", async () => {
      const idem = (key: string) => ({
        scope: "member:g",
        key,
        requestHash: "h",
        response: (events: readonly StoredConsentEvent[]) => ({
          status: 200,
          body: { n: events.length },
        }),
      });
      const out = await store.appendBatch([
        { events: [ev("g1", "deny", T0)], ctx: cli, idempotency: idem("g-1") },
        {
          events: [ev("g2", "allow", T0), ev("g2", "deny", T0 + 1, "ads_targeting")],
          ctx: { actor: "member:g2", requestId: "r-g2" },
        },
      ]);
      expect(out.map((events) => events.length)).toEqual([1, 2]);
      expect(out[1]!.every((e) => e.actor === "member:g2" && e.requestId === "r-g2")).toBe(true);
      expect(await store.getIdempotency("member:g", "g-1")).toMatchObject({ body: { n: 1 } });
      expect((await store.currentState("g2")).map((r) => [r.purpose, r.choice])).toEqual([
        ["ads_targeting", "deny"],
        ["genai_training", "allow"],
      ]);
      await store.appendEvents([ev("g3", "deny", T0)], cli);
      await store.eraseMember("g3", "test", cli);
      const before = await store.status();
      // One failing request (an erased member, a reused key) fails the whole batch.
      expect(
        await codeOf(
          store.appendBatch([
            { events: [ev("g4", "deny", T0)], ctx: cli },
            { events: [ev("g3", "allow", T0 + 5)], ctx: cli },
          ]),
        ),
      ).toBe("TG_E_CONFLICT");
      expect(
        await codeOf(
          store.appendBatch([
            { events: [ev("g5", "deny", T0)], ctx: cli },
            { events: [ev("g1", "allow", T0 + 9)], ctx: cli, idempotency: idem("g-1") },
          ]),
        ),
      ).toBe("TG_E_CONFLICT");
      // The refusal names its cause, and the store keeps working after it.
      await expect(
        store.appendBatch([{ events: [ev("g3", "deny", T0 + 6)], ctx: cli }]),
      ).rejects.toThrow('member "g3" was erased');
      await expect(
        store.appendBatch([{ events: [ev("g6", "deny", T0)], ctx: cli, idempotency: idem("g-1") }]),
      ).rejects.toThrow('Idempotency-Key "g-1" was already used');
      const after = await store.status();
      expect([after.events, after.auditEntries]).toEqual([before.events, before.auditEntries]);
      expect(await store.history("g4")).toEqual([]);
      expect(await store.history("g5")).toEqual([]);
      expect((await store.verifyAudit()).ok).toBe(true);
    });

    it("stores API keys hashed with roles, and webhooks with their cursor", async () => {
      const key = await store.createApiKey(
        { id: "k1abcd", secretHash: "a".repeat(64), roles: ["partner", "auditor"], label: "acme" },
        cli,
      );
      expect(key.roles).toEqual(["auditor", "partner"]);
      expect(await codeOf(store.createApiKey({ ...key, roles: ["partner"] }, cli))).toBe(
        "TG_E_CONFLICT",
      );
      await store.revokeApiKey("k1abcd", cli);
      expect((await store.findApiKey("k1abcd"))?.revokedAt).not.toBeNull();
      expect(await codeOf(store.revokeApiKey("k1abcd", cli))).toBe("TG_E_NOT_FOUND");
      const hook = await store.registerWebhook(
        { owner: "k1abcd", url: "https://partner.example/hook", secret: "s".repeat(32) },
        "p0",
        cli,
      );
      await store.advanceWebhook(hook.id, "p12");
      expect((await store.listWebhooks()).find((h) => h.id === hook.id)?.cursor).toBe("p12");
    });

    it("aggregates the opt-out rate by month, region and purpose", async () => {
      await store.upsertMembers([
        { id: "s1", country: "FR" },
        { id: "s2", country: "DE" },
        { id: "s3", country: "US" },
      ]);
      const feb = Date.UTC(2031, 1, 10) * 1000;
      const mar = Date.UTC(2031, 2, 10) * 1000;
      await store.appendEvents(
        [
          ev("s1", "deny", feb),
          ev("s2", "allow", feb),
          ev("s3", "deny", feb),
          ev("s2", "deny", mar),
        ],
        cli,
      );
      const stats = await store.optOutStats(Date.UTC(2031, 2, 31) * 1000);
      const cell = (month: string, region: string) =>
        stats.find(
          (s) => s.month === month && s.region === region && s.purpose === "genai_training",
        );
      expect(cell("2031-02", "EEA")).toMatchObject({ optedOut: 1 });
      expect(cell("2031-03", "EEA")).toMatchObject({ optedOut: 2 });
      expect(cell("2031-03", "REST")).toMatchObject({ optedOut: 1 });
    });

    it("rejects UPDATE and DELETE on events at the database, whoever asks", async () => {
      await expect(b.exec("update ledger_events set choice = 'allow'")).rejects.toThrow(
        /append-only/,
      );
      await expect(b.exec("delete from ledger_events")).rejects.toThrow(/append-only/);
      await expect(b.exec("update ledger_audit set actor = 'x'")).rejects.toThrow(/append-only/);
    });

    it("verifies the audit chain, and names the first entry edited behind its back", async () => {
      const ok = await store.verifyAudit();
      expect(ok).toMatchObject({ ok: true });
      const n = (await store.status()).auditEntries;
      expect(ok.entries).toBe(n);
      const entries = await store.auditEntries(0, 10);
      expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(entries[1]!.prevHash).toBe(entries[0]!.entryHash);
      await b.exec(b.dropAuditGuard);
      await b.exec("update ledger_audit set actor = actor || 'x' where seq = 3");
      const broken = await store.verifyAudit();
      expect(broken).toMatchObject({ ok: false, brokenSeq: 3 });
      await b.exec(
        "update ledger_audit set actor = substr(actor, 1, length(actor) - 1) where seq = 3",
      );
      expect(await store.verifyAudit()).toMatchObject({ ok: true });
      await b.exec("delete from ledger_audit where seq = 5");
      expect(await store.verifyAudit()).toMatchObject({ ok: false, brokenSeq: 5 });
    });

    // The two bulk imports come last: they add tens of thousands of events, which the
    // cases above (feed pages, stats) would otherwise have to walk.
    it("imports a file in batches: a bad line after several batches fails naming file and line, leaving nothing", async () => {
      const dir = mkdtempSync(join(tmpdir(), "tg-ledger-import-"));
      const file = join(dir, "wave.jsonl");
      const row = (i: number, choice = "deny") =>
        `{"member_id":"fb${i % 5000}","purpose":"genai_training","choice":"${choice}","at":"2025-01-01T00:00:${String(i % 60).padStart(2, "0")}Z","source":"import"}`;
      const lines = Array.from({ length: 60_000 }, (_, i) => row(i));
      lines.push(row(60_000, "maybe"), ...Array.from({ length: 10 }, (_, i) => row(i)));
      writeFileSync(file, `${lines.join("\n")}\n`);
      const before = await store.status();
      try {
        const err = await importConsentFile(store, file, cli).then(
          () => null,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(TrainGateError);
        expect((err as TrainGateError).code).toBe("TG_E_BAD_INPUT");
        expect((err as TrainGateError).message).toContain(`${file}:60001`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      const after = await store.status();
      expect(after).toMatchObject({
        events: before.events,
        states: before.states,
        auditEntries: before.auditEntries,
        lastPosition: before.lastPosition,
      });
      expect(await store.currentState("fb1")).toEqual([]);
    });

    it("imports a row repeated in one import once, counts the repeats as duplicates, and a later import adds only what is new", async () => {
      const rows = Array.from({ length: 30_000 }, (_, i) =>
        ev(
          `rep${i % 4000}`,
          i % 3 ? "deny" : "allow",
          T0 + (i % 97) * 1000,
          "genai_training",
          "import",
        ),
      );
      const first = await store.importEvents([...rows, ...rows], { ...cli, label: "twice.jsonl" });
      expect(first).toMatchObject({
        rows: 60_000,
        inserted: 30_000,
        duplicates: 30_000,
        erased: 0,
      });
      const extra = Array.from({ length: 500 }, (_, i) =>
        ev(`rep${i}`, "allow", T0 + 200_000, "genai_training", "import"),
      );
      const second = await store.importEvents([...rows.slice(0, 10_000), ...extra], {
        ...cli,
        label: "more.jsonl",
      });
      expect(second).toMatchObject({ rows: 10_500, inserted: 500, duplicates: 10_000 });
      for (const m of ["rep0", "rep1", "rep499", "rep500", "rep3999"]) {
        const mine = [...rows, ...extra].filter((e) => e.memberId === m);
        const expected = consentState(mine, "genai_training", Number.MAX_SAFE_INTEGER, true).state;
        expect((await store.currentState(m))[0]?.choice, m).toBe(expected);
        expect((await store.history(m)).length, m).toBe(mine.length);
      }
    });

    it("imports member ids with quotes, backslashes, commas, braces and the word NULL as they are", async () => {
      const ids = ['q"1', "b\\2", "c,3", "{d4}", "NULL", " s5 ", "ü€😀6"];
      const r = await store.importEvents(
        ids.map((m) => ev(m, "deny", T0, "genai_training", "import")),
        { ...cli, label: "odd.jsonl" },
      );
      expect(r).toMatchObject({ inserted: ids.length });
      for (const m of ids) {
        expect((await store.currentState(m))[0], m).toMatchObject({ memberId: m, choice: "deny" });
        expect((await store.history(m)).map((e) => e.memberId)).toEqual([m]);
      }
    });

    it("reads many members at once, each id once, unknown ids left out", async () => {
      await store.upsertMembers([
        { id: "gm1", country: "DE" },
        { id: 'gm"2', country: null },
      ]);
      const found = await store.getMembers(["gm1", 'gm"2', "gm-unknown", "gm1"]);
      expect([...found.keys()].sort()).toEqual(['gm"2', "gm1"]);
      expect(found.get("gm1")).toEqual({ id: "gm1", country: "DE", erasedAt: null });
      expect(await store.getMembers([])).toEqual(new Map());
    });

    // Last: its members and events would change the aggregates checked above.
    it("reads a member's row and states in one view, equal to the separate reads", async () => {
      await store.upsertMembers([{ id: "v1", country: "DE" }]);
      await store.appendEvents(
        [ev("v1", "deny", T0), ev("v1", "allow", T0 + 5, "ads_targeting"), ev("v2", "allow", T0)],
        cli,
      );
      for (const id of ["v1", "v2", "v-unknown", 'it\'s "odd"']) {
        const view = await store.memberView(id);
        expect(view.member, id).toEqual(await store.getMember(id));
        expect(view.states, id).toEqual(await store.currentState(id));
      }
      expect((await store.memberView("v1")).states.map((s) => s.purpose)).toEqual([
        "ads_targeting",
        "genai_training",
      ]);
      expect((await store.memberView("v2")).member).toBeNull();
    });
  });
}
