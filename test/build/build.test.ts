/**
 * `traingate build` end to end, in process: the DuckDB build against the reference
 * evaluator on random populations in every input format, determinism, pseudonyms, the Merkle
 * root, PII, and every fail-closed rule of contract §3 and §5.
 */
import { createHmac } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { readKeyFile } from "../../src/build/pseudonym-key.js";
import { runBuild } from "../../src/build/run-build.js";
import { main } from "../../src/cli/main.js";
import { loadPreset } from "../../src/config/load-policy.js";
import { sha256File } from "../../src/export/file-hash.js";
import { compareIds, merkleRoot } from "../../src/lineage/merkle.js";
import { REASONS } from "../../src/policy/domain.js";
import { decideItem } from "../../src/policy/evaluate/decide-item.js";
import { instantArb, populationArb } from "../fixtures/population.js";
import { csv, parquet, writeExport } from "./export-files.js";
import { roughen } from "./sql-population.js";

const root = mkdtempSync(join(tmpdir(), "tg-build-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
function fresh(): string {
  const d = join(root, `case-${n++}`);
  return mkdtempSync(`${d}-`);
}
const keyFile = join(root, "key.bin");
writeFileSync(keyFile, Buffer.alloc(32, 7));
const key = readKeyFile(keyFile);

/** Runs the CLI in process, capturing stdout/stderr. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const w1 = process.stdout.write.bind(process.stdout);
  const w2 = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string) => out.push(String(s)) > 0) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => err.push(String(s)) > 0) as typeof process.stderr.write;
  try {
    const code = await main(args);
    return { code, stdout: out.join(""), stderr: err.join("") };
  } finally {
    process.stdout.write = w1;
    process.stderr.write = w2;
  }
}

function leftovers(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.startsWith("."));
}

describe("build agrees with decideItem", () => {
  for (const format of ["jsonl", "csv", "parquet", "mix"] as const) {
    it(`on random populations (${format} inputs)`, async () => {
      await fc.assert(
        fc.asyncProperty(
          populationArb,
          fc.nat(),
          instantArb,
          fc.constantFrom("recommended", "linkedin-2024", "x-2024"),
          async (p, seed, asOf, preset) => {
            const pop = roughen(p, seed);
            const dir = fresh();
            const files = await writeExport(dir, pop, format);
            const policy = loadPreset(preset);
            const result = await runBuild({
              policy,
              purpose: "genai_training",
              asOf,
              ...files,
              out: join(dir, "out"),
              format: "jsonl",
              strict: false,
              force: false,
              key,
              redact: false,
              collectIds: true,
              threads: 1,
            });
            // The population itself is the reference: the files hold exactly its values (the
            // JS Parquet reader would round typed timestamps to milliseconds).
            const members = new Map(pop.members.map((m) => [m.id, m]));
            const counts = new Map<string, number>();
            const included: string[] = [];
            for (const item of pop.items) {
              const d = decideItem({
                item,
                member: item.authorId === null ? undefined : members.get(item.authorId),
                events: pop.events.filter((e) => e.memberId === item.authorId),
                policy,
                purpose: "genai_training",
                asOf,
              });
              if (d.reason === null) included.push(item.id!);
              else counts.set(d.reason, (counts.get(d.reason) ?? 0) + 1);
            }
            const m = result.manifest;
            expect(m.counts.input).toBe(pop.items.length);
            for (const r of REASONS)
              expect([r, m.counts.excluded[r]]).toEqual([r, counts.get(r) ?? 0]);
            expect([...(result.includedIds ?? [])].sort()).toEqual([...included].sort());
            expect(m.merkle_root).toBe(merkleRoot(included));
            const authors = new Set(
              pop.items.filter((i) => included.includes(i.id!)).map((i) => i.authorId!),
            );
            expect(result.authorIds).toEqual([...authors].sort(compareIds));
            const lines = readFileSync(join(dir, "out", "dataset.jsonl"), "utf8")
              .split("\n")
              .filter(Boolean);
            expect(lines.map((l) => (JSON.parse(l) as { id: string }).id)).toEqual(
              result.includedIds,
            );
          },
        ),
        { numRuns: format === "jsonl" ? 12 : 6 },
      );
    }, 120_000);
  }
});

const MEMBERS = [
  {
    id: "m-alice",
    country: "US",
    birth_date: "1990-02-28",
    display_name: "Alice Walker",
    created_at: "2020-01-01T00:00:00Z",
  },
  {
    id: "m-bernd",
    country: "DE",
    birth_date: "1985-07-01",
    display_name: "Bernd Schulz",
    created_at: "2020-01-01T00:00:00Z",
  },
  {
    id: "m-chen",
    country: "UK",
    birth_date: "1970-01-01",
    display_name: "Chen Wei",
    created_at: "2020-01-01T00:00:00Z",
  },
];
const ITEMS = [
  {
    id: "b-2",
    author_id: "m-alice",
    kind: "post",
    visibility: "public",
    created_at: "2024-10-01T12:00:00Z",
    text: "Mail me at alice.walker@example.com or call +1 415 555 0100. Alice Walker",
    lang: "en",
  },
  {
    id: "a-1",
    author_id: "m-bernd",
    kind: "post",
    visibility: "public",
    created_at: "2024-10-01T12:00:00.000001+02:00",
    text: "Grüße von Bernd Schulz, bernd@example.de, +49 30 1234567",
    lang: "de",
  },
  {
    id: "é-3",
    author_id: "m-chen",
    kind: "comment",
    visibility: "public",
    created_at: "2024-10-02T00:00:00Z",
    text: "Chen Wei here, my friend is Alice Walker",
    lang: null,
  },
  {
    id: "z-4",
    author_id: "m-chen",
    kind: "message",
    visibility: "public",
    created_at: "2024-10-02T00:00:00Z",
    text: "private",
    lang: null,
  },
];
const CONSENT = [
  {
    member_id: "m-bernd",
    purpose: "genai_training",
    choice: "allow",
    at: "2024-10-01T00:00:00Z",
    source: "settings",
  },
  {
    member_id: "m-chen",
    purpose: "genai_training",
    choice: "allow",
    at: "2024-10-01T00:00:00Z",
    source: "api",
  },
];

function writeSmall(
  dir: string,
  over: { members?: unknown[]; items?: unknown[]; consent?: unknown[] } = {},
): { members: string; items: string; consent: string } {
  const j = (rows: unknown[]): string => rows.map((r) => `${JSON.stringify(r)}\n`).join("");
  const files = {
    members: join(dir, "members.jsonl"),
    items: join(dir, "items.jsonl"),
    consent: join(dir, "consent.jsonl"),
  };
  writeFileSync(files.members, j(over.members ?? MEMBERS));
  writeFileSync(files.items, j(over.items ?? ITEMS));
  writeFileSync(files.consent, j(over.consent ?? CONSENT));
  return files;
}

function buildArgs(
  files: { members: string; items: string; consent: string },
  out: string,
  extra: string[] = [],
): string[] {
  return [
    "build",
    "--preset",
    "recommended",
    "--purpose",
    "genai_training",
    "--as-of",
    "2025-01-01T00:00:00Z",
    "--members",
    files.members,
    "--items",
    files.items,
    "--consent",
    files.consent,
    "--out",
    out,
    "--pseudonym-key-file",
    keyFile,
    "--quiet",
    // Lineage registration has its own tests; these builds stay out of any registry.
    "--no-lineage",
    ...extra,
  ];
}

/** A build refused as bad input (exit 2, `message` on stderr), leaving nothing behind. */
function expectRefused(dir: string, r: { code: number; stderr: string }, message: RegExp): void {
  expect([r.code, r.stderr]).toEqual([2, expect.stringMatching(message)]);
  expect(existsSync(join(dir, "out"))).toBe(false);
  expect(leftovers(dir)).toEqual([]);
}

type Files = { members: string; items: string; consent: string };

/** Builds `a` and `b` into `dir`; both succeed with the same dataset bytes and counts. */
async function buildsAlike(dir: string, a: Files, b: Files): Promise<{ included: number }> {
  for (const [files, out] of [
    [a, "a"],
    [b, "b"],
  ] as const) {
    const r = await cli(buildArgs(files, join(dir, out)));
    expect([r.code, r.stderr]).toEqual([0, ""]);
  }
  const read = (out: string, f: string): string => readFileSync(join(dir, out, f), "utf8");
  expect(read("b", "dataset.jsonl")).toBe(read("a", "dataset.jsonl"));
  const counts = (out: string): { included: number } =>
    JSON.parse(read(out, "manifest.json")).counts;
  expect(counts("b")).toEqual(counts("a"));
  return counts("b");
}

describe("build output", () => {
  it("commits to every included id across Merkle chunks (700 ids, chunks of 256)", async () => {
    const dir = fresh();
    const items = Array.from({ length: 700 }, (_, k) => ({
      ...ITEMS[1],
      id: `x${(k * 7919) % 700}`,
      author_id: "m-alice",
    }));
    const files = writeSmall(dir, { items });
    const r = await cli([...buildArgs(files, join(dir, "out")), "--no-redact"]);
    expect(r.code).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, "out", "manifest.json"), "utf8"));
    expect(m.counts.included).toBe(700);
    expect(m.merkle_root).toBe(merkleRoot(items.map((i) => i.id)));
  }, 60_000);

  it("is sorted by UTF-8 bytes, pseudonymised, redacted, and free of member ids, names, emails and phones", async () => {
    const dir = fresh();
    const files = writeSmall(dir);
    const r = await cli(buildArgs(files, join(dir, "out")));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const text = readFileSync(join(dir, "out", "dataset.jsonl"), "utf8");
    const rows = text
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, string | null>);
    expect(rows.map((x) => x["id"])).toEqual(["a-1", "b-2", "é-3"]);
    expect(Object.keys(rows[0]!)).toEqual(["id", "author", "kind", "created_at", "lang", "text"]);
    const hmac = (id: string): string =>
      createHmac("sha256", Buffer.alloc(32, 7)).update(id).digest("hex");
    expect(rows.map((x) => x["author"])).toEqual([
      hmac("m-bernd"),
      hmac("m-alice"),
      hmac("m-chen"),
    ]);
    expect(rows[0]!["created_at"]).toBe("2024-10-01T10:00:00.000001Z");
    expect(rows[1]!["created_at"]).toBe("2024-10-01T12:00:00.000Z");
    for (const secret of [
      "m-alice",
      "m-bernd",
      "m-chen",
      "Alice Walker",
      "Bernd Schulz",
      "Chen Wei",
      "@example",
      "555 0100",
      "1234567",
    ])
      expect(text).not.toContain(secret);
    const m = JSON.parse(readFileSync(join(dir, "out", "manifest.json"), "utf8"));
    expect(m.counts).toEqual({
      input: 4,
      included: 3,
      excluded: { ...Object.fromEntries(REASONS.map((x) => [x, 0])), content_class: 1 },
    });
    expect(m.redaction.enabled).toBe(true);
    expect(m.pseudonym_key.fingerprint).toBe(key.fingerprint);
    expect(JSON.stringify(m)).not.toContain(Buffer.alloc(32, 7).toString("hex"));
    expect(m.merkle_root).toBe(merkleRoot(["a-1", "b-2", "é-3"]));
    expect(leftovers(dir)).toEqual([]);
  }, 60_000);

  it("is byte-identical for the same inputs, policy, as_of and key, and hashed as written (jsonl and parquet)", async () => {
    const dir = fresh();
    const files = writeSmall(dir);
    for (const format of ["jsonl", "parquet"]) {
      const a = await cli(buildArgs(files, join(dir, `a-${format}`), ["--format", format]));
      const b = await cli(buildArgs(files, join(dir, `b-${format}`), ["--format", format]));
      expect([a.code, b.code]).toEqual([0, 0]);
      const f = `dataset.${format}`;
      expect(
        readFileSync(join(dir, `a-${format}`, f)).equals(readFileSync(join(dir, `b-${format}`, f))),
      ).toBe(true);
      const ma = JSON.parse(readFileSync(join(dir, `a-${format}`, "manifest.json"), "utf8"));
      const mb = JSON.parse(readFileSync(join(dir, `b-${format}`, "manifest.json"), "utf8"));
      expect([ma.counts, ma.merkle_root, ma.output.sha256]).toEqual([
        mb.counts,
        mb.merkle_root,
        mb.output.sha256,
      ]);
      // The hash is taken while DuckDB writes the file: it must be the finished file's.
      expect(ma.output.sha256).toBe(await sha256File(join(dir, `a-${format}`, f)));
      expect(ma.run_id).not.toBe(mb.run_id);
    }
  }, 60_000);

  it("records --no-redact and leaves text as written", async () => {
    const dir = fresh();
    const r = await cli(buildArgs(writeSmall(dir), join(dir, "out"), ["--no-redact"]));
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, "out", "dataset.jsonl"), "utf8")).toContain(
      "alice.walker@example.com",
    );
    const m = JSON.parse(readFileSync(join(dir, "out", "manifest.json"), "utf8"));
    expect(m.redaction).toEqual({ enabled: false, types: [] });
    expect(m.output.sha256).toBe(await sha256File(join(dir, "out", "dataset.jsonl")));
  }, 60_000);

  it("never overwrites --out without --force, and replaces it with --force", async () => {
    const dir = fresh();
    const files = writeSmall(dir);
    const out = join(dir, "out");
    expect((await cli(buildArgs(files, out))).code).toBe(0);
    writeFileSync(join(out, "marker"), "x");
    const again = await cli(buildArgs(files, out));
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("already exists");
    expect(existsSync(join(out, "marker"))).toBe(true);
    expect((await cli(buildArgs(files, out, ["--force"]))).code).toBe(0);
    expect(existsSync(join(out, "marker"))).toBe(false);
    expect(leftovers(dir)).toEqual([]);
  }, 60_000);

  it("treats a gpc event that says allow as a deny", async () => {
    const dir = fresh();
    const files = writeSmall(dir, {
      consent: [
        ...CONSENT,
        {
          member_id: "m-alice",
          purpose: "genai_training",
          choice: "allow",
          at: "2024-11-01T00:00:00Z",
          source: "gpc",
        },
      ],
    });
    expect((await cli(buildArgs(files, join(dir, "out")))).code).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, "out", "manifest.json"), "utf8"));
    expect(m.counts.excluded.opted_out).toBe(1);
  }, 60_000);
});

describe("build fails closed", () => {
  const cases: [string, Parameters<typeof writeSmall>[1], RegExp][] = [
    [
      "a consent line that is not JSON",
      { consent: [...CONSENT, "RAW:{broken"] },
      /consent\.jsonl:3: /,
    ],
    [
      "a consent choice that is neither allow nor deny",
      { consent: [CONSENT[0], { ...CONSENT[1], choice: "maybe" }] },
      /consent\.jsonl:2: .*choice/,
    ],
    [
      "an unknown consent source",
      { consent: [{ ...CONSENT[0], source: "web" }] },
      /consent\.jsonl:1: .*source/,
    ],
    [
      "a consent event without at",
      { consent: [CONSENT[0], { ...CONSENT[1], at: null }] },
      /consent\.jsonl:2: .*at/,
    ],
    [
      "a consent event with a timestamp DuckDB would accept but RFC 3339 does not",
      { consent: [{ ...CONSENT[0], at: "2024-10-01 12:00" }] },
      /consent\.jsonl:1: .*at/,
    ],
    [
      "a consent event without member_id",
      { consent: [{ ...CONSENT[0], member_id: "" }] },
      /consent\.jsonl:1: .*member_id/,
    ],
    [
      "a consent event with a bad purpose",
      { consent: [{ ...CONSENT[0], purpose: "GenAI" }] },
      /consent\.jsonl:1: .*purpose/,
    ],
    [
      "a member without id",
      { members: [MEMBERS[0], { ...MEMBERS[1], id: null }] },
      /members\.jsonl:2: .*id/,
    ],
    [
      "a member with an impossible birth date",
      { members: [{ ...MEMBERS[0], birth_date: "1990-02-30" }] },
      /members\.jsonl:1: .*birth_date/,
    ],
    [
      "a member with a bad deleted_at",
      { members: [{ ...MEMBERS[0], deleted_at: "2024-13-01T00:00:00Z" }] },
      /members\.jsonl:1: .*deleted_at/,
    ],
    [
      "a duplicate member id",
      { members: [...MEMBERS, MEMBERS[0]] },
      /members\.jsonl.*duplicate member id "m-alice"/,
    ],
    [
      "a duplicate item id",
      { items: [...ITEMS, ITEMS[1]] },
      /items\.jsonl.*duplicate item id "a-1"/,
    ],
  ];
  it.each(cases)(
    "exit 2 and nothing written: %s",
    async (_name, over, message) => {
      const dir = fresh();
      const files = writeSmall(dir, over);
      // Lines given as "RAW:..." are written verbatim (not JSON-encoded).
      for (const f of [files.consent, files.members, files.items]) {
        writeFileSync(
          f,
          readFileSync(f, "utf8").replace(/^"RAW:(.*)"$/gm, (_m, s: string) =>
            JSON.parse(`"${s}"`),
          ),
        );
      }
      const r = await cli(buildArgs(files, join(dir, "out")));
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(existsSync(join(dir, "out"))).toBe(false);
      expect(leftovers(dir)).toEqual([]);
    },
    60_000,
  );

  it("counts a bad item row as malformed, and fails on it with --strict", async () => {
    const dir = fresh();
    const files = writeSmall(dir, {
      items: [...ITEMS, { id: "q", author_id: "m-alice", kind: "post", created_at: "yesterday" }],
    });
    expect((await cli(buildArgs(files, join(dir, "a")))).code).toBe(0);
    expect(
      JSON.parse(readFileSync(join(dir, "a", "manifest.json"), "utf8")).counts.excluded.malformed,
    ).toBe(1);
    const strict = await cli(buildArgs(files, join(dir, "b"), ["--strict"]));
    expect(strict.code).toBe(2);
    expect(strict.stderr).toMatch(/items\.jsonl:5: /);
    expect(existsSync(join(dir, "b"))).toBe(false);
  }, 60_000);

  it("fails closed on bad Parquet member and consent rows, which are read as views", async () => {
    const dir = fresh();
    const files = writeSmall(dir);
    const mCols = ["id", "country", "birth_date", "display_name", "created_at"];
    const cCols = ["member_id", "purpose", "choice", "at", "source"];
    const badConsent = [...CONSENT, { ...CONSENT[0], choice: "maybe" }];
    const c = { ...files, consent: join(dir, "consent.parquet") };
    await parquet(c.consent, cCols, badConsent as Record<string, string>[], false);
    const r1 = await cli(buildArgs(c, join(dir, "out")));
    expect([r1.code, r1.stderr]).toEqual([
      2,
      expect.stringMatching(/consent\.parquet:3: .*choice/),
    ]);
    const m = { ...files, members: join(dir, "members.parquet") };
    await parquet(m.members, mCols, [...MEMBERS, MEMBERS[2]] as Record<string, string>[], true);
    expectRefused(dir, await cli(buildArgs(m, join(dir, "out"))), /duplicate member id "m-chen"/);
  }, 60_000);

  it("fails on a repeated excluded item id in a Parquet file, with and without redaction", async () => {
    // The id check runs beside the redaction or the write, from the decision's id hashes;
    // `z-4` is a message, excluded, so only that check can see the repeat.
    const dir = fresh();
    const cols = ["id", "author_id", "kind", "visibility", "created_at", "text", "lang"];
    const files = { ...writeSmall(dir), items: join(dir, "items.parquet") };
    await parquet(files.items, cols, [...ITEMS, ITEMS[3]] as Record<string, string>[], true);
    for (const extra of [["--no-redact"], []]) {
      const r = await cli([...buildArgs(files, join(dir, "out")), ...extra]);
      expectRefused(dir, r, /items\.parquet: duplicate item id "z-4"/);
    }
  }, 60_000);

  it("reads a Parquet items file with its own file_row_number column as it reads the rest", async () => {
    // The included rows are picked by position; DuckDB's position column, file_row_number,
    // is shadowed by a column of that name, so such a file is loaded into a table instead.
    const dir = fresh();
    const cols = ["id", "author_id", "kind", "visibility", "created_at", "text", "lang"];
    const plain = writeSmall(dir);
    const shadowed = { ...plain, items: join(dir, "items.parquet") };
    const rows = ITEMS.map((i) => ({ ...i, file_row_number: "0" }));
    await parquet(shadowed.items, [...cols, "file_row_number"], rows, true);
    expect((await buildsAlike(dir, plain, shadowed)).included).toBe(3);
  }, 60_000);

  it("reads CSV members and items without the optional deleted_at column", async () => {
    // A missing column is a typed NULL: a CSV file is loaded into a table, where an untyped
    // NULL became an INTEGER column that the decision could not compare with an instant.
    const dir = fresh();
    const plain = writeSmall(dir);
    const noDeleted = {
      ...plain,
      members: join(dir, "members.csv"),
      items: join(dir, "items.csv"),
    };
    writeFileSync(
      noDeleted.members,
      csv(["id", "country", "birth_date", "display_name", "created_at"], MEMBERS),
    );
    writeFileSync(
      noDeleted.items,
      csv(["id", "author_id", "kind", "visibility", "created_at", "text", "lang"], ITEMS),
    );
    await buildsAlike(dir, plain, noDeleted);
  }, 60_000);

  it("rejects a pseudonym key shorter than 32 bytes", async () => {
    const dir = fresh();
    const short = join(dir, "short.key");
    writeFileSync(short, Buffer.alloc(31, 1));
    const args = buildArgs(writeSmall(dir), join(dir, "out"));
    args[args.indexOf("--pseudonym-key-file") + 1] = short;
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("at least 32 bytes");
    expect(existsSync(join(dir, "out"))).toBe(false);
  });
});

describe("build without --consent reads the ledger", () => {
  function withoutConsent(args: string[], dataDir: string): string[] {
    const i = args.indexOf("--consent");
    const rest = [...args.slice(0, i), ...args.slice(i + 2)];
    return [...rest, "--data-dir", dataDir];
  }

  it("fails with exit 2 and writes nothing when no ledger exists", async () => {
    const dir = fresh();
    const r = await cli(
      withoutConsent(buildArgs(writeSmall(dir), join(dir, "out")), join(dir, "data")),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ledger/i);
    expect(existsSync(join(dir, "out"))).toBe(false);
    expect(leftovers(dir)).toEqual([]);
  }, 60_000);

  it("decides as the consent file does once the events are in the ledger", async () => {
    const dir = fresh();
    const files = writeSmall(dir);
    const data = join(dir, "data");
    expect((await cli(["ledger", "import", files.consent, "--data-dir", data])).code).toBe(0);
    expect((await cli(buildArgs(files, join(dir, "file")))).code).toBe(0);
    const r = await cli(withoutConsent(buildArgs(files, join(dir, "ledger")), data));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const a = JSON.parse(readFileSync(join(dir, "file", "manifest.json"), "utf8"));
    const b = JSON.parse(readFileSync(join(dir, "ledger", "manifest.json"), "utf8"));
    expect(b.counts).toEqual(a.counts);
    expect(b.merkle_root).toBe(a.merkle_root);
    expect(b.inputs[2]).toEqual({ table: "consent_events", source: "ledger", rows: 2 });
  }, 60_000);
});

describe("traingate keys", () => {
  it("shows and rotates the data directory's key, which builds then use", async () => {
    const dir = fresh();
    const data = join(dir, "data");
    expect((await cli(["keys", "show", "--data-dir", data])).code).toBe(2);
    const rotated = await cli(["keys", "rotate", "--data-dir", data]);
    expect(rotated.code).toBe(0);
    const fp = rotated.stdout.trim();
    expect(fp).toMatch(/^[0-9a-f]{32}$/);
    expect((await cli(["keys", "show", "--data-dir", data])).stdout.trim()).toBe(fp);
    const files = writeSmall(dir);
    const args = buildArgs(files, join(dir, "out")).filter(
      (a, i, all) => a !== "--pseudonym-key-file" && all[i - 1] !== "--pseudonym-key-file",
    );
    const built = await cli([...args, "--data-dir", data]);
    expect(built.stderr).toBe("");
    expect(built.code).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, "out", "manifest.json"), "utf8"));
    expect(m.pseudonym_key).toEqual({
      algorithm: "HMAC-SHA-256",
      fingerprint: fp,
      source: "data_dir",
    });
    expect(readFileSync(join(dir, "out", "dataset.jsonl"), "utf8")).not.toContain(fp);
  }, 60_000);
});
