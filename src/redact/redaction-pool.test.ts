import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedactionPool } from "./redaction-pool.js";
import { createRedactor } from "./redactor.js";

const options = {
  memberNames: ["Maria Garcia", "Yuki"],
  enabled: { email: true, phone: true, member_name: true },
};

describe("RedactionPool (workers started from the TypeScript source)", () => {
  let pool: RedactionPool;
  beforeAll(async () => {
    pool = await RedactionPool.create({ ...options, threads: 2 });
  });
  afterAll(async () => {
    await pool.close();
  });

  it("returns what the single-threaded redactor returns, in input order, nulls passed through", async () => {
    const texts: (string | null)[] = [];
    for (let i = 0; i < 5000; i++) {
      texts.push(i % 7 === 0 ? null : `post ${i}: ask Maria Garcia at m${i}@example.org or Yuki`);
    }
    const got = await pool.redactMany(texts);
    const single = createRedactor(options);
    expect(got).toEqual(texts.map((t) => (t === null ? null : single.redact(t))));
    expect(got[1]).toBe("post 1: ask [PERSON] at [EMAIL] or [PERSON]");
    expect(got[0]).toBeNull();
  });

  it("handles an empty batch", async () => {
    expect(await pool.redactMany([])).toEqual([]);
  });

  it("refuses work after close", async () => {
    const p = await RedactionPool.create({ ...options, threads: 1 });
    await p.close();
    await expect(p.redactMany(["x"])).rejects.toThrow(/closed/);
  });
});
