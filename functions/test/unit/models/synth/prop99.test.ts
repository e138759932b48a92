/**
 * Proposition 99 (Abadie, Diamond & Hainmueller 2010): California vs 38 donor states, 1970–2000,
 * treatment from 1989. References (test/fixtures/synth/reference.json, written by
 * scripts/reference/synth_reference.py): scipy NNLS + exact KKT polish for the outcome-only
 * weights, placebo ratios and conformal interval; ADH's published Table 2 weights.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ResultEnvelope } from "../../../../src/contracts/result";
import { fixtures, prop99, run, warehouseWith, type Wh } from "./helpers";

const ref = JSON.parse(readFileSync(join(fixtures, "reference.json"), "utf8")) as {
  prop99_outcome: {
    weights: Record<string, number>;
    gaps: Record<string, number>;
    pre_rmspe: number;
    att: number;
    slsqp: { max_weight_diff: number; objective: number };
    objective: number;
  };
  prop99_placebo: {
    ratios: Record<string, number>;
    rank: number;
    p_value: number;
    alpha: number;
    ci: [number, number];
  };
  prop99_conformal: { alpha: number; p_value: number; ci: [number, number] };
  prop99_adh_published: { weights: Record<string, number> };
};

const ADH_PREDICTORS = [
  { variable: "lnincome", from: 1980, to: 1988 },
  { variable: "age15to24", from: 1980, to: 1988 },
  { variable: "retprice", from: 1980, to: 1988 },
  { variable: "beer", from: 1984, to: 1988 },
  { variable: "cigsale", from: 1975, to: 1975 },
  { variable: "cigsale", from: 1980, to: 1980 },
  { variable: "cigsale", from: 1988, to: 1988 },
];

type D = Record<string, unknown> & {
  weights: Record<string, number>;
  gaps: Record<string, number>;
  optimizer: { converged: boolean; kkt_residual: number; outer?: { converged: boolean; method: string } };
};
const diag = (r: ResultEnvelope) => r.diagnostics as D;
const term = (r: ResultEnvelope, t: string) => r.estimates.find((e) => e.term === t)!;

let wh: Wh;
let outcome: ResultEnvelope;
beforeAll(async () => {
  wh = await warehouseWith({ prop99: "prop99.csv" });
  outcome = await run(wh, prop99());
});
afterAll(async () => wh.close());

describe("Prop 99, outcome-only SC", () => {
  it("weights match the independent QP solution to 1e-8 (and SLSQP would have been off by 0.23)", () => {
    const w = diag(outcome).weights;
    for (const [state, v] of Object.entries(ref.prop99_outcome.weights))
      expect(Math.abs(w[state] - v)).toBeLessThan(1e-8);
    expect(Object.values(w).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(ref.prop99_outcome.slsqp.max_weight_diff).toBeGreaterThan(0.2);
    expect(ref.prop99_outcome.slsqp.objective).toBeGreaterThan(ref.prop99_outcome.objective * 1.4);
  });

  it("reports a converged optimiser with a tiny KKT residual", () => {
    const o = diag(outcome).optimizer;
    expect(o.converged).toBe(true);
    expect(o.kkt_residual).toBeLessThan(1e-10);
    expect(o).toMatchObject({ method: "active_set_simplex_ls", placebo: { n: 38, converged: true } });
  });

  it("gaps, pre RMSPE and att match the reference", () => {
    const g = diag(outcome).gaps;
    for (const [yr, v] of Object.entries(ref.prop99_outcome.gaps)) expect(g[yr]).toBeCloseTo(v, 6);
    expect(diag(outcome).pre_rmspe as number).toBeCloseTo(ref.prop99_outcome.pre_rmspe, 8);
    expect(term(outcome, "att").estimate).toBeCloseTo(ref.prop99_outcome.att, 8);
    expect(term(outcome, "cumulative").estimate).toBeCloseTo(ref.prop99_outcome.att * 12, 6);
  });

  it("placebo-in-space: every ratio, the rank and the p-value match", () => {
    const pl = diag(outcome).placebo as {
      rank: number;
      p_value: number;
      units: { unit: string; ratio: number }[];
    };
    expect(pl.rank).toBe(ref.prop99_placebo.rank);
    expect(pl.p_value).toBeCloseTo(ref.prop99_placebo.p_value, 12);
    expect(term(outcome, "att").p_value).toBeCloseTo(ref.prop99_placebo.p_value, 12);
    for (const u of pl.units) expect(u.ratio).toBeCloseTo(ref.prop99_placebo.ratios[u.unit], 6);
    expect(Object.keys(pl as object)).toContain("gaps");
  });

  it("the placebo interval matches a brute-force grid inversion (scipy reference)", () => {
    const att = term(outcome, "att");
    expect(att.ci_low!).toBeCloseTo(ref.prop99_placebo.ci[0], 6);
    expect(att.ci_high!).toBeCloseTo(ref.prop99_placebo.ci[1], 6);
  });

  it("the placebo interval and p-value agree (0 inside ⇔ p > alpha)", () => {
    const att = term(outcome, "att");
    const inside = att.ci_low! <= 0 && 0 <= att.ci_high!;
    expect(inside).toBe(att.p_value! > 0.05);
  });

  it("conformal inference matches the reference p-value and interval", async () => {
    const r = await run(wh, prop99({ inference: "conformal", alpha: ref.prop99_conformal.alpha }));
    const att = term(r, "att");
    expect(att.p_value).toBeCloseTo(ref.prop99_conformal.p_value, 12);
    expect(att.ci_low!).toBeCloseTo(ref.prop99_conformal.ci[0], 5);
    expect(att.ci_high!).toBeCloseTo(ref.prop99_conformal.ci[1], 5);
    expect((r.diagnostics.inference as { method: string }).method).toBe("conformal");
  });
});

describe("Prop 99, ADH with predictors", () => {
  let adh: ResultEnvelope;
  beforeAll(async () => {
    adh = await run(wh, prop99({ method: "adh", predictors: ADH_PREDICTORS, inference: "conformal" }));
  }, 60_000);

  it("weights within 0.01 of ADH (2010) Table 2", () => {
    const w = diag(adh).weights;
    const pub = ref.prop99_adh_published.weights;
    for (const [state, v] of Object.entries(w)) expect(Math.abs(v - (pub[state] ?? 0))).toBeLessThan(0.01);
  });

  it("the pre-period fit is at least as good as the published weights' (MSPE 3.089)", () => {
    const pre = diag(adh).pre_rmspe as number;
    expect(pre * pre).toBeLessThanOrEqual(3.0892);
    expect(pre).toBeCloseTo(1.754, 2);
  });

  it("reports both optimisers and the predictor balance", () => {
    const o = diag(adh).optimizer;
    expect(o.converged).toBe(true);
    expect(o.outer?.method).toBe("nelder_mead_sq_v");
    const preds = diag(adh).predictors as { name: string; v: number }[];
    expect(preds).toHaveLength(7);
    expect(preds.reduce((s, p) => s + p.v, 0)).toBeCloseTo(1, 10);
  });
});

describe("Prop 99, augmented SC", () => {
  it("ridge-augmented weights sum to 1, improve the pre fit and report lambda", async () => {
    const r = await run(wh, prop99({ method: "augmented" }));
    const d = diag(r);
    expect(Object.values(d.weights).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    expect(d.pre_rmspe as number).toBeLessThan(ref.prop99_outcome.pre_rmspe);
    expect((d.augmentation as { source: string; lambda: number }).source).toBe("cv");
    expect((d.scaled_l2_imbalance as number) < (diag(outcome).scaled_l2_imbalance as number)).toBe(true);
  });
});
