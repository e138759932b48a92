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
 * {τ : p(τ) > α} need not be an interval (it is not on Prop 99); the reported interval is its
 * hull on a fine grid (see conformalInference), the reported p-value is p(0) from the same test,
 * and when p(0) > α the interval is widened to contain 0 so the two never disagree.
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
  /** p(0) > α but the hull missed 0: the interval was widened to include 0. */
  widenedToZero: boolean;
  /** p(0) ≤ α but 0 lay in a gap of the (non-convex) accepted set: the interval was cut at 0. */
  truncatedAtZero?: boolean;
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
  opts: { maxEvaluations?: number } = {},
): ConformalResult {
  let evaluations = 0;
  const p = (tau: number) => {
    evaluations++;
    return conformalPValue(residuals(tau), t0, q);
  };
  const p0 = p(0);
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
  // Grid walk outward from the estimate with step = scale/20; a side ends after a run of
  // GAP consecutive rejections beyond its last accepted point. The reported interval is the hull
  // of the accepted grid points, each end refined by bisection against the next (rejected) point.
  const step = Math.max(scale, Math.abs(center) * 1e-6, 1e-12) / 20;
  const GAP = 200;
  const budget = opts.maxEvaluations ?? 20000;
  const accepted0 = p(center) > alpha;
  const acceptedK: number[] = accepted0 ? [0] : [];
  const walk = (dir: -1 | 1): { k: number | null; bounded: boolean } => {
    let last: number | null = accepted0 ? 0 : null;
    for (let k = 1; evaluations < budget; k++) {
      if (last !== null && k - last > GAP) return { k: last, bounded: true };
      if (last === null && k > 4 * GAP) return { k: null, bounded: true };
      if (p(center + dir * k * step) > alpha) {
        last = k;
        acceptedK.push(dir * k);
      }
    }
    return { k: last, bounded: false };
  };
  const lo = walk(-1);
  const hi = walk(1);
  if (!lo.bounded || !hi.bounded) {
    return {
      pValue: p0,
      ci: null,
      interval: "unbounded",
      widenedToZero: false,
      evaluations,
      nPermutations: T,
    };
  }
  if (lo.k === null && hi.k === null) {
    return { pValue: p0, ci: null, interval: "empty", widenedToZero: false, evaluations, nPermutations: T };
  }
  const refine = (inside: number, outside: number): number => {
    for (let k = 0; k < 60; k++) {
      const mid = (inside + outside) / 2;
      if (Math.abs(outside - inside) <= 1e-9 * Math.max(Math.abs(mid), step)) break;
      if (p(mid) > alpha) inside = mid;
      else outside = mid;
    }
    return (inside + outside) / 2;
  };
  // A side with no accepted point uses the other side's innermost accepted point as its end.
  const loK = lo.k ?? -(hi.k as number);
  const hiK = hi.k ?? -(lo.k as number);
  const a = refine(center - loK * step, center - (loK + 1) * step);
  const b = refine(center + hiK * step, center + (hiK + 1) * step);
  let ci: [number, number] = [a, b];
  let widenedToZero = false;
  let truncatedAtZero = false;
  if (p0 > alpha && (0 < a || 0 > b)) {
    ci = [Math.min(a, 0), Math.max(b, 0)];
    widenedToZero = true;
  } else if (p0 <= alpha && a <= 0 && 0 <= b) {
    // Keep the estimate's side of 0: its last accepted grid point before 0, refined toward 0.
    truncatedAtZero = true;
    const sideK = acceptedK.filter((k) => (center < 0 ? center + k * step < 0 : center + k * step > 0));
    if (center < 0) {
      const k = Math.max(...sideK);
      ci = [a, refine(center + k * step, Math.min(center + (k + 1) * step, 0))];
    } else {
      const k = Math.min(...sideK);
      ci = [refine(center + k * step, Math.max(center + (k - 1) * step, 0)), b];
    }
  }
  return {
    pValue: p0,
    ci,
    interval: "bounded",
    widenedToZero,
    truncatedAtZero,
    evaluations,
    nPermutations: T,
  };
}
