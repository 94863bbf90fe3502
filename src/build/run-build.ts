/**
 * `traingate build` (contract §5), planned inside DuckDB: the export is scanned and checked
 * in DuckDB, the policy is compiled to the same SQL `traingate compile --dialect duckdb`
 * prints (plus each item's position in the file) and run once over the items into a narrow
 * table of verdicts; the item ids are checked unique from it while the included items are
 * read back from the file by position, then sorted once and written by DuckDB in id order.
 * Rows never pass through JavaScript one by one; only text redaction does, in batches on
 * worker threads. The Merkle leaves come from DuckDB a chunk of ids per string (docs/build.md,
 * "How it runs").
 *
 * Memory stays bounded: DuckDB gets a memory_limit and a spill folder inside the staging
 * folder, so tables, sorts and joins larger than RAM go to disk
 * (test/build/memory-limit.test.ts).
 */
import { randomUUID } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { TrainGateError } from "../errors.js";
import { formatOf } from "../export/file-format.js";
import { sha256File, sha256FileAsWritten } from "../export/file-hash.js";
import { policyHash } from "../policy/canonical-policy.js";
import { compilerFor } from "../policy/compile/compile-sql.js";
import { planDecision } from "../policy/compile/decision-plan.js";
import type { ConsentEvent, Kind, Reason, Visibility } from "../policy/domain.js";
import { effectiveVisibility } from "../policy/domain.js";
import { dataCategoryOf, dataUseOf } from "../policy/fides.js";
import type { Policy } from "../policy/model.js";
import { REDACTION_TYPES } from "../policy/model.js";
import { formatInstant } from "../policy/time.js";
import { abandonStaging, commitStaging, openStaging } from "./atomic-dir.js";
import { BuildProgress } from "./build-progress.js";
import { merkleRootOfSortedTable } from "./dataset-merkle.js";
import { sqlString } from "./input-scan.js";
import { JSONL_COPY_OPTIONS, type JsonField, jsonLineExpr } from "./jsonl-line.js";
import {
  appendConsentEvents,
  checkItemIdsUnique,
  decideItems,
  dropInputTables,
  installScanMacros,
  itemsUnreadable,
  loadConsentTable,
  loadItems,
  loadMembersTable,
  memberNames,
} from "./load-inputs.js";
import {
  assertCountsBalance,
  excludedCounts,
  type Manifest,
  type ManifestInput,
  type ManifestLedgerInput,
  manifestText,
  toolVersion,
} from "./manifest.js";
import { memorySizeBytes } from "./memory-size.js";
import { hmacPads, type PseudonymKey } from "./pseudonym-key.js";
import { startRedaction, type TextRedactor } from "./redact-step.js";
import { type RunFacts, runFacts } from "./run-facts.js";

/** Everything a build needs. Paths are as the user gave them. */
export interface BuildOptions {
  readonly policy: Policy;
  readonly purpose: string;
  /** The instant T, epoch µs. */
  readonly asOf: number;
  readonly members: string;
  readonly items: string;
  /** The consent file; without it `ledgerConsent` supplies the events. */
  readonly consent?: string | undefined;
  readonly ledgerConsent?: () => Promise<readonly ConsentEvent[]>;
  readonly out: string;
  readonly format: "jsonl" | "parquet";
  readonly strict: boolean;
  readonly force: boolean;
  readonly key: PseudonymKey;
  /** False only with an explicit `--no-redact`; recorded in the manifest. */
  readonly redact: boolean;
  readonly progress?: BuildProgress;
  /** DuckDB memory_limit (default 1GB) and threads (default: all cores). */
  readonly memoryLimit?: string;
  readonly threads?: number;
  /** Redaction worker threads (default: one per core). */
  readonly redactThreads?: number;
  /** Return the included item ids, author ids and run facts (for lineage); costs memory. */
  readonly collectIds?: boolean;
  /** The clock for `created_at` of the manifest (not for any decision). */
  readonly now?: () => Date;
}

/** What a build produced. */
export interface BuildResult {
  readonly outDir: string;
  readonly manifest: Manifest;
  /** With `collectIds`: included item ids in dataset order. */
  readonly includedIds?: readonly string[];
  /** With `collectIds`: member ids of the included items' authors, sorted, distinct. */
  readonly authorIds?: readonly string[];
  /** With `collectIds`: included authors by consent state, members per region group. */
  readonly facts?: RunFacts;
}

/** The items' columns the dataset needs besides the id. */
const CARRY = ["author_id", "kind", "visibility", "created_at", "lang", "text"] as const;

/** Streams the first column of a query, chunk by chunk. */
async function streamColumn(
  conn: DuckDBConnection,
  sql: string,
  onChunk: (values: unknown[]) => void | Promise<void>,
): Promise<void> {
  const result = await conn.stream(sql);
  for (;;) {
    const chunk = await result.fetchChunk();
    if (chunk === null || chunk.rowCount === 0) break;
    await onChunk(chunk.getColumnVector(0).toArray() as unknown[]);
  }
}

/**
 * RFC 3339 UTC, as formatInstant writes it: milliseconds, microseconds when there are any.
 * The UTC wall time comes from the epoch microseconds (no per-row time-zone lookup); an
 * infinite instant, which has none, falls back to `AT TIME ZONE 'UTC'`.
 */
function instantText(col: string): string {
  const utc = `COALESCE(make_timestamp(epoch_us(${col})), ${col} AT TIME ZONE 'UTC')`;
  return `CASE WHEN epoch_us(${col}) % 1000 = 0 THEN strftime(${utc}, '%Y-%m-%dT%H:%M:%S.%gZ') ELSE strftime(${utc}, '%Y-%m-%dT%H:%M:%S.%fZ') END`;
}

/**
 * The dataset's columns (contract §5) from `dataset_rows AS d`: for Parquet as columns, for
 * JSON Lines as one line each (see jsonl-line.ts).
 */
function datasetColumns(format: "jsonl" | "parquet", textExpr: string): string {
  const fields: JsonField[] = [
    { key: "id", expr: "d.item_id", as: "string" },
    { key: "author", expr: "d.author", as: "plain" },
    { key: "kind", expr: "d.kind", as: "string" },
    { key: "created_at", expr: instantText("d.created_at"), as: "plain" },
    { key: "lang", expr: "d.lang", as: "string" },
    { key: "text", expr: textExpr, as: "string" },
  ];
  if (format === "jsonl") return `${jsonLineExpr(fields)} AS line`;
  return fields.map((f) => `${f.expr} AS ${f.key}`).join(", ");
}

/**
 * DuckDB's out-of-memory error as a coded one that says what to do: DuckDB spills tables,
 * sorts, joins and aggregates, but each thread still needs some memory of its own, so a
 * limit far below the data can fail (docs/build.md, "Memory").
 */
function outOfMemory(e: unknown, opts: BuildOptions): TrainGateError | null {
  const message = e instanceof Error ? e.message : "";
  if (!message.startsWith("Out of Memory Error")) return null;
  return new TrainGateError(
    "TG_E_OUT_OF_MEMORY",
    `the build needed more memory than --memory-limit ${opts.memoryLimit ?? "1GB"} gives DuckDB (${message.split("\n")[0]}); nothing was written. Raise --memory-limit, lower --threads, or free disk space next to --out, where DuckDB spills`,
    { memoryLimit: opts.memoryLimit ?? "1GB" },
  );
}

/** Runs a build; on any failure nothing is left at `out` (see atomic-dir.ts). */
export async function runBuild(opts: BuildOptions): Promise<BuildResult> {
  const progress = opts.progress ?? new BuildProgress(false);
  const limit = `${memorySizeBytes(opts.memoryLimit ?? "1GB")}B`;
  const staging = await openStaging(opts.out, opts.force);
  const spill = join(staging.dir, "spill");
  await mkdir(spill);
  const db = await DuckDBInstance.create(":memory:", {
    memory_limit: limit,
    // DuckDB's buffers come from a block allocator that keeps up to the limit instead of
    // returning freed blocks to the system: otherwise every stage faults fresh pages in
    // again, which on a virtual machine cost a tenth of the build's CPU. A 10M-item build ran
    // 0.4-1.4 s faster in each of three alternated pairs, at about 0.1 GiB more peak RSS
    // (docs/build.md, "Memory"). Raising the allocator's flush threshold as well looked
    // faster still, but DuckDB then ran out of memory under a limit it spills below.
    block_allocator_memory: limit,
    temp_directory: spill,
    threads: String(opts.threads ?? availableParallelism()),
  });
  const conn = await db.connect();
  try {
    await conn.run("SET TimeZone = 'UTC'");
    await installScanMacros(conn);
    const result = await buildInside(conn, db, opts, progress, staging.dir);
    await rm(spill, { recursive: true, force: true });
    await commitStaging(staging, opts.force);
    return { ...result, outDir: staging.out };
  } catch (e) {
    await abandonStaging(staging);
    throw outOfMemory(e, opts) ?? e;
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

async function buildInside(
  conn: DuckDBConnection,
  db: DuckDBInstance,
  opts: BuildOptions,
  progress: BuildProgress,
  dir: string,
): Promise<Omit<BuildResult, "outDir">> {
  // Input hashes are computed while DuckDB works (the hashing is JS, DuckDB's threads are not).
  const hashing = Promise.all(
    [opts.members, opts.items, ...(opts.consent === undefined ? [] : [opts.consent])].map((p) =>
      sha256File(p).catch(() => ""),
    ),
  );
  const memberRows = await progress.stage(
    "members",
    null,
    () => loadMembersTable(conn, opts.members),
    conn,
  );
  // The redaction workers start (and build their name detectors) while DuckDB decides.
  let redactor: Promise<TextRedactor> | null = null;
  if (opts.redact) {
    const names = await memberNames(conn);
    redactor = startRedaction({
      memberNames: names,
      enabled: opts.policy.redact,
      ...(opts.redactThreads === undefined ? {} : { threads: opts.redactThreads }),
    });
    // A failure surfaces where the pool is awaited; never as an unhandled rejection.
    redactor.catch(() => undefined);
  }
  try {
    return await decideAndWrite(conn, db, opts, progress, dir, { hashing, memberRows, redactor });
  } finally {
    if (redactor !== null) await (await redactor.catch(() => null))?.close();
  }
}

async function decideAndWrite(
  conn: DuckDBConnection,
  db: DuckDBInstance,
  opts: BuildOptions,
  progress: BuildProgress,
  dir: string,
  started: {
    readonly hashing: Promise<string[]>;
    readonly memberRows: number;
    readonly redactor: Promise<TextRedactor> | null;
  },
): Promise<Omit<BuildResult, "outDir">> {
  let consentRows: number;
  if (opts.consent !== undefined) {
    const path = opts.consent;
    consentRows = await progress.stage("consent", null, () => loadConsentTable(conn, path), conn);
  } else {
    if (opts.ledgerConsent === undefined)
      throw new TrainGateError("TG_E_NO_LEDGER", "no --consent file and no consent ledger");
    const events = await opts.ledgerConsent();
    consentRows = await appendConsentEvents(conn, events);
  }
  const itemRows = await progress.stage(
    "items",
    null,
    () => loadItems(conn, opts.items, opts.strict),
    conn,
  );

  // The decision is the rule `traingate compile --dialect duckdb` prints. What it knows of
  // each member is stored first, in table `decision_authors`, with each member test packed
  // into one bit of `flags` (narrow rows make the join of the items cheaper); joined as a
  // CTE, DuckDB ran out of memory instead of spilling (a 2M-item build at --memory-limit
  // 150MB). Members were checked unique in their stage, so the query need not group them.
  // It runs once over the items, into table `verdicts`: each item's position in the file and
  // its reason as a code, from which the counts come; the included items are then picked from
  // the file by position (stage `select`), without deciding again. A table of every item's
  // reason and the included items' columns (10M rows, most of them NULL) cost more: it filled
  // the memory limit and spilled (docs/build.md, "How it runs").
  const compiler = compilerFor("duckdb");
  const plan = planDecision(opts.policy, opts.purpose, opts.asOf);
  const compileOptions = {
    membersUnique: true,
    authorsTable: "decision_authors",
    packedAuthors: true,
    reasonCodes: true,
  } as const;
  const byReason = await progress.stage(
    "decide",
    itemRows,
    async () => {
      await conn.run(
        `CREATE OR REPLACE TABLE decision_authors AS ${compiler.packedAuthorsQuery(plan, compileOptions)}`,
      );
      // The table's order does not matter; keeping insertion order would make DuckDB hold
      // output batches in memory.
      await conn.run("SET preserve_insertion_order = false");
      const decision = compiler.compilePlan(plan, { ...compileOptions, carry: ["frn"] });
      return decideItems(conn, decision, opts.items, opts.strict);
    },
    conn,
  );

  let input = 0;
  for (const count of byReason.values()) input += count;
  const included = byReason.get(null) ?? 0;
  if (input !== itemRows) {
    throw new TrainGateError(
      "TG_E_INTERNAL",
      `the decision returned ${input} rows for ${itemRows} items`,
    );
  }
  // The item ids are checked unique (a repeated id fails the build, contract §3) on a second
  // connection, from the id hashes the decision stored, while the included rows are read
  // back; `verdicts` is then dropped before the sort, whose memory it would take. Beside the
  // write instead (where DuckDB's single-sink COPY leaves part of a core idle), the sort
  // spilled twice as much (390 against 185 MB) and whole builds took 1.3 s longer.
  const checked = (async (): Promise<void> => {
    const checker = await db.connect();
    try {
      await progress.stage(
        "check",
        itemRows,
        () => checkItemIdsUnique(checker, opts.items),
        checker,
      );
    } finally {
      checker.closeSync();
    }
  })();
  checked.catch(() => undefined);
  try {
    const categories = await selectIncluded(conn, opts, progress, itemRows, included);
    // What lineage registers besides the ids, while members and consent are still loaded.
    const facts = opts.collectIds
      ? await progress.stage("facts", null, () => runFacts(conn), conn)
      : undefined;
    // Members, consent and the verdicts are no longer needed: their memory goes to the sort.
    await dropInputTables(conn);
    await checked;
    await conn.run("DROP TABLE verdicts");
    return await orderAndWrite(conn, db, opts, progress, dir, {
      ...started,
      consentRows,
      byReason,
      itemRows,
      input,
      included,
      categories,
      facts,
    });
  } catch (e) {
    // A repeated item id is the error to report (exit 2, naming the id) even where it broke
    // something else first; the check finishes before the database is closed.
    const repeated = await checked.then(
      () => null,
      (c: unknown) => c,
    );
    throw repeated ?? e;
  }
}

/** Stage `select`: the included items' columns into `included_rows`; their data categories. */
async function selectIncluded(
  conn: DuckDBConnection,
  opts: BuildOptions,
  progress: BuildProgress,
  itemRows: number,
  included: number,
): Promise<Record<string, number>> {
  // The included items' columns, read from the file by position (a semi join on integers);
  // their data categories come from them.
  const categories: Record<string, number> = {};
  await progress.stage(
    "select",
    itemRows,
    async () => {
      await conn
        .run(`CREATE OR REPLACE TABLE included_rows AS
          SELECT id AS item_id, ${CARRY.join(", ")}
          FROM items SEMI JOIN (SELECT frn FROM verdicts WHERE code = 0) AS v ON items.frn = v.frn`)
        .catch((e: unknown) => itemsUnreadable(e, opts.items, opts.strict));
      // The dataset's rows are inserted in id order below and read back in that order.
      await conn.run("SET preserve_insertion_order = true");
      const kinds = await conn.runAndReadAll(
        "SELECT kind, visibility, COUNT(*) FROM included_rows GROUP BY ALL ORDER BY ALL",
      );
      let n = 0;
      for (const [kind, vis, count] of kinds.getRows()) {
        n += Number(count);
        const v = effectiveVisibility(String(kind), vis === null ? null : String(vis));
        const cat = dataCategoryOf(String(kind) as Kind, v as Visibility);
        categories[cat] = (categories[cat] ?? 0) + Number(count);
      }
      // Fail closed: the rows picked are exactly as many as the decision included.
      if (n !== included)
        throw new TrainGateError(
          "TG_E_INTERNAL",
          `the decision included ${included} items, but ${n} were read back by position`,
        );
    },
    conn,
  );
  return categories;
}

/** Stages `order` to `write`, the Merkle root and the manifest. */
async function orderAndWrite(
  conn: DuckDBConnection,
  db: DuckDBInstance,
  opts: BuildOptions,
  progress: BuildProgress,
  dir: string,
  decided: {
    readonly hashing: Promise<string[]>;
    readonly memberRows: number;
    readonly consentRows: number;
    readonly redactor: Promise<TextRedactor> | null;
    readonly byReason: Map<Reason | null, number>;
    readonly itemRows: number;
    readonly input: number;
    readonly included: number;
    readonly categories: Record<string, number>;
    readonly facts: RunFacts | undefined;
  },
): Promise<Omit<BuildResult, "outDir">> {
  const { hashing, memberRows, consentRows, byReason, itemRows, input, included } = decided;
  const { categories, facts, redactor } = decided;
  // The dataset's rows, pseudonymised, in id order, sorted once: the Merkle root, the
  // lineage ids and the COPY read this table in its order (its rowid; DuckDB keeps a table's
  // insertion order) and none sorts again. `included_rows` is dropped after, its memory freed.
  const { inner, outer } = hmacPads(opts.key);
  await progress.stage(
    "order",
    included,
    () =>
      conn.run(`CREATE TABLE dataset_rows AS
        WITH authors AS (
          -- One HMAC per distinct author, not per item: authors write many items each.
          SELECT author_id,
            sha256(unhex('${outer}') || unhex(sha256(unhex('${inner}') || encode(author_id)))) AS author
          FROM (SELECT DISTINCT author_id FROM included_rows)
        )
        SELECT d.item_id, d.author_id, a.author, d.kind, d.created_at, d.lang, d.text
        FROM included_rows AS d JOIN authors AS a ON a.author_id = d.author_id
        ORDER BY d.item_id`),
    conn,
  );
  await conn.run("DROP TABLE included_rows");

  // The Merkle root (and, for lineage, the ids in dataset order) on a second connection, while
  // the main connection feeds the redaction workers (DuckDB's threads would idle then) or
  // writes the dataset (the COPY keeps about one and a half cores busy).
  const redacting = redactor !== null && included > 0;
  const startMerkle = async (): Promise<{ root: string; ids: string[] | undefined }> => {
    const reader = await db.connect();
    try {
      return await progress.stage("merkle", included, async (tick) => {
        const root = await merkleRootOfSortedTable(reader, "dataset_rows", "item_id");
        if (!opts.collectIds) return { root, ids: undefined };
        const ids: string[] = [];
        await streamColumn(reader, "SELECT item_id FROM dataset_rows", (values) => {
          for (const v of values) ids.push(String(v));
          tick(values.length);
        });
        return { root, ids };
      });
    } finally {
      reader.closeSync();
    }
  };
  let merkleDone: ReturnType<typeof startMerkle> | null = null;
  let outputSha: Promise<string> | null = null;
  const file = opts.format === "jsonl" ? "dataset.jsonl" : "dataset.parquet";
  try {
    // Without redaction the rows are read in table order, which is id order; the join with
    // the redacted texts does not keep an order, so that COPY sorts by rowid (an integer).
    let textExpr = "d.text";
    let source = "dataset_rows AS d";
    merkleDone = startMerkle();
    merkleDone.catch(() => undefined);
    if (redacting && redactor !== null) {
      const pool = await redactor;
      await redactInto(db, conn, pool, progress, included);
      // The workers' memory (their detectors and heaps) is freed before the final sort.
      await pool.close();
      textExpr = "CASE WHEN d.text IS NULL THEN NULL ELSE r.text END";
      source = "dataset_rows AS d LEFT JOIN redacted AS r ON r.rid = d.rowid ORDER BY d.rowid";
      await merkleDone;
    }
    const writing = progress.stage(
      "write",
      included,
      () =>
        conn.run(`COPY (
          SELECT ${datasetColumns(opts.format, textExpr)}
          FROM ${source}
        ) TO ${sqlString(join(dir, file))} (${opts.format === "jsonl" ? JSONL_COPY_OPTIONS : "FORMAT parquet, COMPRESSION zstd"})`),
      conn,
    );
    // The dataset is hashed, and flushed to disk, as DuckDB writes it (its COPY appends in
    // order): after the COPY, hashing 500 MB took 0.5-0.9 s and flushing it 0.7 s.
    outputSha = sha256FileAsWritten(join(dir, file), writing, { flush: true });
    outputSha.catch(() => undefined);
    await writing;
  } catch (e) {
    // The other connections finish before the database is closed.
    await merkleDone?.catch(() => undefined);
    await outputSha?.catch(() => undefined);
    throw e;
  }
  // The last bytes of the dataset reach the disk in the commit, which flushes every file (the
  // rest was flushed as it was written).
  if (outputSha === null) throw new TrainGateError("TG_E_INTERNAL", "the dataset was not hashed");
  const [merkle, hashed] = await Promise.allSettled([merkleDone, outputSha]);
  for (const r of [merkle, hashed]) if (r.status === "rejected") throw r.reason;
  const { root: merkleRoot, ids } = await merkleDone;
  const outputSha256 = await outputSha;
  let authorIds: string[] | undefined;
  if (opts.collectIds) {
    authorIds = [];
    const into = authorIds;
    await streamColumn(conn, "SELECT DISTINCT author_id FROM dataset_rows ORDER BY 1", (values) => {
      for (const v of values) into.push(String(v));
    });
  }

  const [membersSha, itemsSha, consentSha] = await hashing;
  const inputs: (ManifestInput | ManifestLedgerInput)[] = [
    {
      table: "members",
      path: opts.members,
      format: formatOf(opts.members).format,
      sha256: membersSha ?? "",
      rows: memberRows,
    },
    {
      table: "items",
      path: opts.items,
      format: formatOf(opts.items).format,
      sha256: itemsSha ?? "",
      rows: itemRows,
    },
    opts.consent === undefined
      ? { table: "consent_events", source: "ledger", rows: consentRows }
      : {
          table: "consent_events",
          path: opts.consent,
          format: formatOf(opts.consent).format,
          sha256: consentSha ?? "",
          rows: consentRows,
        },
  ];
  const counts = { input, included, excluded: excludedCounts(byReason) };
  assertCountsBalance(counts);
  const manifest: Manifest = {
    run_id: randomUUID(),
    purpose: opts.purpose,
    as_of: formatInstant(opts.asOf),
    policy: {
      name: opts.policy.name,
      sha256: policyHash(opts.policy),
      fides_data_use: dataUseOf(opts.purpose),
    },
    inputs,
    counts,
    data_categories: categories,
    output: {
      path: file,
      format: opts.format,
      sha256: outputSha256,
      rows: included,
    },
    merkle_root: merkleRoot,
    pseudonym_key: {
      algorithm: "HMAC-SHA-256",
      fingerprint: opts.key.fingerprint,
      source: opts.key.source,
    },
    redaction: {
      enabled: opts.redact,
      types: opts.redact ? REDACTION_TYPES.filter((t) => opts.policy.redact[t] !== false) : [],
    },
    tool: { name: "traingate", version: toolVersion() },
    created_at: (opts.now ?? (() => new Date()))().toISOString(),
  };
  await writeFile(join(dir, "manifest.json"), manifestText(manifest));
  return {
    manifest,
    ...(ids === undefined ? {} : { includedIds: ids }),
    ...(authorIds === undefined ? {} : { authorIds }),
    ...(facts === undefined ? {} : { facts }),
  };
}

/**
 * Redacts the included texts: DuckDB streams (rowid, text) a chunk at a time, the worker pool
 * redacts batches while the next ones are read, and a second connection appends the results
 * to table `redacted` for the final COPY to join. Bounded: at most four batches (of 16,384
 * texts) in flight, enough that no worker waits while the main thread reads and appends.
 */
async function redactInto(
  db: DuckDBInstance,
  conn: DuckDBConnection,
  pool: TextRedactor,
  progress: BuildProgress,
  included: number,
): Promise<void> {
  await conn.run("CREATE OR REPLACE TABLE redacted (rid BIGINT, text VARCHAR)");
  const writer = await db.connect();
  const appender = await writer.createAppender("redacted");
  const BATCH = 16_384;
  let rids: bigint[] = [];
  let texts: string[] = [];
  const inFlight: Promise<void>[] = [];
  const flush = (tick: (n: number) => void): Promise<void> => {
    const myRids = rids;
    const myTexts = texts;
    rids = [];
    texts = [];
    const done = pool.redactMany(myTexts).then((out) => {
      for (let i = 0; i < out.length; i++) {
        appender.appendBigInt(myRids[i]!);
        const t = out[i];
        if (t === null || t === undefined) appender.appendNull();
        else appender.appendVarchar(t);
        appender.endRow();
      }
      tick(out.length);
    });
    // Awaited below in order; a later batch failing first must not be an unhandled rejection.
    done.catch(() => undefined);
    return done;
  };
  try {
    await progress.stage("redact", included, async (tick) => {
      const result = await conn.stream(
        "SELECT rowid, text FROM dataset_rows WHERE text IS NOT NULL",
      );
      for (;;) {
        const chunk = await result.fetchChunk();
        if (chunk === null || chunk.rowCount === 0) break;
        const ridCol = chunk.getColumnVector(0).toArray() as bigint[];
        const textCol = chunk.getColumnVector(1).toArray() as string[];
        for (let i = 0; i < ridCol.length; i++) {
          rids.push(ridCol[i]!);
          texts.push(textCol[i]!);
        }
        if (texts.length >= BATCH) {
          inFlight.push(flush(tick));
          if (inFlight.length >= 4) await inFlight.shift();
        }
      }
      if (texts.length > 0) inFlight.push(flush(tick));
      await Promise.all(inFlight);
    });
    appender.closeSync();
  } finally {
    writer.closeSync();
  }
}
