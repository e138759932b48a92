import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { gram, kkt, solveSimplexQp } from "../../../../src/stats/synth/simplex-qp";

/**
 * References: test/fixtures/synth/reference.json (scipy NNLS on the augmented system, polished on
 * the support with the exact KKT system; scripts/reference/synth_reference.py) and
 * quadprog.json (R quadprog, Goldfarb–Idnani, where the Hessian is positive definite;
 * scripts/reference/synth_quadprog.R).
 */
const dir = join(__dirname, "../../../fixtures/synth");
const ref = JSON.parse(readFileSync(join(dir, "reference.json"), "utf8")) as {
  random_qp: { X: number[][]; y: number[]; w_nnls: number[] }[];
  prop99_outcome: { weights: Record<string, number>; objective: number; slsqp: { objective: number } };
};
const qp = JSON.parse(readFileSync(join(dir, "quadprog.json"), "utf8")) as {
  random_qp: { w: number[] | null }[];
};

function solveLs(X: number[][], y: number[]) {
  const J = X[0].length;
  const cols = Array.from({ length: J }, (_, j) => Float64Array.from(X.map((row) => row[j])));
  const { H, g } = gram(cols, Float64Array.from(y));
  return solveSimplexQp(H, g, J);
}

describe("simplex least squares (active set)", () => {
  ref.random_qp.forEach((p, i) => {
    it(`random problem ${i} (${p.X.length}×${p.X[0].length}) matches NNLS and quadprog to 1e-8`, () => {
      const res = solveLs(p.X, p.y);
      expect(res.converged).toBe(true);
      expect(res.kktResidual).toBeLessThan(1e-10);
      res.w.forEach((v, j) => expect(Math.abs(v - p.w_nnls[j])).toBeLessThan(1e-8));
      const q = qp.random_qp[i].w;
      if (Array.isArray(q)) res.w.forEach((v, j) => expect(Math.abs(v - q[j])).toBeLessThan(1e-8));
    });
  });

  it("a single donor gets weight 1; identical donors split without failing", () => {
    const one = solveSimplexQp(Float64Array.of(4), Float64Array.of(2), 1);
    expect(Array.from(one.w)).toEqual([1]);
    const col = Float64Array.of(1, 2, 3);
    const { H, g } = gram([col, col, Float64Array.of(3, 2, 1)], Float64Array.of(1, 2, 3));
    const res = solveSimplexQp(H, g, 3);
    expect(res.converged).toBe(true);
    expect(res.w[0] + res.w[1]).toBeCloseTo(1, 12);
  });

  it("the treated unit inside the donors' hull: zero loss", () => {
    const a = Float64Array.of(0, 0, 1);
    const b = Float64Array.of(2, 2, 3);
    const { H, g } = gram([a, b], Float64Array.of(1, 1, 2));
    const res = solveSimplexQp(H, g, 2);
    expect(res.w[0]).toBeCloseTo(0.5, 12);
    expect(res.converged).toBe(true);
  });

  it("kkt() flags a non-optimal point", () => {
    const { H, g } = gram([Float64Array.of(1, 0), Float64Array.of(0, 1)], Float64Array.of(1, 0));
    expect(kkt(H, g, 2, Float64Array.of(0.5, 0.5))).toBeGreaterThan(0.1);
    expect(kkt(H, g, 2, Float64Array.of(1, 0))).toBeLessThan(1e-15);
  });
});
