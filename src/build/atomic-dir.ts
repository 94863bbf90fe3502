/**
 * All-or-nothing output (contract §5): a build writes into a staging folder beside `--out`,
 * fsyncs it, and renames it into place. A crash or SIGKILL leaves at most a staging folder
 * (named `.NAME.tmp-*`), never a partial `--out`; an existing `--out` is replaced only with
 * `--force`, and then by rename as well.
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, open, readdir, rename, rm } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { TrainGateError } from "../errors.js";

/** A staging folder for one output folder. */
export interface Staging {
  readonly out: string;
  readonly dir: string;
}

function outExists(out: string): TrainGateError {
  return new TrainGateError(
    "TG_E_OUT_EXISTS",
    `${out} already exists; choose another --out or pass --force to replace it`,
    { out },
  );
}

/** Checks `out` and makes the staging folder beside it. */
export async function openStaging(outPath: string, force: boolean): Promise<Staging> {
  const out = resolve(outPath);
  if (existsSync(out) && !force) throw outExists(out);
  await mkdir(dirname(out), { recursive: true });
  const dir = await mkdtemp(join(dirname(out), `.${basename(out)}.tmp-`));
  return { out, dir };
}

/** Flushes a file (or folder) to disk. */
async function syncFile(path: string): Promise<void> {
  const h = await open(path, "r");
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

/** Flushes every file of the staging folder and moves it to `out`. */
export async function commitStaging(staging: Staging, force: boolean): Promise<void> {
  for (const name of await readdir(staging.dir)) await syncFile(join(staging.dir, name));
  await syncFile(staging.dir);
  let old: string | null = null;
  if (existsSync(staging.out)) {
    if (!force) throw outExists(staging.out);
    old = `${staging.dir}-replaced`;
    await rename(staging.out, old);
  }
  await rename(staging.dir, staging.out);
  await syncFile(dirname(staging.out));
  if (old !== null) await rm(old, { recursive: true, force: true });
}

/** Removes the staging folder after a failure. */
export async function abandonStaging(staging: Staging): Promise<void> {
  await rm(staging.dir, { recursive: true, force: true });
}
