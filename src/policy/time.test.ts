import { describe, expect, it } from "vitest";
import { ageAt, anniversaryDay, formatInstant, parseDate, parseTimestamp } from "./time.js";

describe("parseTimestamp (strict RFC 3339)", () => {
  it.each([
    ["2024-09-18T00:00:00Z", 1726617600000000],
    ["2024-09-18t00:00:00z", 1726617600000000],
    ["2024-09-18 00:00:00Z", 1726617600000000],
    ["2024-09-18T02:00:00+02:00", 1726617600000000],
    ["2024-09-17T19:30:00-04:30", 1726617600000000],
    ["2024-09-18T00:00:00.123456789Z", 1726617600123456],
    ["2024-02-29T12:00:00Z", 1709208000000000],
    ["1969-12-31T23:59:59Z", -1000000],
  ])("%s", (text, micros) => {
    expect(parseTimestamp(text)).toBe(micros);
  });

  it.each([
    "2024-09-18",
    "2024-09-18T00:00:00",
    "2024-09-18T00:00Z",
    "2023-02-29T00:00:00Z",
    "2024-13-01T00:00:00Z",
    "2024-09-31T00:00:00Z",
    "2024-09-18T24:00:00Z",
    "2024-09-18T00:00:00+24:00",
    "18/09/2024",
    " 2024-09-18T00:00:00Z",
    "",
  ])("rejects %j", (text) => {
    expect(parseTimestamp(text)).toBeNull();
  });

  it("formats back to the same instant", () => {
    for (const t of [0, 1726617600123456, 1726617600123000, -1000000])
      expect(parseTimestamp(formatInstant(t))).toBe(t);
    expect(formatInstant(1726617600000000)).toBe("2024-09-18T00:00:00.000Z");
  });
});

describe("dates and ages", () => {
  it("parses real dates only", () => {
    expect(parseDate("2000-02-29")).toBe(11016);
    expect(parseDate("1900-02-29")).toBeNull();
    expect(parseDate("2024-04-31")).toBeNull();
    expect(parseDate("2024-4-1")).toBeNull();
  });

  it("puts a 29 February anniversary on 1 March in non-leap years", () => {
    const b = parseDate("2004-02-29")!;
    expect(anniversaryDay(b, 18)).toBe(parseDate("2022-03-01"));
    expect(anniversaryDay(b, 20)).toBe(parseDate("2024-02-29"));
  });

  it("counts age on the UTC calendar date of the instant", () => {
    const b = parseDate("2007-01-01")!;
    expect(ageAt(b, parseTimestamp("2024-12-31T23:59:59Z")!)).toBe(17);
    expect(ageAt(b, parseTimestamp("2025-01-01T00:00:00Z")!)).toBe(18);
    expect(ageAt(b, parseTimestamp("2025-01-01T00:30:00+01:00")!)).toBe(17);
  });
});
