import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  chiSquareUpperP,
  fUpperP,
  studentTQuantile,
  studentTTwoSidedP,
} from "../../../src/stats/distributions";

/** scipy 1.10.1 values from scripts/reference/distributions_reference.py. */
const ref = JSON.parse(readFileSync(join(__dirname, "../../fixtures/did/distributions.json"), "utf8")) as {
  t_two_sided: { t: number; df: number; p: number }[];
  t_quantile: { p: number; df: number; q: number }[];
  f_upper: { f: number; d1: number; d2: number; p: number }[];
  chi2_upper: { x: number; k: number; p: number }[];
};

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe("distributions match scipy to 1e-6 relative, including tiny tails", () => {
  it.each(ref.t_two_sided)("two-sided t p-value t=$t df=$df", ({ t, df, p }) => {
    expect(rel(studentTTwoSidedP(t, df), p)).toBeLessThan(1e-6);
  });
  it.each(ref.t_quantile)("t quantile p=$p df=$df", ({ p, df, q }) => {
    expect(rel(studentTQuantile(p, df), q)).toBeLessThan(1e-6);
  });
  it.each(ref.f_upper)("F upper tail f=$f ($d1, $d2)", ({ f, d1, d2, p }) => {
    expect(rel(fUpperP(f, d1, d2), p)).toBeLessThan(1e-6);
  });
  it.each(ref.chi2_upper)("chi2 upper tail x=$x k=$k", ({ x, k, p }) => {
    expect(rel(chiSquareUpperP(x, k), p)).toBeLessThan(1e-6);
  });
  it("handles the edges without NaN", () => {
    expect(studentTTwoSidedP(0, 10)).toBe(1);
    expect(studentTTwoSidedP(Infinity, 10)).toBe(0);
    expect(fUpperP(0, 2, 10)).toBe(1);
    expect(chiSquareUpperP(0, 3)).toBe(1);
    expect(() => studentTTwoSidedP(1, 0)).toThrow(RangeError);
    expect(() => studentTQuantile(1, 5)).toThrow(RangeError);
  });
});
