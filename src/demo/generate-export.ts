/**
 * `traingate demo generate`: a synthetic platform export, as JSON Lines or Parquet.
 * Deterministic for a seed: the same options give byte-identical files.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type JsonlExportOptions, writeJsonlExport } from "./jsonl-export-writer.js";
import { jsonlToParquet } from "./jsonl-to-parquet.js";

/** What to generate, and in which format. */
export interface GenerateOptions extends JsonlExportOptions {
  readonly format?: "jsonl" | "parquet";
}

/** The files written, their row counts, and how long it took. */
export interface GeneratedExport {
  readonly files: { readonly members: string; readonly items: string; readonly consent: string };
  readonly counts: { readonly members: number; readonly items: number; readonly consent: number };
  readonly seconds: number;
}

/**
 * Generates a demo export into `opts.out`. Parquet goes through JSON Lines in a temporary
 * folder that is removed afterwards, so both formats hold the same rows.
 */
export async function generateExport(opts: GenerateOptions): Promise<GeneratedExport> {
  if (opts.format !== "parquet") return writeJsonlExport(opts, "jsonl");
  const started = performance.now();
  const temp = mkdtempSync(join(tmpdir(), "traingate-demo-"));
  try {
    const jsonl = await writeJsonlExport({ ...opts, out: temp }, "parquet");
    mkdirSync(opts.out, { recursive: true });
    const files = {
      members: join(opts.out, "members.parquet"),
      items: join(opts.out, "items.parquet"),
      consent: join(opts.out, "consent_events.parquet"),
    };
    await jsonlToParquet([
      { table: "members", jsonl: jsonl.files.members, parquet: files.members },
      { table: "items", jsonl: jsonl.files.items, parquet: files.items },
      { table: "consent_events", jsonl: jsonl.files.consent, parquet: files.consent },
    ]);
    return { files, counts: jsonl.counts, seconds: (performance.now() - started) / 1000 };
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}
