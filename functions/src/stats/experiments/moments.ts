/**
 * Per-arm sufficient statistics, as the warehouse returns them: counts and sums of the unit-level
 * metric y, the pre-period covariate x and, for ratio metrics, the denominator z. Every estimator
 * in this folder works from these moments, never from unit-level rows, so memory is flat in the
 * number of units.
 */

/** Moments of one variable (Σ over units). */
export interface Moments {
  n: number;
  sum: number;
  sumSq: number;
}

export interface Summary {
  n: number;
  mean: number;
  /** Sample variance with the n − 1 denominator (0 when n < 2). */
  variance: number;
}

export function summarize(m: Moments): Summary {
  const mean = m.n > 0 ? m.sum / m.n : NaN;
  return { n: m.n, mean, variance: sampleVariance(m.n, m.sum, m.sumSq) };
}

/** (Σy² − (Σy)²/n) / (n − 1), clamped at 0 (rounding can make a zero variance slightly negative). */
export function sampleVariance(n: number, sum: number, sumSq: number): number {
  if (n < 2) return 0;
  return Math.max(0, (sumSq - (sum * sum) / n) / (n - 1));
}

/** Sample covariance with the n − 1 denominator. */
export function sampleCovariance(n: number, sumX: number, sumY: number, sumXY: number): number {
  if (n < 2) return 0;
  return (sumXY - (sumX * sumY) / n) / (n - 1);
}

/** One arm's moments of the metric y and, when present, the covariate x and denominator z. */
export interface ArmMoments {
  n: number;
  sumY: number;
  sumY2: number;
  /** Pre-period covariate over all n units (missing values already filled, see cuped.ts). */
  sumX?: number;
  sumX2?: number;
  sumXY?: number;
  /** Ratio metrics: the denominator z. */
  sumZ?: number;
  sumZ2?: number;
  sumYZ?: number;
}
