import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { studentTQuantile, studentTTwoSidedP } from "../../../src/stats/distributions";
import { normalQuantile, normalTwoSidedP } from "../../../src/stats/experiments/normal";

/** mpmath (50 digits) references from scripts/reference/student_t.py; scipy's values ride along. */
const ref = JSON.parse(readFileSync(join(__dirname, "../../fixtures/stats/student-t.json"), "utf8")) as {
  two_sided: { t: number; df: number; p: number; scipy_p: number }[];
  quantile: { p: number; df: number; q: number; scipy_q: number }[];
};

const rel = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b) / Math.abs(b));

/** Representable tails keep 1e-10 relative; below 1e-300 (subnormal or zero) an absolute 1e-310. */
function tailError(got: number, want: number): number {
  return want >= 1e-300 ? rel(got, want) : Math.abs(got - want) / 1e-300;
}

const nextUp = (x: number) => {
  const buf = new Float64Array([x]);
  new BigInt64Array(buf.buffer)[0] += 1n;
  return buf[0];
};

describe("Student t matches mpmath to the digit", () => {
  it("two-sided tails within 1e-10 relative on the whole fixture (df 0.3 … 1e15, t 0 … 1e3)", () => {
    const worst = ref.two_sided
      .map((r) => ({ ...r, err: tailError(studentTTwoSidedP(r.t, r.df), r.p) }))
      .sort((a, b) => b.err - a.err)[0];
    expect(worst.err, JSON.stringify(worst)).toBeLessThan(1e-10);
    // Negative statistics are the same two-sided tail.
    for (const r of ref.two_sided.slice(0, 40))
      expect(studentTTwoSidedP(-r.t, r.df)).toBe(studentTTwoSidedP(r.t, r.df));
  });

  it("quantiles within 1e-12 relative on the whole fixture, both tails", () => {
    const worst = ref.quantile
      .map((r) => ({ ...r, err: rel(studentTQuantile(r.p, r.df), r.q) }))
      .sort((a, b) => b.err - a.err)[0];
    expect(worst.err, JSON.stringify(worst)).toBeLessThan(1e-12);
  });

  it("quantile and tail invert each other", () => {
    for (const df of [1, 2.5, 17, 45.2, 1e3, 9999999.7, 1e12]) {
      for (const alpha of [0.5, 0.05, 1e-8, 1e-100]) {
        const t = studentTQuantile(alpha / 2, df);
        expect(rel(studentTTwoSidedP(t, df), alpha)).toBeLessThan(1e-12);
      }
    }
  });
});

describe("no jitter in df (Welch–Satterthwaite df in the millions)", () => {
  const grids = [
    Array.from({ length: 2000 }, (_, i) => 9.99e6 + i * 10.0137),
    (() => {
      const out = [9999999.7];
      for (let i = 0; i < 2000; i++) out.push(nextUp(out[out.length - 1]));
      return out;
    })(),
  ];
  it.each([0.9, 0.975, 0.995, 1 - 1e-6])("quantile(%s, df) is non-increasing in df near 1e7", (p) => {
    for (const grid of grids) {
      let prev = Infinity;
      for (const df of grid) {
        const q = studentTQuantile(p, df);
        expect(q).toBeLessThanOrEqual(prev);
        prev = q;
      }
    }
  });
  it("tiny p-values fall with df and move by rounding only between neighbouring doubles", () => {
    const [coarse, ulps] = grids;
    // Steps of 10 near 1e7 change P(|T| ≥ 27.1) ≈ 1e-160 by ~1.4e-8 relative: strictly downwards.
    let prev = studentTTwoSidedP(27.1, coarse[0]);
    expect(prev).toBeGreaterThan(1e-162);
    expect(prev).toBeLessThan(1e-159);
    for (const df of coarse.slice(1)) {
      const p = studentTTwoSidedP(27.1, df);
      expect(p).toBeLessThan(prev);
      prev = p;
    }
    // One ulp of df changes it by ~1e-23 relative; what is left is rounding (the old code: 2e-8).
    const base = studentTTwoSidedP(27.1, ulps[0]);
    for (const df of ulps) expect(rel(studentTTwoSidedP(27.1, df), base)).toBeLessThan(1e-13);
  });
});

describe("edges behave as before", () => {
  it("keeps the degenerate-input contract", () => {
    expect(studentTTwoSidedP(0, 10)).toBe(1);
    expect(studentTTwoSidedP(Infinity, 10)).toBe(0);
    expect(studentTTwoSidedP(-Infinity, 3.5)).toBe(0);
    expect(studentTTwoSidedP(NaN, 10)).toBeNaN();
    expect(studentTQuantile(0.5, 7)).toBe(0);
    for (const df of [0, -1, NaN, -Infinity]) {
      expect(() => studentTTwoSidedP(1, df)).toThrow(RangeError);
      expect(() => studentTQuantile(0.9, df)).toThrow(RangeError);
    }
    for (const p of [0, 1, -0.1, 1.5, NaN]) expect(() => studentTQuantile(p, 5)).toThrow(RangeError);
  });
  it("df = Infinity is the normal distribution", () => {
    for (const t of [1e-8, 0.5, 1.96, 10, 37])
      expect(studentTTwoSidedP(t, Infinity)).toBe(normalTwoSidedP(t));
    for (const p of [1e-300, 0.025, 0.3, 0.975])
      expect(studentTQuantile(p, Infinity)).toBe(normalQuantile(p));
  });
  it("is antisymmetric in p where 1 − p is exact", () => {
    for (const df of [0.75, 1, 3, 30, 2e4, 1e9]) {
      for (const p of [0.75, 0.9, 0.975, 0.999])
        expect(studentTQuantile(1 - p, df)).toBe(-studentTQuantile(p, df));
    }
  });
});
