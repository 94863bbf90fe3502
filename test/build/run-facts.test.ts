/**
 * The run facts a build computes inside DuckDB for lineage (src/build/run-facts.ts) against
 * their JavaScript definition (test/lineage/run-members-reference.ts) on random populations:
 * odd, lower-case, padded and missing countries, `UK`, gpc events (honoured or not, some
 * saying allow), ties at the same instant, events after as-of and of another purpose,
 * deleted members; consent from a file in every format or from the ledger. First on any set
 * of included authors (the decision would never include one whose state is deny, so a whole
 * build alone could not tell a wrong tie rule apart), then through `runBuild` end to end.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { sqlString } from "../../src/build/input-scan.js";
import {
  appendConsentEvents,
  installScanMacros,
  loadConsentTable,
  loadMembersTable,
} from "../../src/build/load-inputs.js";
import { readKeyFile } from "../../src/build/pseudonym-key.js";
import { runBuild } from "../../src/build/run-build.js";
import { runFacts } from "../../src/build/run-facts.js";
import { loadPreset } from "../../src/config/load-policy.js";
import { compilerFor } from "../../src/policy/compile/compile-sql.js";
import { planDecision } from "../../src/policy/compile/decision-plan.js";
import type { Policy } from "../../src/policy/model.js";
import { instantArb, populationArb } from "../fixtures/population.js";
import { memberConsentCounts, regionMembers } from "../lineage/run-members-reference.js";
import { writeExport } from "./export-files.js";
import { roughen } from "./sql-population.js";

const root = mkdtempSync(join(tmpdir(), "tg-run-facts-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const keyFile = join(root, "key.bin");
writeFileSync(keyFile, Buffer.alloc(32, 7));
const key = readKeyFile(keyFile);

/** A preset whose two purposes (genai_training, ads_targeting) honour GPC as asked. */
function policyWith(preset: string, gpc: readonly [boolean, boolean]): Policy {
  const base = loadPreset(preset);
  const rule = base.purposes["genai_training"]!;
  return {
    ...base,
    purposes: {
      genai_training: { ...rule, gpc: gpc[0] },
      ads_targeting: { ...rule, gpc: gpc[1] },
    },
  };
}

/** A build that collects what lineage needs, without redaction, on one thread. */
const PLAIN_BUILD = { format: "jsonl", strict: false, force: false, redact: false } as const;

const casesArb = fc.record({
  p: populationArb,
  seed: fc.nat(),
  asOf: instantArb,
  preset: fc.constantFrom("recommended", "linkedin-2024", "x-2024"),
  gpc: fc.tuple(fc.boolean(), fc.boolean()),
  purpose: fc.constantFrom("genai_training", "ads_targeting"),
});

describe("run facts computed in DuckDB", () => {
  for (const format of ["jsonl", "parquet", "ledger"] as const) {
    it(`equal the JS reference for any included authors (${format} consent)`, async () => {
      await fc.assert(
        fc.asyncProperty(
          casesArb,
          fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
          async ({ p, seed, asOf, preset, gpc, purpose }, pick) => {
            const pop = roughen(p, seed);
            const dir = mkdtempSync(join(root, `facts-${n++}-`));
            const files = await writeExport(dir, pop, format === "ledger" ? "jsonl" : format);
            const policy = policyWith(preset, gpc);
            const authors = pop.members.filter((_, i) => pick[i]).map((m) => m.id);
            const db = await DuckDBInstance.create(":memory:", { threads: "1" });
            const conn = await db.connect();
            try {
              await conn.run("SET TimeZone = 'UTC'");
              await installScanMacros(conn);
              await loadMembersTable(conn, files.members);
              if (format === "ledger") await appendConsentEvents(conn, pop.events);
              else await loadConsentTable(conn, files.consent);
              // Two items per included author: DISTINCT.
              const rows = authors.flatMap((a) => [`(${sqlString(a)})`, `(${sqlString(a)})`]);
              await conn.run(
                `CREATE TABLE included_rows (author_id VARCHAR)${rows.length === 0 ? "" : `; INSERT INTO included_rows VALUES ${rows.join(", ")}`}`,
              );
              // As the build stores it before the decision (run-build.ts).
              const plan = planDecision(policy, purpose, asOf);
              await conn.run(
                `CREATE TABLE decision_authors AS ${compilerFor("duckdb").packedAuthorsQuery(plan, { membersUnique: true })}`,
              );
              const honourGpc = policy.purposes[purpose]?.gpc ?? true;
              expect(await runFacts(conn)).toEqual({
                memberConsent: memberConsentCounts(authors, pop.events, purpose, asOf, honourGpc),
                regions: regionMembers(pop.members, authors),
              });
            } finally {
              conn.closeSync();
              db.closeSync();
            }
          },
        ),
        { numRuns: 40 },
      );
    }, 240_000);
  }

  for (const format of ["jsonl", "csv", "parquet", "mix", "ledger"] as const) {
    it(`come out of runBuild equal to the JS reference (${format} consent)`, async () => {
      await fc.assert(
        fc.asyncProperty(casesArb, async ({ p, seed, asOf, preset, gpc, purpose }) => {
          const pop = roughen(p, seed);
          const dir = mkdtempSync(join(root, `case-${n++}-`));
          const files = await writeExport(dir, pop, format === "ledger" ? "jsonl" : format);
          const policy = policyWith(preset, gpc);
          const result = await runBuild({
            policy,
            purpose,
            asOf,
            members: files.members,
            items: files.items,
            ...(format === "ledger"
              ? { ledgerConsent: async () => pop.events }
              : { consent: files.consent }),
            out: join(dir, "out"),
            key,
            ...PLAIN_BUILD,
            collectIds: true,
            threads: 1,
          });
          const authors = [...(result.authorIds ?? [])];
          const honourGpc = policy.purposes[purpose]?.gpc ?? true;
          expect(result.facts).toEqual({
            memberConsent: memberConsentCounts(authors, pop.events, purpose, asOf, honourGpc),
            regions: regionMembers(pop.members, authors),
          });
        }),
        { numRuns: format === "jsonl" ? 10 : 4 },
      );
    }, 240_000);
  }
});
