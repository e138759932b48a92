/**
 * Student-t quantiles to ~1e-15 relative for any df > 0.
 *
 *  - df large against z² (z the normal quantile): the Cornish–Fisher expansion to 1/ν⁴
 *    (Abramowitz & Stegun 26.7.5). Its truncation error, measured against mpmath, is below
 *    2e-4 (1 + z²)⁵ / ν⁵ + 0.05/ν⁵ (≈ 3.7e-26 at z = 1.96, ν = 1e6), so it is used only where that
 *    bound is < 1e-17. Being a polynomial in 1/ν with positive coefficients (for z ≳ 1), the
 *    rounded result is monotone in ν: no jitter between neighbouring Welch df.
 *  - otherwise: G. W. Hill (1970) "Algorithm 396: Student's t-quantiles", CACM 13(10):619–620 (as
 *    in R's qt) for a start, then Newton's method on the accurate tail of student-t.ts: on
 *    ln P(|T| ≥ t) = ln α in ln t for tails (so 1e-300 and Cauchy-like tails converge as fast as
 *    central ones), and on P(|T| < t) = 1 − α in t when α > ½ (exact target, no cancellation).
 *    Each step is safeguarded by a bracket; 2–3 steps from Hill's start.
 */
import { normalQuantile } from "./experiments/normal";
import {
  logGammaHalfRatioScaled,
  tCentral,
  tLogDensity,
  tLogTail,
  tPoint,
  usesCentralSeries,
  type TPoint,
} from "./student-t";

/** The upper quantile t > 0 with P(T ≥ t) = q, for 0 < q < ½ and df > 0 (Infinity: the normal). */
export function tUpperQuantile(q: number, df: number): number {
  const z = -normalQuantile(q);
  if (df === Infinity) return z;
  if (cornishFisherApplies(z, df)) return cornishFisher(z, df);
  const lgs = logGammaHalfRatioScaled(df / 2);
  const alpha = 2 * q;
  return refine(hillStart(alpha, df, z, lgs), alpha, df, lgs);
}

function cornishFisherApplies(z: number, df: number): boolean {
  const z2 = 1 + z * z;
  const bound = 2e-4 * z2 * z2 * z2 * z2 * z2 + 0.05;
  return df >= 1000 && bound * 1e17 <= df * df * df * df * df;
}

/** A&S 26.7.5: t = z + g₁/ν + g₂/ν² + g₃/ν³ + g₄/ν⁴, Horner in 1/ν. */
function cornishFisher(z: number, df: number): number {
  const z2 = z * z;
  const g1 = (z * (z2 + 1)) / 4;
  const g2 = (z * ((5 * z2 + 16) * z2 + 3)) / 96;
  const g3 = (z * (((3 * z2 + 19) * z2 + 17) * z2 - 15)) / 384;
  const g4 = (z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945)) / 92160;
  const w = 1 / df;
  return z + w * (g1 + w * (g2 + w * (g3 + w * g4)));
}

/**
 * Hill (1970), Algorithm 396, for the two-sided probability alpha; x is the lower normal quantile
 * of alpha/2. Below df = 1 (outside Hill's range) the power-law tail
 * α ≈ 2 e^lgs ν^((ν − 1)/2) t^−ν / √(2π) gives the start.
 */
function hillStart(alpha: number, n: number, z: number, lgs: number): number {
  if (n < 1) {
    const logT =
      (Math.LN2 + lgs - 0.5 * Math.log(2 * Math.PI) + 0.5 * (n - 1) * Math.log(n) - Math.log(alpha)) / n;
    return Math.min(Math.exp(logT), 1e300);
  }
  const a = 1 / (n - 0.5);
  const b = 48 / (a * a);
  let c = (((20700 * a) / b - 98) * a - 16) * a + 96.36;
  const d = ((94.5 / (b + c) - 3) / b + 1) * Math.sqrt((a * Math.PI) / 2) * n;
  const logY = (2 / n) * (Math.log(d) + Math.log(alpha));
  if ((n < 2.1 && alpha > 0.5) || logY > Math.log(0.05 + a)) {
    const x = -z;
    if (n < 5) c += 0.3 * (n - 4.5) * (x + 0.6);
    c = (((0.05 * d * x - 5) * x - 7) * x - 2) * x + b + c;
    const y = x * x;
    const v = (((((0.4 * y + 6.3) * y + 36) * y + 94.5) / c - y - 3) / b + 1) * x;
    return Math.sqrt(n * Math.expm1(a * v * v));
  }
  if (logY < Math.log(Number.EPSILON)) return Math.sqrt(n) * Math.exp(-logY / 2);
  const y = Math.exp(logY);
  const w =
    ((1 / (((n + 6) / (n * y) - 0.089 * d - 0.822) * (n + 2) * 3) + 0.5 / (n + 4)) * y - 1) *
      ((n + 1) / (n + 2)) +
    1 / y;
  return Math.sqrt(n * w);
}

/** ln P(|T| ≥ t) and P(|T| < t) at a point, each from the side that is accurate. */
function logTailAt(pt: TPoint): number {
  return usesCentralSeries(pt) ? Math.log1p(-tCentral(pt)) : tLogTail(pt);
}
function centralAt(pt: TPoint): number {
  return usesCentralSeries(pt) ? tCentral(pt) : -Math.expm1(tLogTail(pt));
}

/** Safeguarded Newton: the residual is increasing in t (central form) or decreasing (tail form). */
function refine(start: number, alpha: number, df: number, lgs: number): number {
  const central = alpha > 0.5;
  const target = central ? 1 - alpha : Math.log(alpha);
  let lo = 0;
  let hi = Infinity;
  let t = Number.isFinite(start) && start > 0 ? start : 1;
  for (let i = 0; i < 200; i++) {
    const pt = tPoint(t, df, lgs);
    let next: number;
    if (central) {
      const g = centralAt(pt) - target;
      if (g === 0) return t;
      if (g > 0) hi = t;
      else lo = t;
      next = t - g / (2 * Math.exp(tLogDensity(pt)));
    } else {
      const logTail = logTailAt(pt);
      const g = logTail - target;
      if (g === 0) return t;
      if (g > 0) lo = t;
      else hi = t;
      // d ln P / d ln t = −2 t f(t)/P(t); the step in ln t is capped at a factor e.
      const slope = -2 * Math.exp(Math.log(t) + tLogDensity(pt) - logTail);
      next = t * Math.exp(Math.max(-1, Math.min(1, -g / slope)));
    }
    // Newton converges quadratically: once a step is below 1e-9 t, the error left is ~1e-18 t.
    // A step that leaves the bracket (or lands on its end, which rounding can do at the root)
    // falls back to bisection, which only stops once the bracket itself is a few ulp wide.
    const newton = next > lo && next < hi;
    if (!newton) next = hi === Infinity ? 2 * t : lo === 0 ? hi / 2 : 0.5 * (lo + hi);
    if (next > 1.7e308) return Infinity;
    const step = next - t;
    t = next;
    if (newton ? Math.abs(step) <= 1e-9 * t : hi - lo <= 4e-16 * t) return t;
  }
  return t;
}
