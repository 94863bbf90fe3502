/** The shared ledger suite on PostgreSQL, in a private schema (skipped locally without it). */
import pg from "pg";
import { describe } from "vitest";
import { freshSchema, hasPostgres } from "../support/services.js";
import { ledgerSuite } from "./ledger-store.case.js";

const pgOk = await hasPostgres();

describe.skipIf(!pgOk)("postgres", () => {
  ledgerSuite("postgres", async () => {
    const { url, drop } = await freshSchema("ledger");
    return {
      url,
      separateWriters: true,
      dropAuditGuard: "alter table ledger_audit disable trigger ledger_audit_append_only",
      async exec(statement: string): Promise<void> {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          await client.query(statement);
        } finally {
          await client.end();
        }
      },
      cleanup: drop,
    };
  });
});
