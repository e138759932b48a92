import { describe, expect, it } from "vitest";
import { formatDuration, formatNumber, formatP, formatSigned, runDuration } from "./format";
import { significanceSentence, verdict } from "./significance";

describe("format", () => {
  it("formats numbers, signs and p-values", () => {
    expect(formatNumber(1234.5)).toBe("1,235");
    expect(formatNumber(3.21)).toBe("3.2");
    expect(formatNumber(0.01234)).toBe("0.012");
    expect(formatNumber(-2)).toBe("\u22122.0");
    expect(formatNumber(null)).toBe("—");
    expect(formatSigned(3.2)).toBe("+3.2");
    expect(formatP(0.0001)).toBe("< 0.001");
    expect(formatP(0.04)).toBe("0.040");
  });
  it("formats durations", () => {
    expect(formatDuration(850)).toBe("850 ms");
    expect(formatDuration(65_000)).toBe("1 min 5 s");
    expect(formatDuration(3_660_000)).toBe("1 h 1 min");
    expect(
      runDuration({
        created_at: "2024-01-01T00:00:00Z",
        started_at: null,
        finished_at: "2024-01-01T00:00:10Z",
      }),
    ).toBe(10_000);
  });
  it("judges significance from p, or from the interval without p", () => {
    expect(verdict({ p_value: 0.01, ci_low: null, ci_high: null }, 0.05)).toBe("significant");
    expect(verdict({ p_value: null, ci_low: -1, ci_high: 2 }, 0.05)).toBe("not_significant");
    expect(verdict({ p_value: null, ci_low: null, ci_high: null }, 0.05)).toBe("unknown");
    expect(
      significanceSentence({
        term: "att",
        estimate: -2.5,
        std_error: 1,
        ci_low: -4.5,
        ci_high: -0.5,
        p_value: 0.01,
      }),
    ).toBe(
      "The effect is statistically significant at the 5% level: \u22122.5 (95% CI \u22124.5 to \u22120.5). The data point to a decrease.",
    );
  });
});
