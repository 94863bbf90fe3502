import { describe, expect, it } from "vitest";
import { optOutStats } from "./opt-out-stats.js";

const at = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d) * 1000;
const countries: Record<string, string> = { a: "FR", b: "DE", c: "US", d: "UK" };

describe("optOutStats", () => {
  it("reports each month's end state by region and purpose, deny winning ties", () => {
    const stats = optOutStats(
      [
        { memberId: "a", purpose: "genai_training", choice: "deny", at: at(2024, 1, 5) },
        { memberId: "b", purpose: "genai_training", choice: "allow", at: at(2024, 1, 9) },
        { memberId: "b", purpose: "genai_training", choice: "deny", at: at(2024, 1, 9) },
        { memberId: "a", purpose: "genai_training", choice: "allow", at: at(2024, 3, 1) },
        { memberId: "d", purpose: "genai_training", choice: "deny", at: at(2024, 2, 1) },
        { memberId: "zz", purpose: "ads_targeting", choice: "deny", at: at(2024, 2, 2) },
      ],
      (m) => countries[m] ?? null,
      at(2024, 3, 15),
    );
    const cell = (month: string, region: string, purpose = "genai_training") =>
      stats.find((s) => s.month === month && s.region === region && s.purpose === purpose);
    expect(cell("2024-01", "EEA")).toEqual({
      month: "2024-01",
      region: "EEA",
      purpose: "genai_training",
      members: 2,
      optedOut: 2,
      rate: 1,
    });
    expect(cell("2024-01", "GB")).toBeUndefined();
    expect(cell("2024-02", "GB")).toMatchObject({ members: 1, optedOut: 1 });
    expect(cell("2024-02", "unknown", "ads_targeting")).toMatchObject({ optedOut: 1 });
    expect(cell("2024-03", "EEA")).toMatchObject({ members: 2, optedOut: 1, rate: 0.5 });
    expect(new Set(stats.map((s) => s.month))).toEqual(new Set(["2024-01", "2024-02", "2024-03"]));
  });

  it("is empty without events", () => {
    expect(optOutStats([], () => null, at(2024, 1, 1))).toEqual([]);
  });
});
