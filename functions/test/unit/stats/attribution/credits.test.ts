import { describe, expect, it } from "vitest";
import { positionWeight, ruleCredits, shapleyCredits } from "../../../../src/stats/attribution";

describe("rule and Shapley credits from grouped sums", () => {
  it("position weights: 1; 50/50; 40/20/40 split over the middle", () => {
    expect(positionWeight(1, 1, 0.4, 0.4)).toBe(1);
    expect([1, 2].map((i) => positionWeight(i, 2, 0.4, 0.4))).toEqual([0.5, 0.5]);
    expect([1, 2].map((i) => positionWeight(i, 2, 0.3, 0.6))).toEqual([
      expect.closeTo(1 / 3, 15),
      expect.closeTo(2 / 3, 15),
    ]);
    const w5 = [1, 2, 3, 4, 5].map((i) => positionWeight(i, 5, 0.4, 0.4));
    expect(w5.map((x) => +x.toFixed(12))).toEqual([0.4, 0.066666666667, 0.066666666667, 0.066666666667, 0.4]);
  });

  it("first, last, linear and position from (channel, i, n) sums of a > c > a (1 conversion, value 10)", () => {
    const r = ruleCredits(
      [
        { ch: "a", i: 1, n: 3, conv: 1, value: 10 },
        { ch: "c", i: 2, n: 3, conv: 1, value: 10 },
        { ch: "a", i: 3, n: 3, conv: 1, value: 10 },
      ],
      { first: 0.4, last: 0.4 },
    );
    expect(Object.fromEntries(r.first)).toEqual({ a: { conv: 1, value: 10 }, c: { conv: 0, value: 0 } });
    expect(r.linear.get("a")!.conv).toBeCloseTo(2 / 3, 15);
    expect(r.position.get("a")!.conv).toBeCloseTo(0.8, 15);
    expect(r.position.get("c")!.value).toBeCloseTo(2, 14);
  });

  it("Shapley: each set's conversions split over its m channels, kept by rank; input order does not matter", () => {
    const rows = [
      { ch: "b", k: 2, m: 2, conv: 2, value: 20 },
      { ch: "a", k: 1, m: 2, conv: 2, value: 20 },
      { ch: "b", k: 1, m: 1, conv: 1, value: 5 },
    ];
    const s = shapleyCredits(rows);
    expect(Object.fromEntries(s.total)).toEqual({ a: { conv: 1, value: 10 }, b: { conv: 2, value: 15 } });
    expect(s.byRank.get("b")).toEqual({ conv: [1, 1], value: [5, 10] });
    expect(shapleyCredits([...rows].reverse()).total).toEqual(s.total);
  });
});
