/**
 * Real services for tests: PostgreSQL on 127.0.0.1:5432 and Debian's Chromium. On a
 * developer's machine without them, the tests that need them skip with a one-line notice;
 * with CI=true, a missing service fails the test file instead (CI must never go green by
 * skipping).
 */
import { existsSync } from "node:fs";
import pg from "pg";

/** The PostgreSQL URL tests use (override with TRAINGATE_TEST_PG_URL). */
export const PG_URL =
  process.env["TRAINGATE_TEST_PG_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";

/** Path of Debian's Chromium. */
export const CHROMIUM = process.env["TRAINGATE_TEST_CHROMIUM"] ?? "/usr/bin/chromium";

/** Chromium flags that work as root in a closed network. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const notices = new Set<string>();

function missing(service: string, why: string): false {
  if (process.env["CI"] === "true") {
    throw new Error(`${service} is required when CI=true but is not available: ${why}`);
  }
  if (!notices.has(service)) {
    notices.add(service);
    process.stderr.write(
      `notice: ${service} not available (${why}); skipping the tests that need it\n`,
    );
  }
  return false;
}

/** True when PostgreSQL answers at PG_URL; see the module comment for CI. */
export async function hasPostgres(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } catch (e) {
    return missing("PostgreSQL", `${PG_URL}: ${(e as Error).message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** True when Chromium is installed; see the module comment for CI. */
export function hasChromium(): boolean {
  return existsSync(CHROMIUM) || missing("Chromium", `${CHROMIUM} not found`);
}

/**
 * A fresh PostgreSQL schema for one test file, so concurrent test files never collide.
 * Returns its name and a URL whose connections use it by default.
 */
export async function freshSchema(
  prefix: string,
): Promise<{ schema: string; url: string; drop: () => Promise<void> }> {
  const schema = `${prefix}_${process.pid}_${Math.floor(Math.random() * 1e9)}`.toLowerCase();
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  await client.query(`create schema "${schema}"`);
  await client.end();
  const url = `${PG_URL}${PG_URL.includes("?") ? "&" : "?"}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  return {
    schema,
    url,
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop schema if exists "${schema}" cascade`);
      await c.end();
    },
  };
}
