/** The shared ledger suite on SQLite, in a file in a temporary folder. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { ledgerSuite } from "./ledger-store.case.js";

ledgerSuite("sqlite", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tg-ledger-"));
  const file = join(dir, "ledger.sqlite");
  return {
    url: `sqlite:${file}`,
    separateWriters: false,
    dropAuditGuard: "drop trigger ledger_audit_no_update; drop trigger ledger_audit_no_delete",
    async exec(statement: string): Promise<void> {
      const db = new Database(file);
      db.pragma("busy_timeout = 5000");
      try {
        db.exec(statement);
      } finally {
        db.close();
      }
    },
    async cleanup(): Promise<void> {
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
