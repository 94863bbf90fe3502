/**
 * Loads a whole export into memory as domain records: for `explain`, `policy diff`, tests and
 * the naive benchmark peer. Builds at scale do not use this; they scan inside DuckDB.
 */
import { badInput, TrainGateError } from "../errors.js";
import type { ConsentEvent, Item, Member } from "../policy/domain.js";
import { sha256File } from "./file-hash.js";
import { parseConsentRow, parseItemRow, parseMemberRow, unreadableItem } from "./parse-rows.js";
import { readRows } from "./read-rows.js";

/** One input file as a manifest names it. */
export interface InputFile {
  readonly table: "members" | "items" | "consent_events";
  readonly path: string;
  readonly sha256: string;
  readonly rows: number;
}

/** A loaded export. */
export interface LoadedExport {
  readonly members: readonly Member[];
  readonly items: readonly Item[];
  readonly events: readonly ConsentEvent[];
  readonly inputs: readonly InputFile[];
}

/** Paths of the export's files; `consent` may be absent when the ledger supplies consent. */
export interface ExportPaths {
  readonly members: string;
  readonly items: string;
  readonly consent?: string | undefined;
}

/** Reads and validates the members file; fails on the first bad row or duplicate id. */
export async function loadMembers(path: string): Promise<Member[]> {
  const out: Member[] = [];
  const seen = new Map<string, number>();
  for await (const row of readRows(path)) {
    if (row.error !== undefined) throw badInput(path, row.line, `bad member row: ${row.error}`);
    const m = parseMemberRow(row.values, path, row.line);
    const first = seen.get(m.id);
    if (first !== undefined) {
      throw new TrainGateError(
        "TG_E_DUPLICATE_ID",
        `${path}:${row.line}: duplicate member id ${JSON.stringify(m.id)} (first at line ${first})`,
        { file: path, line: row.line, id: m.id },
      );
    }
    seen.set(m.id, row.line);
    out.push(m);
  }
  return out;
}

/** Reads and validates the consent events file; fails on the first bad row. */
export async function loadConsent(path: string): Promise<ConsentEvent[]> {
  const out: ConsentEvent[] = [];
  for await (const row of readRows(path)) {
    if (row.error !== undefined) throw badInput(path, row.line, `bad consent event: ${row.error}`);
    out.push(parseConsentRow(row.values, path, row.line));
  }
  return out;
}

/**
 * Reads the items file. A bad row becomes a malformed item (or fails with `strict`);
 * a duplicate id always fails.
 */
export async function loadItems(path: string, strict = false): Promise<Item[]> {
  const out: Item[] = [];
  const seen = new Map<string, number>();
  for await (const row of readRows(path)) {
    let item: Item;
    if (row.error !== undefined) {
      if (strict) throw badInput(path, row.line, `bad item row: ${row.error}`);
      item = unreadableItem(row.error);
    } else {
      item = parseItemRow(row.values);
      if (strict && item.parseError !== undefined)
        throw badInput(path, row.line, `bad item row: ${item.parseError}`);
      if (
        strict &&
        (item.id === null ||
          item.authorId === null ||
          item.kind === null ||
          item.createdAt === null)
      ) {
        throw badInput(
          path,
          row.line,
          "bad item row: id, author_id, kind and created_at are required",
        );
      }
    }
    if (item.id !== null) {
      const first = seen.get(item.id);
      if (first !== undefined) {
        throw new TrainGateError(
          "TG_E_DUPLICATE_ID",
          `${path}:${row.line}: duplicate item id ${JSON.stringify(item.id)} (first at line ${first})`,
          { file: path, line: row.line, id: item.id },
        );
      }
      seen.set(item.id, row.line);
    }
    out.push(item);
  }
  return out;
}

/** Loads all three tables and hashes their files. */
export async function loadExport(
  paths: ExportPaths,
  opts: { strict?: boolean } = {},
): Promise<LoadedExport> {
  const members = await loadMembers(paths.members);
  const events = paths.consent === undefined ? [] : await loadConsent(paths.consent);
  const items = await loadItems(paths.items, opts.strict ?? false);
  const inputs: InputFile[] = [
    {
      table: "members",
      path: paths.members,
      sha256: await sha256File(paths.members),
      rows: members.length,
    },
    {
      table: "items",
      path: paths.items,
      sha256: await sha256File(paths.items),
      rows: items.length,
    },
  ];
  if (paths.consent !== undefined) {
    inputs.push({
      table: "consent_events",
      path: paths.consent,
      sha256: await sha256File(paths.consent),
      rows: events.length,
    });
  }
  return { members, items, events, inputs };
}
