/**
 * CUPED: variance reduction with the unit's pre-experiment value of the metric.
 *
 * Deng, A., Xu, Y., Kohavi, R. & Walker, T. (2013) "Improving the Sensitivity of Online
 * Controlled Experiments by Utilizing Pre-Experiment Data", WSDM '13, §3.
 *
 *   θ = cov(x, y) / var(x), pooled over the units of all arms (x is pre-treatment, so its
 *       relation to y does not depend on the arm and pooling keeps θ unbiased for every pair);
 *   y_cv = y − θ (x − x̄), per arm mean ȳ − θ(x̄_arm − x̄) and variance
 *   s_y² + θ² s_x² − 2θ s_xy (the arm's own moments).
 * The adjusted arms then go through the Welch test, as if y_cv were the metric; θ is treated as
 * known (its estimation error is O(1/n), §3.2).
 *
 * Units without pre-period data: x is filled with the mean of the observed pre-period values
 * (pooled across arms). Such a unit's y_cv is y shifted by a constant common to all units, so it
 * contributes its unadjusted value, and the filled x is still pre-treatment, so the estimator
 * stays unbiased (the "fill with the mean" fallback of Deng et al. §3.4 for new users).
 */
import type { Summary } from "./moments";
import { sampleCovariance, sampleVariance } from "./moments";

/** Raw per-arm sums as the SQL returns them: y over all units, x only over units with x. */
export interface CupedArmSums {
  n: number;
  sumY: number;
  sumY2: number;
  /** Units with a pre-period value. */
  nX: number;
  sumX: number;
  sumX2: number;
  sumXY: number;
  /** Σy over the units with a pre-period value. */
  sumYWithX: number;
}

export interface FilledArm {
  n: number;
  sumY: number;
  sumY2: number;
  sumX: number;
  sumX2: number;
  sumXY: number;
}

/** The mean of the observed pre-period values over all arms; null when no unit has one. */
export function cupedFillValue(arms: CupedArmSums[]): number | null {
  const nX = arms.reduce((s, a) => s + a.nX, 0);
  if (nX === 0) return null;
  return arms.reduce((s, a) => s + a.sumX, 0) / nX;
}

/** Sums after filling missing x with `fill`: Σx += m·c, Σx² += m·c², Σxy += c·Σ_{no x} y. */
export function fillMissingCovariate(a: CupedArmSums, fill: number): FilledArm {
  const missing = a.n - a.nX;
  return {
    n: a.n,
    sumY: a.sumY,
    sumY2: a.sumY2,
    sumX: a.sumX + missing * fill,
    sumX2: a.sumX2 + missing * fill * fill,
    sumXY: a.sumXY + fill * (a.sumY - a.sumYWithX),
  };
}

export interface CupedFit {
  theta: number;
  /** Pooled mean of x (after filling). */
  meanX: number;
  /** Pooled var(x); θ is 0 when it is 0. */
  varX: number;
}

/** θ = cov(x, y)/var(x) over the pooled units of `arms`. */
export function cupedTheta(arms: FilledArm[]): CupedFit {
  let n = 0,
    sx = 0,
    sxx = 0,
    sy = 0,
    sxy = 0;
  for (const a of arms) {
    n += a.n;
    sx += a.sumX;
    sxx += a.sumX2;
    sy += a.sumY;
    sxy += a.sumXY;
  }
  const varX = sampleVariance(n, sx, sxx);
  const cov = sampleCovariance(n, sx, sy, sxy);
  return { theta: varX > 0 ? cov / varX : 0, meanX: n > 0 ? sx / n : 0, varX };
}

/** The arm's adjusted metric y − θ(x − x̄): its mean and variance. */
export function cupedAdjust(a: FilledArm, fit: CupedFit): Summary {
  const n = a.n;
  const my = a.sumY / n;
  const mx = a.sumX / n;
  const vy = sampleVariance(n, a.sumY, a.sumY2);
  const vx = sampleVariance(n, a.sumX, a.sumX2);
  const cxy = sampleCovariance(n, a.sumX, a.sumY, a.sumXY);
  const t = fit.theta;
  return {
    n,
    mean: my - t * (mx - fit.meanX),
    variance: Math.max(0, vy + t * t * vx - 2 * t * cxy),
  };
}
