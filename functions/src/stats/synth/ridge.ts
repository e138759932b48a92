/**
 * Ridge-augmented synthetic control (Ben-Michael, Feller & Rothstein 2021, "The Augmented
 * Synthetic Control Method", JASA 116:1789, §4 eq. (10)–(11)).
 *
 * With control pre-period outcomes centred at their mean (X̃_i = X_i − X̄_0) and the SC weights
 * w, the ridge-augmented weights are
 *
 *   γ_i = w_i + (X_1 − X_0ᵀw)ᵀ (X̃_0ᵀX̃_0 + λI)⁻¹ X̃_i
 *
 * i.e. the SC estimate plus a ridge outcome-model correction of its remaining pre-period
 * imbalance. Σγ = 1 (the X̃_i sum to zero) but γ may be negative (extrapolation, the price of the
 * bias correction); the estimate is Σγ_i Y_it in every period.
 *
 * λ: given, or chosen by rolling-origin cross-validation over the last H ≤ 5 pre periods (for
 * each holdout period h: SC weights from periods < h, augmented with each λ on the grid,
 * squared error at h; λ with the lowest mean error). augsynth's default cross-validation is
 * similar in spirit (holding out pre periods); this is a simplification, documented as such.
 */
import { fitOutcomeWeights } from "./sc";

/** γ for pre periods [0, t0). */
export function ridgeAugmentedWeights(
  donors: Float64Array[],
  treated: Float64Array,
  t0: number,
  w: ArrayLike<number>,
  lambda: number,
): Float64Array {
  const J = donors.length;
  const mean = new Float64Array(t0);
  for (const d of donors) for (let t = 0; t < t0; t++) mean[t] += d[t] / J;
  const imbalance = new Float64Array(t0);
  for (let t = 0; t < t0; t++) {
    let s = 0;
    for (let j = 0; j < J; j++) s += w[j] * donors[j][t];
    imbalance[t] = treated[t] - s;
  }
  // A = X̃ᵀX̃ + λI (t0 × t0), solve A a = imbalance.
  const A = new Float64Array(t0 * t0);
  for (const d of donors) {
    for (let s = 0; s < t0; s++) {
      const ds = d[s] - mean[s];
      for (let t = s; t < t0; t++) A[s * t0 + t] += ds * (d[t] - mean[t]);
    }
  }
  for (let s = 0; s < t0; s++) {
    A[s * t0 + s] += lambda;
    for (let t = 0; t < s; t++) A[s * t0 + t] = A[t * t0 + s];
  }
  const a = choleskySolve(A, imbalance, t0);
  const gamma = new Float64Array(J);
  for (let j = 0; j < J; j++) {
    let c = 0;
    for (let t = 0; t < t0; t++) c += (donors[j][t] - mean[t]) * a[t];
    gamma[j] = w[j] + c;
  }
  return gamma;
}

function choleskySolve(A: Float64Array, b: Float64Array, n: number): Float64Array {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      if (i === j) L[i * n + i] = Math.sqrt(Math.max(s, 1e-300));
      else L[i * n + j] = s / L[j * n + j];
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * n + k] * y[k];
    y[i] = s / L[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * x[k];
    x[i] = s / L[i * n + i];
  }
  return x;
}

export interface LambdaChoice {
  lambda: number;
  source: "given" | "cv";
  grid?: { lambda: number; cv_mse: number }[];
}

export function chooseLambda(donors: Float64Array[], treated: Float64Array, t0: number): LambdaChoice {
  const J = donors.length;
  let trace = 0;
  for (let t = 0; t < t0; t++) {
    let m = 0;
    for (const d of donors) m += d[t] / J;
    for (const d of donors) trace += (d[t] - m) ** 2;
  }
  const base = Math.max(trace, 1e-12);
  const grid = Array.from({ length: 15 }, (_, i) => base * 10 ** (1 - i * 0.5));
  const H = Math.min(5, Math.floor(t0 / 3));
  if (H < 1) return { lambda: grid[4], source: "cv", grid: [] };
  const sse = new Array<number>(grid.length).fill(0);
  for (let h = t0 - H; h < t0; h++) {
    const { w } = fitOutcomeWeights(donors, treated, h);
    grid.forEach((lambda, li) => {
      const gamma = ridgeAugmentedWeights(donors, treated, h, w, lambda);
      let pred = 0;
      for (let j = 0; j < J; j++) pred += gamma[j] * donors[j][h];
      sse[li] += (treated[h] - pred) ** 2;
    });
  }
  let best = 0;
  for (let i = 1; i < grid.length; i++) if (sse[i] < sse[best] - 1e-12 * sse[best]) best = i;
  return {
    lambda: grid[best],
    source: "cv",
    grid: grid.map((lambda, i) => ({ lambda, cv_mse: sse[i] / H })),
  };
}
