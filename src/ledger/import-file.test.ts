import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { TrainGateError } from "../errors.js";
import { consentFileEvents } from "./import-file.js";

const dir = mkdtempSync(join(tmpdir(), "tg-import-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const good =
  '{"member_id":"m1","purpose":"genai_training","choice":"allow","at":"2025-01-01T00:00:00Z","source":"gpc"}';

async function read(name: string, lines: string[]): Promise<unknown[] | TrainGateError> {
  const file = join(dir, name);
  writeFileSync(file, `${lines.join("\n")}\n`);
  const out: unknown[] = [];
  try {
    for await (const e of consentFileEvents(file)) out.push(e);
    return out;
  } catch (e) {
    if (e instanceof TrainGateError) return e;
    throw e;
  }
}

describe("consentFileEvents", () => {
  it("reads plain rows, a gpc row always as a deny", async () => {
    expect(await read("ok.jsonl", [good])).toEqual([
      {
        memberId: "m1",
        purpose: "genai_training",
        choice: "deny",
        at: 1735689600000000,
        source: "gpc",
      },
    ]);
  });

  it.each([
    [
      "a member id over 256 characters",
      good.replace('"m1"', `"${"m".repeat(257)}"`),
      "longer than 256",
    ],
    ["an instant before 1970", good.replace("2025-01-01", "1969-12-31"), "before 1970"],
    ["an unknown choice", good.replace('"allow"', '"maybe"'), "choice must be allow or deny"],
    ["a numeric timestamp", good.replace('"2025-01-01T00:00:00Z"', "1735689600"), "RFC 3339"],
  ])(
    "names file and line for %s, a row the ledger could not store",
    async (_what, bad, message) => {
      const r = await read("bad.jsonl", [good, good, bad, good]);
      expect(r).toBeInstanceOf(TrainGateError);
      expect((r as TrainGateError).code).toBe("TG_E_BAD_INPUT");
      expect((r as TrainGateError).message).toContain(`${join(dir, "bad.jsonl")}:3`);
      expect((r as TrainGateError).message).toContain(message);
    },
  );
});
