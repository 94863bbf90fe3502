import { describe, expect, it } from "vitest";
import { TrainGateError } from "../errors.js";
import { memorySizeBytes } from "./memory-size.js";

describe("memorySizeBytes", () => {
  it("reads a number and a unit as DuckDB does (KB… powers of 1000, KiB… of 1024)", () => {
    expect(memorySizeBytes("1GB")).toBe(1e9);
    expect(memorySizeBytes("400MB")).toBe(400e6);
    expect(memorySizeBytes("1.5 GiB")).toBe(1.5 * 2 ** 30);
    expect(memorySizeBytes(" 2gib ")).toBe(2 * 2 ** 30);
    expect(memorySizeBytes("20000000 bytes")).toBe(20_000_000);
    expect(memorySizeBytes("1TB")).toBe(1e12);
  });

  it.each(["80%", "1G", "banana", "", "GB", "-1GB", "1e9B", "1,5GB", "1 GB extra"])(
    "refuses %j as a usage error naming the option and the value",
    (value) => {
      let error: unknown;
      try {
        memorySizeBytes(value);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(TrainGateError);
      expect((error as TrainGateError).code).toBe("TG_E_USAGE");
      expect((error as TrainGateError).message).toContain(
        `--memory-limit ${JSON.stringify(value)}`,
      );
    },
  );

  it("refuses a limit below 16 MiB", () => {
    expect(() => memorySizeBytes("1MB")).toThrow(/below the 16 MiB/);
    expect(memorySizeBytes("16MiB")).toBe(16 * 2 ** 20);
  });
});
