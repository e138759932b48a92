/**
 * One synthetic control for one treated series, by the chosen method, and the per-method
 * placebo loop. Pure functions over dense arrays (no warehouse, no params parsing).
 */
import {
  chooseLambda,
  combine,
  fitAdh,
  fitOutcomeWeights,
  outcomePlaceboGaps,
  ridgeAugmentedWeights,
  solveSimplexQp,
  type LambdaChoice,
  type OuterReport,
  type QpReport,
} from "../../stats/synth";

export type Method = "outcome" | "adh" | "augmented";

export interface AdhData {
  /** Scaled predictors: donors (J × k) and the treated series (k). */
  x0: number[][];
  x1: number[];
  scale: number[];
}

export interface SeriesFit {
  /** Donor weights used for the counterfactual (SC weights, or γ for augmented: may be < 0). */
  weights: Float64Array;
  /** The simplex SC weights (equal to `weights` except for augmented). */
  scWeights: Float64Array;
  synthetic: Float64Array;
  gaps: Float64Array;
  qp: QpReport;
  outer?: OuterReport;
  v?: number[];
  lambda?: LambdaChoice;
}

export function fitSeries(
  method: Method,
  donors: Float64Array[],
  treated: Float64Array,
  t0: number,
  opts: { adh?: AdhData; lambda?: number } = {},
): SeriesFit {
  let w: Float64Array;
  let qp: QpReport;
  let outer: OuterReport | undefined;
  let v: number[] | undefined;
  if (method === "adh") {
    const a = opts.adh as AdhData;
    const fit = fitAdh({
      x0: a.x0,
      x1: a.x1,
      z0: donors.map((d) => Array.from(d.subarray(0, t0))),
      z1: Array.from(treated.subarray(0, t0)),
    });
    w = fit.w;
    qp = fit.qp;
    outer = fit.outer;
    v = fit.v;
  } else {
    const fit = fitOutcomeWeights(donors, treated, t0);
    w = fit.w;
    qp = fit.qp;
  }
  let weights = w;
  let lambda: LambdaChoice | undefined;
  if (method === "augmented") {
    lambda =
      opts.lambda !== undefined
        ? { lambda: opts.lambda, source: "given" }
        : chooseLambda(donors, treated, t0);
    weights = ridgeAugmentedWeights(donors, treated, t0, w, lambda.lambda);
  }
  const synthetic = combine(donors, weights);
  const gaps = new Float64Array(treated.length);
  for (let t = 0; t < gaps.length; t++) gaps[t] = treated[t] - synthetic[t];
  return { weights, scWeights: w, synthetic, gaps, qp, outer, v, lambda };
}

export interface PlaceboRun {
  gaps: Float64Array[];
  qp: QpReport[];
  /** Each placebo's total weight on the treated series (for the exact test inversion). */
  treatedWeight: number[];
}

/**
 * Every donor as if treated, with all other units — the treated series included — as its pool
 * (see stats/synth/placebo.ts for why). Outcome-only uses the shared-Gram fast path; augmented
 * reuses the treated fit's λ; ADH reruns the nested optimisation for each placebo, with the
 * predictor scaling of the main fit.
 */
export function placeboRun(
  method: Method,
  donors: Float64Array[],
  t0: number,
  opts: { adh?: AdhData; lambda?: number; treated: Float64Array[]; treatedX?: number[][] },
): PlaceboRun {
  const J = donors.length;
  const pool = [...donors, ...opts.treated];
  if (method === "outcome") return outcomePlaceboGaps(pool, t0, { targets: J, treatedFrom: J });
  const gaps: Float64Array[] = [];
  const qp: QpReport[] = [];
  const treatedWeight: number[] = [];
  for (let i = 0; i < J; i++) {
    const others = pool.filter((_, j) => j !== i);
    let adh: AdhData | undefined;
    if (method === "adh") {
      const a = opts.adh as AdhData;
      const rows = [...a.x0, ...(opts.treatedX ?? [a.x1])];
      adh = { x0: rows.filter((_, j) => j !== i), x1: a.x0[i], scale: a.scale };
    }
    const fit = fitSeries(method, others, donors[i], t0, { adh, lambda: opts.lambda });
    gaps.push(fit.gaps);
    qp.push(fit.qp);
    let tw = 0;
    for (let j = J - 1; j < others.length; j++) tw += fit.weights[j];
    treatedWeight.push(tw);
  }
  return { gaps, qp, treatedWeight };
}

/**
 * Predictors scaled by their sample standard deviation across all units (donors and the treated
 * series), as R Synth does before optimising V. Predictors without variation are dropped.
 */
export function scalePredictors(
  names: string[],
  donorX: number[][],
  treatedX: number[],
): { data: AdhData; kept: number[]; dropped: string[] } {
  const all = [...donorX, treatedX];
  const kept: number[] = [];
  const scale: number[] = [];
  const dropped: string[] = [];
  names.forEach((name, k) => {
    const col = all.map((r) => r[k]);
    const m = col.reduce((a, b) => a + b, 0) / col.length;
    const sd = Math.sqrt(col.reduce((a, b) => a + (b - m) ** 2, 0) / (col.length - 1));
    if (sd > 1e-12 * Math.max(Math.abs(m), 1e-300)) {
      kept.push(k);
      scale.push(sd);
    } else dropped.push(name);
  });
  return {
    data: {
      x0: donorX.map((r) => kept.map((k, i) => r[k] / scale[i])),
      x1: kept.map((k, i) => treatedX[k] / scale[i]),
      scale,
    },
    kept,
    dropped,
  };
}

/**
 * The residual function for conformal inference: outcome-only SC refit on ALL periods with the
 * treated post outcomes minus τ (CWZ need the estimator fit under the null on the full sample;
 * for methods adh and augmented this outcome-only estimator is used for the test, and reported
 * as such). One Gram over all periods; each τ changes only the linear term.
 */
export function conformalResiduals(
  donors: Float64Array[],
  treated: Float64Array,
  t0: number,
): (tau: number) => Float64Array {
  const J = donors.length;
  const T = treated.length;
  const H = new Float64Array(J * J);
  const g0 = new Float64Array(J);
  const gPost = new Float64Array(J);
  for (let i = 0; i < J; i++) {
    for (let t = 0; t < T; t++) {
      g0[i] += donors[i][t] * treated[t];
      if (t >= t0) gPost[i] += donors[i][t];
    }
    for (let j = i; j < J; j++) {
      let s = 0;
      for (let t = 0; t < T; t++) s += donors[i][t] * donors[j][t];
      H[i * J + j] = s;
      H[j * J + i] = s;
    }
  }
  return (tau: number) => {
    const g = new Float64Array(J);
    for (let i = 0; i < J; i++) g[i] = g0[i] - tau * gPost[i];
    const r = solveSimplexQp(H, g, J).w;
    const synth = combine(donors, r);
    const u = new Float64Array(T);
    for (let t = 0; t < T; t++) u[t] = treated[t] - (t >= t0 ? tau : 0) - synth[t];
    return u;
  };
}
