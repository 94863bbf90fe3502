import { describe, expect, it } from "vitest";
import { cursorOf, positionOf } from "./kysely-ledger-store.js";
import { parseLedgerUrl } from "./open-ledger.js";

describe("parseLedgerUrl", () => {
  it("knows sqlite: and postgres:// URLs and refuses anything else", () => {
    expect(parseLedgerUrl("sqlite:/tmp/x.sqlite")).toEqual({
      backend: "sqlite",
      path: "/tmp/x.sqlite",
    });
    expect(parseLedgerUrl("sqlite::memory:")).toEqual({ backend: "sqlite", path: ":memory:" });
    expect(parseLedgerUrl("postgresql://u@h/db")).toMatchObject({ backend: "postgres" });
    expect(() => parseLedgerUrl("mysql://h/db")).toThrow(/unknown database URL/);
    expect(() => parseLedgerUrl("sqlite:")).toThrow(/file path/);
  });
});

describe("feed cursors", () => {
  it("round-trip positions and refuse anything else with a usage error", () => {
    expect(positionOf(cursorOf(42))).toBe(42);
    expect(positionOf(null)).toBe(0);
    for (const bad of ["42", "p-1", "p1.5", "p12345678901234567", "x"]) {
      expect(() => positionOf(bad), bad).toThrow(expect.objectContaining({ code: "TG_E_USAGE" }));
    }
  });
});
