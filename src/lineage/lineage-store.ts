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
import { merkleRoot } from "./merkle.js";
import { migrateLineage } from "./migrate-lineage.js";
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

/** An obligation row joined with its trigger and run. */
interface ObligationRow {
  id: number;
  member_id: string;
  run_id: string;
  purpose: string;
  trigger_key: string;
  at: number | string;
  created_at: number | string;
  status: string;
  reason: string | null;
  resolved_at: number | string | null;
}

function toObligation(r: ObligationRow): Obligation {
  return {
    id: Number(r.id),
    memberId: r.member_id,
    runId: r.run_id,
    purpose: r.purpose,
    triggerKey: r.trigger_key,
    triggerAt: Number(r.at),
    createdAt: Number(r.created_at),
    status: r.status as ObligationStatus,
    reason: r.reason,
    resolvedAt: r.resolved_at === null ? null : Number(r.resolved_at),
  };
}

/** A new obligation: which trigger, which run (their `seq`s). */
export interface ObligationPair {
  readonly triggerSeq: number;
  readonly runSeq: number;
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
    const itemIds = [...new Set(input.itemIds)];
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
    const memberIds = [...new Set(input.memberIds)];
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
      const members = await assignDense(trx, this.dialect, "lineage_member_ids", memberIds);
      const items = await assignDense(trx, this.dialect, "lineage_item_ids", itemIds);
      const memberDense = memberIds.map((id) => members.get(id)!);
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
          item_bitmap: writeBitmap(itemIds.map((id) => items.get(id)!)),
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
    await this.insertObligations(
      trx,
      triggers
        .filter((t) => members.has(Number(t.dense)))
        .map((t) => ({ triggerSeq: Number(t.seq), runSeq: Number(run.seq) })),
    );
  }

  /**
   * Inserts obligations (status open), skipping those that exist. Returns how many were new.
   * An opt-out wave can open millions, so rows go in as arrays, not bound parameters per row:
   * SQLite reads a JSON array with json_each, PostgreSQL two int[] with unnest.
   */
  async insertObligations(
    trx: Transaction<LineageTables>,
    pairs: readonly ObligationPair[],
  ): Promise<number> {
    const createdAt = this.now();
    let added = 0;
    for (let i = 0; i < pairs.length; i += 100_000) {
      const part = pairs.slice(i, i + 100_000);
      const res =
        this.dialect === "postgres"
          ? await sql`insert into lineage_obligations (trigger_seq, run_seq, created_at, status)
              select t, r, ${createdAt}, 'open'
              from unnest(${part.map((p) => p.triggerSeq)}::int[], ${part.map((p) => p.runSeq)}::int[]) as u(t, r)
              on conflict (trigger_seq, run_seq) do nothing`.execute(trx)
          : await sql`insert into lineage_obligations (trigger_seq, run_seq, created_at, status)
              select value ->> 0, value ->> 1, ${createdAt}, 'open'
              from json_each(${JSON.stringify(part.map((p) => [p.triggerSeq, p.runSeq]))}) where true
              on conflict (trigger_seq, run_seq) do nothing`.execute(trx);
      added += Number(res.numAffectedRows ?? 0n);
    }
    return added;
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
    const dense = (await lookupDense(this.db, "lineage_member_ids", [memberId])).get(memberId);
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

  private obligationQuery(db: Db = this.db) {
    return db
      .selectFrom("lineage_obligations as o")
      .innerJoin("lineage_triggers as t", "t.seq", "o.trigger_seq")
      .innerJoin("lineage_runs as r", "r.seq", "o.run_seq")
      .select([
        "o.id",
        "t.member_id",
        "r.run_id",
        "r.purpose",
        "t.trigger_key",
        "t.at",
        "o.created_at",
        "o.status",
        "o.reason",
        "o.resolved_at",
      ]);
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
    let q = this.obligationQuery().orderBy("o.id");
    if (filter.status !== undefined) q = q.where("o.status", "=", filter.status);
    if (filter.memberId !== undefined) q = q.where("t.member_id", "=", filter.memberId);
    if (filter.runId !== undefined) q = q.where("r.run_id", "=", filter.runId);
    if (filter.purpose !== undefined) q = q.where("r.purpose", "=", filter.purpose);
    if (filter.afterId !== undefined) q = q.where("o.id", ">", filter.afterId);
    if (filter.limit !== undefined) q = q.limit(filter.limit);
    return (await q.execute()).map(toObligation);
  }

  /** Counts of obligations by status, and those opened and closed within an instant window. */
  async obligationCounts(
    filter: { purpose?: string; from?: number; until?: number } = {},
  ): Promise<{ opened: number; closed: number; open: number; byStatus: Record<string, number> }> {
    const base = () => {
      let q = this.db
        .selectFrom("lineage_obligations as o")
        .innerJoin("lineage_runs as r", "r.seq", "o.run_seq");
      if (filter.purpose !== undefined) q = q.where("r.purpose", "=", filter.purpose);
      return q;
    };
    const all = await base()
      .select(["o.status", sql<number>`count(*)`.as("n")])
      .groupBy("o.status")
      .execute();
    const byStatus: Record<string, number> = Object.fromEntries(
      OBLIGATION_STATUSES.map((s) => [s, 0]),
    );
    for (const r of all) byStatus[r.status] = Number(r.n);
    let opened = base().select(sql<number>`count(*)`.as("n"));
    let closed = base()
      .select(sql<number>`count(*)`.as("n"))
      .where("o.resolved_at", "is not", null);
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

  /**
   * Closes an open obligation with a status and a reason. TG_E_NOT_FOUND for an unknown id,
   * TG_E_CONFLICT when it is no longer open (the first resolution stands).
   */
  async resolveObligation(id: number, status: ClosingStatus, reason: string): Promise<Obligation> {
    if (reason.trim() === "")
      throw new TrainGateError("TG_E_USAGE", "a resolution needs a reason (--reason TEXT)");
    const res = await this.db
      .updateTable("lineage_obligations")
      .set({ status, reason, resolved_at: this.now() })
      .where("id", "=", id)
      .where("status", "=", "open")
      .executeTakeFirst();
    const row = await this.obligationQuery().where("o.id", "=", id).executeTakeFirst();
    if (row === undefined)
      throw new TrainGateError("TG_E_NOT_FOUND", `no obligation ${id}`, { id });
    if (Number(res.numUpdatedRows) === 0)
      throw new TrainGateError(
        "TG_E_CONFLICT",
        `obligation ${id} is already ${row.status}; only open obligations can be resolved`,
        { id, status: row.status },
      );
    return toObligation(row);
  }
}
