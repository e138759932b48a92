/**
 * Tail probabilities and quantiles of the t, F and chi-square distributions.
 *
 * Student's t has its own implementation (student-t.ts, student-t-quantile.ts), ~1e-15 relative at
 * any df against mpmath. For F and chi-square, jStat supplies the regularised incomplete beta and
 * gamma functions. Upper tails are taken
 * straight from the incomplete beta (never as 1 − cdf) so tiny p-values keep their relative
 * accuracy; jStat's continued fraction stops at a relative step of 3e-7, which in practice
 * leaves p-values and quantiles within ~1e-7 relative of scipy's (measured against scipy 1.10).
 * The upper regularised gamma Q(a, x) is written here because jStat only returns 1 − Q, which
 * cancels to zero for small chi-square p-values.
 */

import { normalTwoSidedP } from "./experiments/normal";
import { gammaContinuedFraction } from "./gamma-fraction";
import { tPoint, tTwoSidedTail } from "./student-t";
import { tUpperQuantile } from "./student-t-quantile";

interface JStat {
  ibeta(x: number, a: number, b: number): number;
  lowRegGamma(a: number, x: number): number;
  gammaln(x: number): number;
}

// jstat ships no type declarations; the subset used here is typed above.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { jStat } = require("jstat") as { jStat: JStat };

/** Re-exported from its own module (normal.ts and student-t.ts use it; no require cycle). */
export { gammaContinuedFraction };

function assertDf(df: number, name = "df"): void {
  if (!(df > 0) || !Number.isFinite(df)) throw new RangeError(`${name} must be a positive number, got ${df}`);
}

/**
 * Two-sided p-value of a t statistic: P(|T| ≥ |t|) = I_{ν/(ν+t²)}(ν/2, 1/2), to ~1e-15 relative for
 * any df (fractional, up to 1e12 and beyond) and tails down to the double range; see student-t.ts.
 * df = Infinity gives the normal tail.
 */
export function studentTTwoSidedP(t: number, df: number): number {
  assertTDf(df);
  if (!Number.isFinite(t)) return Number.isNaN(t) ? NaN : 0;
  if (t === 0) return 1;
  if (df === Infinity) return normalTwoSidedP(t);
  return clampProbability(tTwoSidedTail(tPoint(Math.abs(t), df)));
}

/** The p-quantile of Student's t (df = Infinity: the normal), to ~1e-15 relative; see student-t-quantile.ts. */
export function studentTQuantile(p: number, df: number): number {
  assertTDf(df);
  if (!(p > 0 && p < 1)) throw new RangeError(`p must be in (0, 1), got ${p}`);
  if (p === 0.5) return 0;
  // 1 − p is exact for p ≥ ½ (Sterbenz), so both tails keep their relative accuracy.
  return p < 0.5 ? -tUpperQuantile(p, df) : tUpperQuantile(1 - p, df);
}

/** The t functions also take df = Infinity (the normal limit); F and chi-square do not. */
function assertTDf(df: number): void {
  if (df !== Infinity) assertDf(df);
}

/** Upper tail of the F(d1, d2) distribution: P(F ≥ f) = I_{d2/(d2+d1 f)}(d2/2, d1/2). */
export function fUpperP(f: number, d1: number, d2: number): number {
  assertDf(d1, "d1");
  assertDf(d2, "d2");
  if (f <= 0) return 1;
  if (!Number.isFinite(f)) return 0;
  return clampProbability(jStat.ibeta(d2 / (d2 + d1 * f), d2 / 2, d1 / 2));
}

/** Upper tail of the chi-square(k) distribution: Q(k/2, x/2). */
export function chiSquareUpperP(x: number, k: number): number {
  assertDf(k, "k");
  if (x <= 0) return 1;
  if (!Number.isFinite(x)) return 0;
  return clampProbability(upperRegularizedGamma(k / 2, x / 2));
}

/**
 * Q(a, x) = Γ(a, x)/Γ(a). Below x = a + 1 the series for P converges fast and Q = 1 − P is not
 * small, so jStat's lower function is fine; above it, Q comes from the Legendre continued fraction
 * (Numerical Recipes §6.2, modified Lentz), evaluated to full double precision.
 */
export function upperRegularizedGamma(a: number, x: number): number {
  if (x < a + 1) return 1 - jStat.lowRegGamma(a, x);
  return Math.exp(-x + a * Math.log(x) - jStat.gammaln(a)) * gammaContinuedFraction(a, x);
}

function clampProbability(p: number): number {
  return Math.min(1, Math.max(0, p));
}
