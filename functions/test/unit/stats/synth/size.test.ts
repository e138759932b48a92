/**
 * Size under no effect (seeded simulation): panels from a two-factor model
 *   y_it = a_i + λ_t·f_i + ε_it,  ε ~ N(0, 1) iid,  N = 20 units, T0 = 20, T1 = 5,
 * units exchangeable and the "treated" unit drawn at random, no effect. At α = 0.1 both procedures
 * must reject at most α + 3 Monte-Carlo SEs (R = 300): the placebo test is exact by
 * exchangeability (ADH 2010), the conformal test by the iid errors (CWZ 2021, Thm 1).
 */
import { describe, expect, it } from "vitest";
import { fitSeries, placeboRun, conformalResiduals } from "../../../../src/models/synth/fit";
import { conformalPValue, gaussian, mulberry32, placeboInference } from "../../../../src/stats/synth";

function simulate(seed: number, N: number, T: number): Float64Array[] {
  const rand = mulberry32(seed);
  const lambda = Array.from({ length: T }, (_, t) => Math.sin(t / 3) + 0.05 * t);
  return Array.from({ length: N }, () => {
    const a = 5 + 2 * gaussian(rand);
    const f = 1 + 0.5 * gaussian(rand);
    return Float64Array.from({ length: T }, (_, t) => a + lambda[t] * f + gaussian(rand));
  });
}

describe("placebo and conformal hold their size under no effect", () => {
  const R = 300;
  const alpha = 0.1;
  const N = 20;
  const T0 = 20;
  const T = 25;
  const bound = alpha + 3 * Math.sqrt((alpha * (1 - alpha)) / R);

  it(`rejection rates at alpha ${alpha} stay below ${bound.toFixed(3)} (R = ${R})`, () => {
    let placeboRejects = 0;
    let conformalRejects = 0;
    const rand = mulberry32(7);
    for (let r = 0; r < R; r++) {
      const units = simulate(1000 + r, N, T);
      const i = Math.floor(rand() * N);
      const donors = units.filter((_, j) => j !== i);
      const fit = fitSeries("outcome", donors, units[i], T0);
      const run = placeboRun("outcome", donors, T0, { treated: [units[i]] });
      const pl = placeboInference(
        fit.gaps,
        T0,
        run.gaps.map((g, k) => ({ unit: String(k), gaps: g, treatedWeight: run.treatedWeight[k] })),
        alpha,
      );
      if (pl.pValue <= alpha) placeboRejects++;
      const u = conformalResiduals(donors, units[i], T0)(0);
      if (conformalPValue(u, T0, 1) <= alpha) conformalRejects++;
    }
    const rates = { placebo: placeboRejects / R, conformal: conformalRejects / R };
    expect(rates.placebo).toBeLessThanOrEqual(bound);
    expect(rates.conformal).toBeLessThanOrEqual(bound);
    // Not absurdly conservative either: the tests do reject sometimes.
    expect(rates.placebo).toBeGreaterThan(0.02);
    expect(rates.conformal).toBeGreaterThan(0.02);
    console.log(
      `size at alpha ${alpha}: placebo ${rates.placebo.toFixed(3)}, conformal ${rates.conformal.toFixed(3)}`,
    );
  });

  it("and both detect a real effect (power sanity check)", () => {
    let hits = 0;
    for (let r = 0; r < 50; r++) {
      const units = simulate(5000 + r, N, T);
      for (let t = T0; t < T; t++) units[0][t] += 4;
      const donors = units.slice(1);
      const fit = fitSeries("outcome", donors, units[0], T0);
      const run = placeboRun("outcome", donors, T0, { treated: [units[0]] });
      const pl = placeboInference(
        fit.gaps,
        T0,
        run.gaps.map((g, k) => ({ unit: String(k), gaps: g })),
        alpha,
      );
      if (pl.pValue <= alpha) hits++;
    }
    expect(hits / 50).toBeGreaterThan(0.8);
  });
});
