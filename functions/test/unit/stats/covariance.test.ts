import { describe, expect, it } from "vitest";
import { coefficientCovariance, CovarianceError } from "../../../src/stats/covariance";
import { waldTest } from "../../../src/stats/wald";

describe("coefficientCovariance conventions", () => {
  const bread = [
    [2, 0.5],
    [0.5, 1],
  ];
  const meat = [
    [3, 1],
    [1, 4],
  ];
  // B M B by hand
  const bmb = [
    [2 * (2 * 3 + 0.5 * 1) + 0.5 * (2 * 1 + 0.5 * 4), 0],
    [0, 0],
  ];
  it("cr1 = G/(G-1)·(N-1)/(N-K) · BMB with G-1 df", () => {
    const r = coefficientCovariance({ type: "cr1", bread, meat, ssr: 10, n: 100, k: 5, clusters: 20 });
    const factor = (20 / 19) * (99 / 95);
    expect(r.factor).toBeCloseTo(factor, 15);
    expect(r.vcov[0][0]).toBeCloseTo(factor * bmb[0][0], 12);
    expect(r.df).toBe(19);
    expect(r.factorFormula).toBe("G/(G-1) * (N-1)/(N-K)");
  });
  it("hc1 = N/(N-K) · BMB with N-K df", () => {
    const r = coefficientCovariance({ type: "hc1", bread, meat, ssr: 10, n: 100, k: 5 });
    expect(r.factor).toBeCloseTo(100 / 95, 15);
    expect(r.df).toBe(95);
  });
  it("classical = SSR/(N-K) · B", () => {
    const r = coefficientCovariance({ type: "classical", bread, ssr: 19, n: 100, k: 5 });
    expect(r.vcov[1][1]).toBeCloseTo(0.2, 15);
    expect(r.df).toBe(95);
  });
  it("refuses fewer than two clusters and N ≤ K", () => {
    expect(() =>
      coefficientCovariance({ type: "cr1", bread, meat, ssr: 1, n: 10, k: 2, clusters: 1 }),
    ).toThrow(CovarianceError);
    expect(() => coefficientCovariance({ type: "classical", bread, ssr: 1, n: 2, k: 2 })).toThrow(
      CovarianceError,
    );
  });
});

describe("waldTest", () => {
  it("reduces to the squared t statistic for one restriction", () => {
    const w = waldTest(
      [2, 1],
      [
        [0.25, 0.1],
        [0.1, 1],
      ],
      [0],
      30,
    );
    expect(w.chi2_stat).toBeCloseTo(16, 12);
    expect(w.f_stat).toBeCloseTo(16, 12);
    expect(w.f_df_denom).toBe(30);
  });
  it("uses the full covariance of the restricted block", () => {
    // b = (1, 1), V = [[1, .5], [.5, 1]] → W = b'V⁻¹b = 2/1.5
    const w = waldTest(
      [1, 1, 9],
      [
        [1, 0.5, 0],
        [0.5, 1, 0],
        [0, 0, 1],
      ],
      [0, 1],
      10,
    );
    expect(w.chi2_stat).toBeCloseTo(4 / 3, 12);
    expect(w.f_stat).toBeCloseTo(2 / 3, 12);
    expect(w.q).toBe(2);
  });
});
