/**
 * The lineage registry: runs (with their members and items as Roaring bitmaps over dense ids),
 * models trained on runs, and the obligations opened when a member who was in a run later
 * turns to deny. It lives in the ledger's database, on the ledger's Kysely instance.
 */
import { type Kysely, type Selectable, sql, type Transaction } from "kysely";
import { TrainGateError } from "../errors.js";
import { parseTimestamp } from "../policy/time.js";
import { assignDense, lookupDense } from "./dense-ids.js";
import type { LineageDialect, LineageTables, RunsTable } from "./lineage-tables.js";
import { compareIds, merkleRoot } from "./merkle.js";
import { migrateLineage } from "./migrate-lineage.js";
import {
  insertObligationSets,
  insertResolutions,
  locateObligation,
  type NewObligations,
  type ObligationRef,
  selectObligations,
} from "./obligation-sets.js";
import {
  type ClosingStatus,
  OBLIGATION_STATUSES,
  type ObligationStatus,
} from "./obligation-status.js";
import { RunIndex, readBitmap, writeBitmap } from "./run-index.js";
import { type RunManifest, RunManifestSchema } from "./run-manifest.js";

/** What a build hands over to register its run. */
export interface RegisterRunInput {
  /** The manifest object the build wrote (validated here). */
  readonly manifest: unknown;
  /** Ids of the included items (any order). */
  readonly itemIds: readonly string[];
  /** Author member ids of the included items (duplicates allowed). */
  readonly memberIds: readonly string[];
  /** Included members by consent state at as-of: explicit `allow` vs never chose (`none`). */
  readonly memberConsent: { readonly allow: number; readonly none: number };
  /** Optional per-region counts from the build, stored as given for reports. */
  readonly regions?: Readonly<Record<string, unknown>> | null;
}

/** A registered run as the API and CLI show it. */
export interface Run {
  readonly runId: string;
  readonly purpose: string;
  readonly asOf: number;
  readonly registeredAt: number;
  readonly policy: { readonly name: string; readonly sha256: string };
  readonly merkleRoot: string;
  readonly output: { readonly path: string; readonly sha256: string };
  readonly counts: RunManifest["counts"];
  readonly members: number;
  readonly items: number;
  readonly memberConsent: { readonly allow: number; readonly none: number };
  readonly regions: Readonly<Record<string, unknown>> | null;
  readonly manifest: RunManifest;
  /** Bytes of the two stored bitmaps. */
  readonly bitmapBytes: { readonly members: number; readonly items: number };
}

/** A model and the runs it was trained on. */
export interface Model {
  readonly modelId: string;
  readonly name: string;
  readonly version: string;
  readonly registeredAt: number;
  readonly runIds: readonly string[];
}

/** An obligation row. */
export interface Obligation {
  readonly id: number;
  readonly memberId: string;
  readonly runId: string;
  readonly purpose: string;
  readonly triggerKey: string;
  readonly triggerAt: number;
  readonly createdAt: number;
  readonly status: ObligationStatus;
  readonly reason: string | null;
  readonly resolvedAt: number | null;
}

/** The identity of an obligation (its unique key). */
export interface ObligationKey {
  readonly memberId: string;
  readonly runId: string;
  readonly purpose: string;
  readonly triggerKey: string;
  readonly triggerAt: number;
}

/** The cursor name of the obligation processor in `lineage_cursors`. */
export const OBLIGATION_CURSOR = "obligations";

type Db = Kysely<LineageTables> | Transaction<LineageTables>;

function toRun(r: Selectable<RunsTable>): Run {
  const manifest = RunManifestSchema.parse(JSON.parse(r.manifest));
  return {
    runId: r.run_id,
    purpose: r.purpose,
    asOf: Number(r.as_of),
    registeredAt: Number(r.registered_at),
    policy: { name: r.policy_name, sha256: r.policy_sha256 },
    merkleRoot: r.merkle_root,
    output: { path: r.output_path, sha256: r.output_sha256 },
    counts: manifest.counts,
    members: Number(r.members_count),
    items: Number(r.items_count),
    memberConsent: { allow: Number(r.members_allow), none: Number(r.members_none) },
    regions: r.regions === null ? null : (JSON.parse(r.regions) as Record<string, unknown>),
    manifest,
    bitmapBytes: { members: r.member_bitmap.length, items: r.item_bitmap.length },
  };
}

/**
 * `ids` sorted (byte order, as the build writes them) without repeats. A build hands its
 * ids over already sorted, where the sort is one linear pass; no set of a million strings.
 */
function sortedDistinct(ids: readonly string[]): string[] {
  const out = [...ids].sort(compareIds);
  let n = 0;
  for (let i = 0; i < out.length; i++) if (n === 0 || out[i] !== out[n - 1]) out[n++] = out[i]!;
  out.length = n;
  return out;
}

/** The lineage registry over one database. */
export class LineageStore {
  /** Cached runs and deserialised bitmaps of this process. */
  readonly index = new RunIndex();

  private constructor(
    readonly db: Kysely<LineageTables>,
    readonly dialect: LineageDialect,
    /** The injected clock, epoch microseconds. */
    readonly now: () => number,
  ) {}

  /**
   * Opens the registry on a database (the ledger's Kysely instance), migrating the lineage
   * tables to the latest version.
   */
  static async open(
    db: Kysely<unknown>,
    dialect: LineageDialect,
    now: () => number,
  ): Promise<LineageStore> {
    await migrateLineage(db, dialect);
    return new LineageStore(db.withTables<LineageTables>(), dialect, now);
  }

  /**
   * Serialises registrations and feed batches: on PostgreSQL a row lock on the obligation
   * cursor (read committed would otherwise let a run and a trigger miss each other); SQLite
   * already runs one writer at a time.
   */
  async lockObligations(trx: Transaction<LineageTables>): Promise<string | null> {
    await trx
      .insertInto("lineage_cursors")
      .values({ name: OBLIGATION_CURSOR, cursor: null })
      .onConflict((oc) => oc.column("name").doNothing())
      .execute();
    const q = trx
      .selectFrom("lineage_cursors")
      .select("cursor")
      .where("name", "=", OBLIGATION_CURSOR);
    const row = await (this.dialect === "postgres" ? q.forUpdate() : q).executeTakeFirst();
    return row?.cursor ?? null;
  }

  /**
   * Registers a build's run: validates the manifest against the ids (count and Merkle root),
   * stores members and items as portable Roaring bitmaps, and opens the obligations this run
   * owes to members who had already turned to deny after its as-of (a backfilled run).
   * Registering the same run id twice with the same manifest returns the stored run; with
   * another manifest it fails with TG_E_CONFLICT.
   */
  async registerRun(input: RegisterRunInput): Promise<Run> {
    const parsed = RunManifestSchema.safeParse(input.manifest);
    if (!parsed.success) {
      throw new TrainGateError(
        "TG_E_BAD_INPUT",
        `manifest: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`,
      );
    }
    const manifest = parsed.data;
    const asOf = parseTimestamp(manifest.as_of);
    if (asOf === null)
      throw new TrainGateError(
        "TG_E_BAD_INPUT",
        `manifest: as_of ${manifest.as_of} is not RFC 3339`,
      );
    const itemIds = sortedDistinct(input.itemIds);
    if (itemIds.length !== manifest.counts.included) {
      throw new TrainGateError(
        "TG_E_BAD_INPUT",
        `run ${manifest.run_id}: ${itemIds.length} distinct item ids but counts.included is ${manifest.counts.included}`,
      );
    }
    if (merkleRoot(itemIds) !== manifest.merkle_root) {
      throw new TrainGateError(
        "TG_E_BAD_INPUT",
        `run ${manifest.run_id}: the item ids do not hash to the manifest's merkle_root`,
      );
    }
    const memberIds = sortedDistinct(input.memberIds);
    const manifestText = JSON.stringify(manifest);
    const existing = await this.getRunOrNull(manifest.run_id);
    if (existing !== null) {
      if (JSON.stringify(existing.manifest) === manifestText) return existing;
      throw new TrainGateError(
        "TG_E_CONFLICT",
        `run ${manifest.run_id} is already registered with another manifest`,
        { runId: manifest.run_id },
      );
    }
    await this.db.transaction().execute(async (trx) => {
      await this.lockObligations(trx);
      const memberDense = await assignDense(trx, this.dialect, "lineage_member_ids", memberIds);
      const itemDense = await assignDense(trx, this.dialect, "lineage_item_ids", itemIds);
      await trx
        .insertInto("lineage_runs")
        .values({
          run_id: manifest.run_id,
          purpose: manifest.purpose,
          as_of: asOf,
          registered_at: this.now(),
          policy_name: manifest.policy.name,
          policy_sha256: manifest.policy.sha256,
          merkle_root: manifest.merkle_root,
          output_path: manifest.output.path,
          output_sha256: manifest.output.sha256,
          counts_input: manifest.counts.input,
          counts_included: manifest.counts.included,
          members_count: memberIds.length,
          items_count: itemIds.length,
          members_allow: input.memberConsent.allow,
          members_none: input.memberConsent.none,
          manifest: manifestText,
          regions: input.regions ? JSON.stringify(input.regions) : null,
          member_bitmap: writeBitmap(memberDense),
          item_bitmap: writeBitmap(itemDense),
        })
        .execute();
      await this.openBackfillObligations(
        trx,
        manifest.run_id,
        manifest.purpose,
        asOf,
        new Set(memberDense),
      );
    });
    return this.getRun(manifest.run_id);
  }

  /** Obligations a newly registered run owes for triggers the feed processor already saw. */
  private async openBackfillObligations(
    trx: Transaction<LineageTables>,
    runId: string,
    purpose: string,
    asOf: number,
    members: ReadonlySet<number>,
  ): Promise<void> {
    const run = await trx
      .selectFrom("lineage_runs")
      .select("seq")
      .where("run_id", "=", runId)
      .executeTakeFirstOrThrow();
    const triggers = await trx
      .selectFrom("lineage_triggers as t")
      .innerJoin("lineage_member_ids as d", "d.id", "t.member_id")
      .select(["t.seq", "d.dense"])
      .where("t.purpose", "=", purpose)
      .where("t.at", ">", asOf)
      .where((eb) => eb.or([eb("t.prev_at", "is", null), eb("t.prev_at", "<=", asOf)]))
      .execute();
    const seqs = triggers.filter((t) => members.has(Number(t.dense))).map((t) => Number(t.seq));
    await this.insertObligations(trx, [
      { runSeq: Number(run.seq), triggerSeqs: Uint32Array.from(seqs) },
    ]);
  }

  /**
   * Stores new obligations (status open) as one set per run, skipping those already stored.
   * Returns how many were new. The caller holds `lockObligations`.
   */
  insertObligations(
    trx: Transaction<LineageTables>,
    news: readonly NewObligations[],
  ): Promise<number> {
    return insertObligationSets(trx, news, this.now());
  }

  private async getRunOrNull(runId: string, db: Db = this.db): Promise<Run | null> {
    const row = await db
      .selectFrom("lineage_runs")
      .selectAll()
      .where("run_id", "=", runId)
      .executeTakeFirst();
    return row === undefined ? null : toRun(row);
  }

  /** A run by id; TG_E_NOT_FOUND when there is none. */
  async getRun(runId: string): Promise<Run> {
    const run = await this.getRunOrNull(runId);
    if (run === null)
      throw new TrainGateError("TG_E_NOT_FOUND", `no run ${JSON.stringify(runId)} is registered`, {
        runId,
      });
    return run;
  }

  /** Runs, newest registration first, optionally of one purpose and within an as-of window. */
  async listRuns(
    filter: { purpose?: string; fromAsOf?: number; untilAsOf?: number; limit?: number } = {},
  ): Promise<Run[]> {
    let q = this.db.selectFrom("lineage_runs").selectAll().orderBy("seq", "desc");
    if (filter.purpose !== undefined) q = q.where("purpose", "=", filter.purpose);
    if (filter.fromAsOf !== undefined) q = q.where("as_of", ">=", filter.fromAsOf);
    if (filter.untilAsOf !== undefined) q = q.where("as_of", "<", filter.untilAsOf);
    if (filter.limit !== undefined) q = q.limit(filter.limit);
    return (await q.execute()).map((r) => toRun(r));
  }

  /**
   * The runs whose contributing members include `memberId`: one dictionary lookup, then a
   * bitmap probe per cached run (runs registered since the last call are loaded first).
   */
  async runsContainingMember(
    memberId: string,
  ): Promise<{ runId: string; purpose: string; asOf: number }[]> {
    const dense = (await lookupDense(this.db, this.dialect, "lineage_member_ids", [memberId])).get(
      memberId,
    );
    if (dense === undefined) return [];
    await this.index.refresh(this.db);
    return this.index
      .containing(dense)
      .map((r) => ({ runId: r.runId, purpose: r.purpose, asOf: r.asOf }));
  }

  /** The item ids of a run, sorted by byte order (rebuilt from its bitmap and the dictionary). */
  async runItemIds(runId: string): Promise<string[]> {
    const row = await this.db
      .selectFrom("lineage_runs")
      .select("item_bitmap")
      .where("run_id", "=", runId)
      .executeTakeFirst();
    if (row === undefined)
      throw new TrainGateError("TG_E_NOT_FOUND", `no run ${JSON.stringify(runId)} is registered`);
    const dense = readBitmap(row.item_bitmap).toArray();
    const ids: string[] = [];
    for (let i = 0; i < dense.length; i += 5000) {
      const rows = await this.db
        .selectFrom("lineage_item_ids")
        .select("id")
        .where("dense", "in", dense.slice(i, i + 5000))
        .execute();
      for (const r of rows) ids.push(r.id);
    }
    return ids.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  }

  /**
   * Records a model trained on runs. Without a version, the next integer version of that name.
   * The same name, version and runs again returns the stored model; other runs: TG_E_CONFLICT.
   */
  async registerModel(input: {
    name: string;
    version?: string | undefined;
    runIds: readonly string[];
  }): Promise<Model> {
    if (input.runIds.length === 0)
      throw new TrainGateError("TG_E_USAGE", "a model needs at least one run (--run RUN_ID)");
    const runIds = [...new Set(input.runIds)].sort();
    for (const runId of runIds) await this.getRun(runId);
    return this.db.transaction().execute(async (trx) => {
      let version = input.version;
      if (version === undefined) {
        const rows = await trx
          .selectFrom("lineage_models")
          .select("version")
          .where("name", "=", input.name)
          .execute();
        const top = Math.max(0, ...rows.map((r) => Number(r.version)).filter(Number.isInteger));
        version = String(top + 1);
      }
      const modelId = `${input.name}@${version}`;
      const existing = await this.getModelOrNull(modelId, trx);
      if (existing !== null) {
        if (JSON.stringify(existing.runIds) === JSON.stringify(runIds)) return existing;
        throw new TrainGateError(
          "TG_E_CONFLICT",
          `model ${modelId} is already registered with runs ${existing.runIds.join(", ")}`,
          { modelId },
        );
      }
      await trx
        .insertInto("lineage_models")
        .values({ model_id: modelId, name: input.name, version, registered_at: this.now() })
        .execute();
      await trx
        .insertInto("lineage_model_runs")
        .values(runIds.map((runId) => ({ model_id: modelId, run_id: runId })))
        .execute();
      return (await this.getModelOrNull(modelId, trx))!;
    });
  }

  private async getModelOrNull(modelId: string, db: Db = this.db): Promise<Model | null> {
    const m = await db
      .selectFrom("lineage_models")
      .selectAll()
      .where("model_id", "=", modelId)
      .executeTakeFirst();
    if (m === undefined) return null;
    const runs = await db
      .selectFrom("lineage_model_runs")
      .select("run_id")
      .where("model_id", "=", modelId)
      .orderBy("run_id")
      .execute();
    return {
      modelId,
      name: m.name,
      version: m.version,
      registeredAt: Number(m.registered_at),
      runIds: runs.map((r) => r.run_id),
    };
  }

  /** Models trained on any of `runIds` (every model when omitted). */
  async listModels(runIds?: readonly string[]): Promise<Model[]> {
    let q = this.db.selectFrom("lineage_models").select("model_id").orderBy("registered_at");
    if (runIds !== undefined) {
      if (runIds.length === 0) return [];
      q = q.where(
        "model_id",
        "in",
        this.db
          .selectFrom("lineage_model_runs")
          .select("model_id")
          .where("run_id", "in", [...runIds]),
      );
    }
    const out: Model[] = [];
    for (const r of await q.execute()) {
      const m = await this.getModelOrNull(r.model_id);
      if (m !== null) out.push(m);
    }
    return out;
  }

  /** Obligation refs with their trigger's member, key and instant and their run's id. */
  private async withDetails(
    refs: readonly ObligationRef[],
    db: Db = this.db,
  ): Promise<Obligation[]> {
    const triggers = new Map<number, { member_id: string; trigger_key: string; at: number }>();
    const tSeqs = [...new Set(refs.map((r) => r.triggerSeq))];
    for (let i = 0; i < tSeqs.length; i += 5000) {
      const rows = await db
        .selectFrom("lineage_triggers")
        .select(["seq", "member_id", "trigger_key", "at"])
        .where("seq", "in", tSeqs.slice(i, i + 5000))
        .execute();
      for (const r of rows)
        triggers.set(Number(r.seq), {
          member_id: r.member_id,
          trigger_key: r.trigger_key,
          at: Number(r.at),
        });
    }
    const runs = new Map<number, { run_id: string; purpose: string }>();
    const rSeqs = [...new Set(refs.map((r) => r.runSeq))];
    for (let i = 0; i < rSeqs.length; i += 5000) {
      const rows = await db
        .selectFrom("lineage_runs")
        .select(["seq", "run_id", "purpose"])
        .where("seq", "in", rSeqs.slice(i, i + 5000))
        .execute();
      for (const r of rows) runs.set(Number(r.seq), { run_id: r.run_id, purpose: r.purpose });
    }
    return refs.map((r) => {
      const t = triggers.get(r.triggerSeq);
      const run = runs.get(r.runSeq);
      // Triggers and runs are never deleted: a dangling reference is a corrupt database.
      if (t === undefined || run === undefined)
        throw new TrainGateError(
          "TG_E_INTERNAL",
          `obligation ${r.id} refers to a missing ${t === undefined ? `trigger ${r.triggerSeq}` : `run ${r.runSeq}`}`,
        );
      return {
        id: r.id,
        memberId: t.member_id,
        runId: run.run_id,
        purpose: run.purpose,
        triggerKey: t.trigger_key,
        triggerAt: t.at,
        createdAt: r.createdAt,
        status: r.status,
        reason: r.reason,
        resolvedAt: r.resolvedAt,
      };
    });
  }

  /** The `seq` of run `runId`, or null when it is not registered. */
  private async runSeqOf(runId: string): Promise<number | null> {
    const row = await this.db
      .selectFrom("lineage_runs")
      .select("seq")
      .where("run_id", "=", runId)
      .executeTakeFirst();
    return row === undefined ? null : Number(row.seq);
  }

  /** Obligations, oldest first, filtered by status, member, run or purpose; paged by id. */
  async listObligations(
    filter: {
      status?: ObligationStatus;
      memberId?: string;
      runId?: string;
      purpose?: string;
      afterId?: number;
      limit?: number;
    } = {},
  ): Promise<Obligation[]> {
    let runSeq: number | undefined;
    if (filter.runId !== undefined) {
      const seq = await this.runSeqOf(filter.runId);
      if (seq === null) return [];
      runSeq = seq;
    }
    let triggerSeqs: number[] | undefined;
    if (filter.memberId !== undefined) {
      const rows = await this.db
        .selectFrom("lineage_triggers")
        .select("seq")
        .where("member_id", "=", filter.memberId)
        .execute();
      triggerSeqs = rows.map((r) => Number(r.seq));
    }
    const refs = await selectObligations(this.db, {
      status: filter.status,
      triggerSeqs,
      runSeq,
      purpose: filter.purpose,
      afterId: filter.afterId,
      limit: filter.limit,
    });
    return this.withDetails(refs);
  }

  /**
   * Counts of obligations by status (of one purpose or run, or all), and those opened and
   * closed within an instant window [from, until).
   */
  async obligationCounts(
    filter: { purpose?: string; runId?: string; from?: number; until?: number } = {},
  ): Promise<{ opened: number; closed: number; open: number; byStatus: Record<string, number> }> {
    let runSeq: number | undefined;
    if (filter.runId !== undefined) runSeq = (await this.runSeqOf(filter.runId)) ?? -1;
    const sets = () => {
      let q = this.db
        .selectFrom("lineage_obligation_sets as o")
        .innerJoin("lineage_runs as r", "r.seq", "o.run_seq")
        .select(sql<number | string | null>`sum(o.size)`.as("n"));
      if (filter.purpose !== undefined) q = q.where("r.purpose", "=", filter.purpose);
      if (runSeq !== undefined) q = q.where("o.run_seq", "=", runSeq);
      return q;
    };
    const resolutions = () => {
      let q = this.db
        .selectFrom("lineage_obligation_resolutions as o")
        .innerJoin("lineage_runs as r", "r.seq", "o.run_seq");
      if (filter.purpose !== undefined) q = q.where("r.purpose", "=", filter.purpose);
      if (runSeq !== undefined) q = q.where("o.run_seq", "=", runSeq);
      return q;
    };
    const total = Number((await sets().executeTakeFirst())?.n ?? 0);
    const closedRows = await resolutions()
      .select(["o.status", sql<number>`count(*)`.as("n")])
      .groupBy("o.status")
      .execute();
    const byStatus: Record<string, number> = Object.fromEntries(
      OBLIGATION_STATUSES.map((s) => [s, 0]),
    );
    let closedAll = 0;
    for (const r of closedRows) {
      byStatus[r.status] = Number(r.n);
      closedAll += Number(r.n);
    }
    byStatus["open"] = total - closedAll;
    let opened = sets();
    let closed = resolutions().select(sql<number>`count(*)`.as("n"));
    if (filter.from !== undefined) {
      opened = opened.where("o.created_at", ">=", filter.from);
      closed = closed.where("o.resolved_at", ">=", filter.from);
    }
    if (filter.until !== undefined) {
      opened = opened.where("o.created_at", "<", filter.until);
      closed = closed.where("o.resolved_at", "<", filter.until);
    }
    return {
      opened: Number((await opened.executeTakeFirst())?.n ?? 0),
      closed: Number((await closed.executeTakeFirst())?.n ?? 0),
      open: byStatus["open"] ?? 0,
      byStatus,
    };
  }

  /** One obligation by id; TG_E_NOT_FOUND when there is none. */
  async getObligation(id: number): Promise<Obligation> {
    const located = await locateObligation(this.db, id);
    if (located === null) throw new TrainGateError("TG_E_NOT_FOUND", `no obligation ${id}`, { id });
    const resolution = await this.db
      .selectFrom("lineage_obligation_resolutions")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirst();
    const { set, triggerSeq } = located;
    const [o] = await this.withDetails([
      {
        id,
        runSeq: Number(set.run_seq),
        triggerSeq,
        createdAt: Number(set.created_at),
        status: (resolution?.status ?? "open") as ObligationStatus,
        reason: resolution?.reason ?? null,
        resolvedAt: resolution === undefined ? null : Number(resolution.resolved_at),
      },
    ]);
    return o!;
  }

  /**
   * Closes every open obligation of run `runId` with one status and reason — what a privacy
   * team records when the run's models were retrained without the members, unlearned or
   * retired. Obligations already closed keep their resolution; obligations that a later opt-out
   * adds to the run stay open. One transaction. Returns how many were closed.
   */
  async resolveRunObligations(
    runId: string,
    status: ClosingStatus,
    reason: string,
  ): Promise<{ runId: string; resolved: number }> {
    if (reason.trim() === "")
      throw new TrainGateError("TG_E_USAGE", "a resolution needs a reason (--reason TEXT)");
    const run = await this.getRun(runId);
    const runSeq = await this.runSeqOf(run.runId);
    const at = this.now();
    const resolved = await this.db.transaction().execute(async (trx) => {
      const open = await selectObligations(trx, { status: "open", runSeq: runSeq! });
      return insertResolutions(trx, open, status, reason, at);
    });
    return { runId: run.runId, resolved };
  }

  /**
   * Closes an open obligation with a status and a reason. TG_E_NOT_FOUND for an unknown id,
   * TG_E_CONFLICT when it is no longer open (the first resolution stands).
   */
  async resolveObligation(id: number, status: ClosingStatus, reason: string): Promise<Obligation> {
    if (reason.trim() === "")
      throw new TrainGateError("TG_E_USAGE", "a resolution needs a reason (--reason TEXT)");
    const located = await locateObligation(this.db, id);
    if (located === null) throw new TrainGateError("TG_E_NOT_FOUND", `no obligation ${id}`, { id });
    const inserted =
      (await insertResolutions(
        this.db,
        [
          {
            id,
            runSeq: Number(located.set.run_seq),
            triggerSeq: located.triggerSeq,
            createdAt: Number(located.set.created_at),
          },
        ],
        status,
        reason,
        this.now(),
      )) > 0;
    const o = await this.getObligation(id);
    if (!inserted)
      throw new TrainGateError(
        "TG_E_CONFLICT",
        `obligation ${id} is already ${o.status}; only open obligations can be resolved`,
        { id, status: o.status },
      );
    return o;
  }
}
