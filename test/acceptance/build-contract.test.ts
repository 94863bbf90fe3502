/**
 * Black-box checks of `traingate build` against the contract (§3, §5), run through the built
 * CLI as other people's pipelines run it: random populations written as JSONL, CSV and
 * Parquet, decided independently by `decideItem`, compared with the manifest and dataset.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash, createHmac } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { loadPreset } from "../../src/config/load-policy.js";
import { REASONS } from "../../src/policy/domain.js";
import { decideItem } from "../../src/policy/evaluate/decide-item.js";
import { formatDate, formatInstant } from "../../src/policy/time.js";
import { populationArb, type TestPopulation } from "../fixtures/population.js";

const ROOT = new URL("../..", import.meta.url).pathname;
const BIN = join(ROOT, "bin/traingate.js");
const dir = mkdtempSync(join(tmpdir(), "tg-accept-"));
const keyFile = join(dir, "key.bin");
writeFileSync(keyFile, Buffer.alloc(32, 7));

beforeAll(() => {
  execFileSync("npm", ["run", "build", "--silent"], { cwd: ROOT, stdio: "ignore" });
}, 180_000);

function run(args: string[]) {
  const r = spawnSync("node", [BIN, ...args], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, TRAINGATE_DATA_DIR: join(dir, "data") },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function rows(pop: TestPopulation) {
  return {
    members: pop.members.map((m) => ({
      id: m.id,
      country: m.country,
      birth_date: m.birthDay === null ? null : formatDate(m.birthDay),
      display_name: m.displayName,
      created_at: "2020-01-01T00:00:00Z",
      deleted_at: m.deletedAt === null ? null : formatInstant(m.deletedAt),
    })),
    items: pop.items.map((i) => ({
      id: i.id,
      author_id: i.authorId,
      kind: i.kind,
      visibility: i.visibility,
      created_at: i.createdAt === null ? null : formatInstant(i.createdAt),
      deleted_at: i.deletedAt === null ? null : formatInstant(i.deletedAt),
      text: i.text,
      lang: i.lang,
    })),
    consent: pop.events.map((e) => ({
      member_id: e.memberId,
      purpose: e.purpose,
      choice: e.choice,
      at: formatInstant(e.at),
      source: e.source,
    })),
  };
}

const jsonl = (xs: unknown[]) =>
  xs.map((x) => JSON.stringify(x)).join("\n") + (xs.length ? "\n" : "");

function writeJsonl(name: string, pop: TestPopulation) {
  const r = rows(pop);
  const paths = {
    members: join(dir, `${name}-m.jsonl`),
    items: join(dir, `${name}-i.jsonl`),
    consent: join(dir, `${name}-c.jsonl`),
  };
  writeFileSync(paths.members, jsonl(r.members));
  writeFileSync(paths.items, jsonl(r.items));
  writeFileSync(paths.consent, jsonl(r.consent));
  return paths;
}

function expected(pop: TestPopulation, asOf: number, preset: string) {
  const policy = loadPreset(preset);
  const byId = new Map(pop.members.map((m) => [m.id, m]));
  const counts: Record<string, number> = Object.fromEntries(REASONS.map((r) => [r, 0]));
  const included: string[] = [];
  for (const item of pop.items) {
    const member = item.authorId === null ? undefined : byId.get(item.authorId);
    const d = decideItem({
      item,
      member,
      events: pop.events.filter((e) => e.memberId === item.authorId),
      policy,
      purpose: "genai_training",
      asOf,
    });
    if (d.included) included.push(item.id!);
    else counts[d.reason!]! += 1;
  }
  included.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return { counts, included };
}

const AS_OF = "2025-01-01T00:00:00Z";

/** `traingate build` arguments for an export, a preset and an output folder. */
function buildArgs(
  paths: { members: string; items: string; consent: string },
  out: string,
  extra: string[] = [],
  preset = "recommended",
): string[] {
  return [
    "build",
    "--preset",
    preset,
    "--purpose",
    "genai_training",
    "--as-of",
    AS_OF,
    "--members",
    paths.members,
    "--items",
    paths.items,
    "--consent",
    paths.consent,
    "--out",
    out,
    "--quiet",
    ...extra,
  ];
}

describe("traingate build: the contract, black-box", { timeout: 600_000 }, () => {
  it("decides every item as the contract does, on random populations", () => {
    const samples = fc.sample(populationArb, { numRuns: 3, seed: 7 });
    samples.forEach((pop, n) => {
      const paths = writeJsonl(`rand${n}`, pop);
      for (const preset of ["recommended", "linkedin-2024"]) {
        const out = join(dir, `out-rand${n}-${preset}`);
        const r = run(buildArgs(paths, out, ["--pseudonym-key-file", keyFile], preset));
        expect(r.stderr).toBe("");
        expect(r.code).toBe(0);
        const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
        const want = expected(pop, Date.parse(AS_OF) * 1000, preset);
        expect(manifest.counts.input).toBe(pop.items.length);
        expect(manifest.counts.included).toBe(want.included.length);
        expect(manifest.counts.excluded).toEqual(want.counts);
        const data = readFileSync(join(out, "dataset.jsonl"), "utf8")
          .split("\n")
          .filter(Boolean)
          .map((l) => JSON.parse(l));
        expect(data.map((d) => d.id)).toEqual(want.included);
        for (const d of data) {
          expect(Object.keys(d).sort()).toEqual([
            "author",
            "created_at",
            "id",
            "kind",
            "lang",
            "text",
          ]);
          const author = pop.items.find((i) => i.id === d.id)!.authorId!;
          expect(d.author).not.toContain(author);
        }
      }
    });
  });

  it("pseudonymises authors consistently under one key, and differently under another", () => {
    const pop: TestPopulation = {
      members: [
        {
          id: "alice",
          country: "US",
          birthDay: 5000,
          displayName: "Alice Example",
          createdAt: null,
          deletedAt: null,
        },
      ],
      items: ["x1", "x2"].map((id) => ({
        id,
        authorId: "alice",
        kind: "post",
        visibility: "public",
        createdAt: Date.parse("2024-10-01T00:00:00Z") * 1000,
        deletedAt: null,
        text: "hi",
        lang: "en",
      })),
      events: [],
    };
    const paths = writeJsonl("pseudo", pop);
    const key2 = join(dir, "key2.bin");
    writeFileSync(key2, Buffer.alloc(40, 9));
    const authors = [keyFile, key2].map((k, n) => {
      const out = join(dir, `out-pseudo-${n}`);
      expect(run(buildArgs(paths, out, ["--pseudonym-key-file", k])).code).toBe(0);
      const data = readFileSync(join(out, "dataset.jsonl"), "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l));
      expect(data[0].author).toBe(data[1].author);
      return data[0].author as string;
    });
    expect(authors[0]).not.toBe(authors[1]);
    expect(authors[0]).toBe(
      createHmac("sha256", Buffer.alloc(32, 7)).update("alice").digest("hex"),
    );
  });

  it("is deterministic: same inputs, policy, as-of and key give the same bytes, counts and root", () => {
    const pop = fc.sample(populationArb, { numRuns: 1, seed: 99 })[0]!;
    const paths = writeJsonl("det", pop);
    const outs = [1, 2].map((n) => {
      const out = join(dir, `out-det-${n}`);
      expect(run(buildArgs(paths, out, ["--pseudonym-key-file", keyFile])).code).toBe(0);
      return {
        data: readFileSync(join(out, "dataset.jsonl")),
        manifest: JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")),
      };
    });
    expect(outs[0]!.data.equals(outs[1]!.data)).toBe(true);
    expect(outs[0]!.manifest.merkle_root).toBe(outs[1]!.manifest.merkle_root);
    expect(outs[0]!.manifest.counts).toEqual(outs[1]!.manifest.counts);
    expect(outs[0]!.manifest.policy.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(outs[0]!.manifest.output.sha256).toBe(
      createHash("sha256").update(outs[0]!.data).digest("hex"),
    );
    expect(outs[0]!.manifest.inputs).toHaveLength(3);
  });

  it("reads CSV and Parquet inputs to the same decisions as JSONL", async () => {
    const pop = fc.sample(populationArb, { numRuns: 1, seed: 5 })[0]!;
    const paths = writeJsonl("fmt", pop);
    const db = await DuckDBInstance.create(":memory:");
    const con = await db.connect();
    const parquet = {
      members: join(dir, "fmt-m.parquet"),
      items: join(dir, "fmt-i.parquet"),
      consent: join(dir, "fmt-c.parquet"),
    };
    const csv = {
      members: join(dir, "fmt-m.csv"),
      items: join(dir, "fmt-i.csv"),
      consent: join(dir, "fmt-c.csv"),
    };
    const types = {
      members:
        "{'id':'VARCHAR','country':'VARCHAR','birth_date':'VARCHAR','display_name':'VARCHAR','created_at':'VARCHAR','deleted_at':'VARCHAR'}",
      items:
        "{'id':'VARCHAR','author_id':'VARCHAR','kind':'VARCHAR','visibility':'VARCHAR','created_at':'VARCHAR','deleted_at':'VARCHAR','text':'VARCHAR','lang':'VARCHAR'}",
      consent:
        "{'member_id':'VARCHAR','purpose':'VARCHAR','choice':'VARCHAR','at':'VARCHAR','source':'VARCHAR'}",
    };
    for (const t of ["members", "items", "consent"] as const) {
      const src = `read_json('${paths[t]}', format='newline_delimited', columns=${types[t]})`;
      await con.run(`COPY (SELECT * FROM ${src}) TO '${parquet[t]}' (FORMAT parquet)`);
      await con.run(`COPY (SELECT * FROM ${src}) TO '${csv[t]}' (FORMAT csv, HEADER)`);
    }
    con.closeSync();
    const results = [paths, parquet, csv].map((p, n) => {
      const out = join(dir, `out-fmt-${n}`);
      const r = run(buildArgs(p, out, ["--pseudonym-key-file", keyFile]));
      expect(r.stderr).toBe("");
      return JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
    });
    expect(results[1].counts).toEqual(results[0].counts);
    expect(results[2].counts).toEqual(results[0].counts);
    expect(results[1].merkle_root).toBe(results[0].merkle_root);
  });

  it("fails closed on a bad consent line: exit 2, names file and line, writes nothing", () => {
    const pop = fc.sample(populationArb, { numRuns: 1, seed: 3 })[0]!;
    const paths = writeJsonl("badc", pop);
    writeFileSync(
      paths.consent,
      jsonl([
        {
          member_id: "m0",
          purpose: "genai_training",
          choice: "deny",
          at: "2024-01-01T00:00:00Z",
          source: "api",
        },
      ]) + "{broken\n",
    );
    const out = join(dir, "out-badc");
    const r = run(buildArgs(paths, out, ["--pseudonym-key-file", keyFile]));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${paths.consent}:2`);
    expect(existsSync(out)).toBe(false);
  });

  it("fails on a bad member row and on duplicate ids; counts a bad item row as malformed unless --strict", () => {
    const pop = fc.sample(populationArb, { numRuns: 1, seed: 11 })[0]!;
    const paths = writeJsonl("bad", pop);
    const args = (out: string, extra: string[] = []) =>
      buildArgs(paths, join(dir, out), ["--pseudonym-key-file", keyFile, ...extra]);
    const good = readFileSync(paths.items, "utf8");
    writeFileSync(paths.items, `${good}not json at all\n`);
    const lenient = run(args("out-bad-1"));
    expect(lenient.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(dir, "out-bad-1", "manifest.json"), "utf8"));
    expect(manifest.counts.input).toBe(pop.items.length + 1);
    const strict = run(args("out-bad-2", ["--strict"]));
    expect(strict.code).toBe(2);
    expect(strict.stderr).toContain(`${paths.items}:${pop.items.length + 1}`);
    expect(existsSync(join(dir, "out-bad-2"))).toBe(false);

    writeFileSync(paths.items, good);
    const members = readFileSync(paths.members, "utf8");
    writeFileSync(paths.members, `${members}${members.split("\n")[0]}\n`);
    const dup = run(args("out-bad-3"));
    expect(dup.code).toBe(2);
    expect(dup.stderr).toContain("duplicate");
    expect(existsSync(join(dir, "out-bad-3"))).toBe(false);
  });

  it("never overwrites an existing --out, and rejects a short key file", () => {
    const pop = fc.sample(populationArb, { numRuns: 1, seed: 13 })[0]!;
    const paths = writeJsonl("exists", pop);
    const out = join(dir, "out-exists");
    expect(run(buildArgs(paths, out, ["--pseudonym-key-file", keyFile])).code).toBe(0);
    expect(run(buildArgs(paths, out, ["--pseudonym-key-file", keyFile])).code).toBe(2);
    const short = join(dir, "short.key");
    writeFileSync(short, Buffer.alloc(31, 1));
    const r = run(buildArgs(paths, join(dir, "out-short"), ["--pseudonym-key-file", short]));
    expect(r.code).toBe(2);
    expect(existsSync(join(dir, "out-short"))).toBe(false);
  });

  it("refuses a --memory-limit DuckDB cannot read as a usage error (exit 2), writing nothing", () => {
    const pop = fc.sample(populationArb, { numRuns: 1, seed: 17 })[0]!;
    const paths = writeJsonl("memory", pop);
    for (const limit of ["80%", "1G"]) {
      const out = join(dir, "out-memory");
      const r = run(
        buildArgs(paths, out, ["--pseudonym-key-file", keyFile, "--memory-limit", limit]),
      );
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`--memory-limit ${JSON.stringify(limit)} is not a size`);
      expect(r.stderr).not.toContain("unexpected failure");
      expect(existsSync(out)).toBe(false);
    }
    const ok = run(
      buildArgs(paths, join(dir, "out-memory-ok"), [
        "--pseudonym-key-file",
        keyFile,
        "--memory-limit",
        "256MiB",
      ]),
    );
    expect(ok.code).toBe(0);
  });
});
