/**
 * Streaming readers for the export's tables (contract §1): JSON Lines (optionally gzipped),
 * CSV with a header row, and Parquet. Each yields raw rows with their position in the file, so
 * a bad row can be reported by file and line; nothing is buffered whole except a Parquet
 * row group.
 */
import { isUtf8 } from "node:buffer";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createGunzip } from "node:zlib";
import { parse as parseCsv } from "csv-parse";
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from "hyparquet";
import { compressors } from "hyparquet-compressors";
import { TrainGateError } from "../errors.js";
import { formatOf } from "./file-format.js";

/** One raw row: its 1-based line (row number for Parquet), and the values or a parse error. */
export type RawRow =
  | {
      readonly line: number;
      readonly values: Readonly<Record<string, unknown>>;
      readonly error?: undefined;
    }
  | { readonly line: number; readonly values?: undefined; readonly error: string };

async function ensureFile(path: string): Promise<void> {
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new Error("not a file");
  } catch {
    throw new TrainGateError("TG_E_NOT_FOUND", `${path}: no such file`, { file: path });
  }
}

function textStream(path: string, gzip: boolean): NodeJS.ReadableStream {
  const raw = createReadStream(path);
  return gzip ? raw.pipe(createGunzip()) : raw;
}

/**
 * The lines of a byte stream, split at `\n` (a `\r` before it is dropped), a block at a time,
 * each decoded from UTF-8, or `null` when its bytes are not UTF-8: decoding would silently
 * turn a bad byte into U+FFFD. Bytes are checked and decoded a block of whole lines at a time
 * (a `\n` byte is never inside a multi-byte character); only a block that fails is taken line
 * by line.
 */
async function* utf8Lines(input: NodeJS.ReadableStream): AsyncGenerator<(string | null)[]> {
  let pending: Buffer | null = null;
  for await (const chunk of input as AsyncIterable<Buffer>) {
    const end = chunk.lastIndexOf(10) + 1;
    if (end === 0) {
      pending = pending === null ? chunk : Buffer.concat([pending, chunk]);
      continue;
    }
    const head = chunk.subarray(0, end);
    yield linesOf(pending === null ? head : Buffer.concat([pending, head]));
    pending = end < chunk.length ? chunk.subarray(end) : null;
  }
  if (pending !== null) yield linesOf(Buffer.concat([pending, Buffer.from("\n")]));
}

/** The lines of `bytes`, which end in `\n` (see `utf8Lines`). */
function linesOf(bytes: Buffer): (string | null)[] {
  if (isUtf8(bytes)) {
    const lines = bytes.toString("utf8").split("\n");
    lines.pop();
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i]!;
      if (l.endsWith("\r")) lines[i] = l.slice(0, -1);
    }
    return lines;
  }
  const out: (string | null)[] = [];
  for (let start = 0; start < bytes.length; ) {
    const nl = bytes.indexOf(10, start);
    const line = bytes.subarray(start, nl > start && bytes[nl - 1] === 13 ? nl - 1 : nl);
    out.push(isUtf8(line) ? line.toString("utf8") : null);
    start = nl + 1;
  }
  return out;
}

/** A `\uD800`-`\uDFFF` escape: the only way a JSON line can hold a lone surrogate. */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

/** A lone surrogate: under the `u` flag a paired one reads as one astral code point. */
const LONE_SURROGATE = /\p{Cs}/u;

/** Whether a parsed row's strings are all well-formed Unicode (no lone surrogate). */
function wellFormed(row: Record<string, unknown>): boolean {
  for (const v of Object.values(row))
    if (typeof v === "string" && LONE_SURROGATE.test(v)) return false;
  return true;
}

/**
 * JSON Lines. A line that is not UTF-8, or whose strings hold a lone surrogate (`"\ud800"`),
 * is a bad row like a line that is not JSON: the build's reader (DuckDB) cannot read it as
 * text either, and both must decide the same.
 */
async function* readJsonl(path: string, gzip: boolean): AsyncGenerator<RawRow> {
  let line = 0;
  for await (const block of utf8Lines(textStream(path, gzip)))
    for (const text of block) {
      line++;
      if (text === null) {
        yield { line, error: "not valid UTF-8" };
        continue;
      }
      if (text.trim() === "") continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        yield { line, error: `not valid JSON (${(err as Error).message})` };
        continue;
      }
      if (value === null || typeof value !== "object" || Array.isArray(value)) {
        yield { line, error: "expected a JSON object" };
        continue;
      }
      if (SURROGATE_ESCAPE.test(text) && !wellFormed(value as Record<string, unknown>)) {
        yield { line, error: "a string holds a lone UTF-16 surrogate (not valid Unicode text)" };
        continue;
      }
      yield { line, values: value as Record<string, unknown> };
    }
}

async function* readCsv(path: string, gzip: boolean): AsyncGenerator<RawRow> {
  const parser = textStream(path, gzip).pipe(
    parseCsv({
      columns: true,
      info: true,
      bom: true,
      skip_empty_lines: true,
      relax_column_count: false,
    }),
  );
  try {
    for await (const record of parser as AsyncIterable<{
      record: Record<string, string>;
      info: { lines: number };
    }>) {
      const values: Record<string, unknown> = {};
      // CSV cannot tell an empty string from a missing value: both are null.
      for (const [k, v] of Object.entries(record.record)) values[k] = v === "" ? null : v;
      yield { line: record.info.lines, values };
    }
  } catch (err) {
    const e = err as { lines?: number; message: string };
    // A CSV syntax error ends the stream: everything after it is unreadable.
    yield { line: e.lines ?? 0, error: `not valid CSV (${e.message})` };
  }
}

async function* readParquet(path: string): AsyncGenerator<RawRow> {
  const file = await asyncBufferFromFile(path);
  let meta: Awaited<ReturnType<typeof parquetMetadataAsync>>;
  try {
    meta = await parquetMetadataAsync(file);
  } catch (err) {
    throw new TrainGateError(
      "TG_E_BAD_INPUT",
      `${path}: not a Parquet file (${(err as Error).message})`,
      {
        file: path,
      },
    );
  }
  let start = 0;
  for (const group of meta.row_groups) {
    const end = start + Number(group.num_rows);
    const rows = await parquetReadObjects({
      file,
      metadata: meta,
      rowStart: start,
      rowEnd: end,
      compressors,
    });
    for (let i = 0; i < rows.length; i++)
      yield { line: start + i + 1, values: rows[i] as Record<string, unknown> };
    start = end;
  }
}

/**
 * Reads a table file row by row. JSONL and CSV positions are 1-based physical line numbers;
 * Parquet positions are 1-based row numbers. Throws `TG_E_NOT_FOUND` for a missing file.
 */
export async function* readRows(path: string): AsyncGenerator<RawRow> {
  const { format, gzip } = formatOf(path);
  await ensureFile(path);
  if (format === "jsonl") yield* readJsonl(path, gzip);
  else if (format === "csv") yield* readCsv(path, gzip);
  else yield* readParquet(path);
}
