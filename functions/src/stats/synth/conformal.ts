/**
 * Conformal inference for synthetic controls (Chernozhukov, Wüthrich & Zhu 2021, "An Exact and
 * Robust Conformal Inference Method for Counterfactual and Synthetic Controls", JASA 116:1849).
 *
 * H0: the effect is τ in every post period. Under H0 the treated unit's post outcomes minus τ
 * are its counterfactual, so the estimator is refit on ALL T periods with the adjusted series
 * (`residuals(τ)` does that), giving residuals û_1..û_T. With
 *
 *   S(û) = ( T1^{-1/2} Σ_{t ∈ post} |û_t|^q )^{1/q}
 *
 * and the T cyclic ("moving block") permutations π_j(t) = t + j mod T, the p-value is
 * p(τ) = T^{-1} Σ_j 1{S(û∘π_j) ≥ S(û)} (the identity included, so p ≥ 1/T). The (1 − α) set
 * {τ : p(τ) > α} is found by stepping out from the point estimate until rejection, then
 * bisecting each boundary; the reported p-value is p(0), from the same test.
 */
export type ResidualFn = (tau: number) => Float64Array;

export function conformalStatistic(u: Float64Array, t0: number, q: 1 | 2, shift = 0): number {
  const T = u.length;
  const t1 = T - t0;
  let s = 0;
  for (let t = t0; t < T; t++) {
    const v = Math.abs(u[(t + shift) % T]);
    s += q === 1 ? v : v * v;
  }
  return q === 1 ? s / Math.sqrt(t1) : Math.sqrt(s / Math.sqrt(t1));
}

export function conformalPValue(u: Float64Array, t0: number, q: 1 | 2 = 1): number {
  const T = u.length;
  const s0 = conformalStatistic(u, t0, q, 0);
  const tol = 1e-12 * Math.max(Math.abs(s0), 1);
  let count = 0;
  for (let j = 0; j < T; j++) if (conformalStatistic(u, t0, q, j) >= s0 - tol) count++;
  return count / T;
}

export interface ConformalResult {
  pValue: number;
  ci: [number, number] | null;
  interval: "bounded" | "unbounded" | "empty";
  /** The accepted set was not an interval around the estimate and had to be widened to 0. */
  widenedToZero: boolean;
  evaluations: number;
  nPermutations: number;
}

export function conformalInference(
  residuals: ResidualFn,
  t0: number,
  T: number,
  alpha: number,
  center: number,
  scale: number,
  q: 1 | 2 = 1,
): ConformalResult {
  let evaluations = 0;
  const p = (tau: number) => {
    evaluations++;
    return conformalPValue(residuals(tau), t0, q);
  };
  const p0 = p(0);
  const step0 = Math.max(scale, Math.abs(center) * 0.05, 1e-9);
  let start: number | null = p(center) > alpha ? center : null;
  if (start === null) {
    // Look for any accepted τ on a coarse grid around the estimate.
    for (let k = 1; k <= 40 && start === null; k++) {
      for (const sgn of [-1, 1]) {
        const tau = center + sgn * k * step0 * 0.25;
        if (p(tau) > alpha) {
          start = tau;
          break;
        }
      }
    }
  }
  if (1 / T > alpha) {
    return {
      pValue: p0,
      ci: null,
      interval: "unbounded",
      widenedToZero: false,
      evaluations,
      nPermutations: T,
    };
  }
  if (start === null) {
    return { pValue: p0, ci: null, interval: "empty", widenedToZero: false, evaluations, nPermutations: T };
  }
  const edge = (dir: -1 | 1): number | null => {
    let inside = start as number;
    let step = step0;
    let outside: number | null = null;
    for (let k = 0; k < 60; k++) {
      const tau = inside + dir * step;
      if (p(tau) > alpha) {
        inside = tau;
        step *= 2;
      } else {
        outside = tau;
        break;
      }
    }
    if (outside === null) return null;
    let out: number = outside;
    for (let k = 0; k < 60; k++) {
      const mid: number = (inside + out) / 2;
      if (Math.abs(out - inside) <= 1e-10 * Math.max(Math.abs(mid), step0)) break;
      if (p(mid) > alpha) inside = mid;
      else out = mid;
    }
    return (inside + out) / 2;
  };
  const lo = edge(-1);
  const hi = edge(1);
  if (lo === null || hi === null) {
    return {
      pValue: p0,
      ci: null,
      interval: "unbounded",
      widenedToZero: false,
      evaluations,
      nPermutations: T,
    };
  }
  let widenedToZero = false;
  let ci: [number, number] = [lo, hi];
  if (p0 > alpha && (0 < lo || 0 > hi)) {
    ci = [Math.min(lo, 0), Math.max(hi, 0)];
    widenedToZero = true;
  }
  return { pValue: p0, ci, interval: "bounded", widenedToZero, evaluations, nPermutations: T };
}
