/**
 * The standard normal distribution to full double precision.
 *
 * jStat's erfc loses relative accuracy in the tails (Φ(−8) is 2% off), so tail probabilities
 * come from the upper regularised gamma function: for z ≥ 0, P(|Z| ≥ z) = Q(1/2, z²/2), the same
 * continued fraction that gives chi-square p-values (Numerical Recipes §6.2, with
 * the exact prefactor); below |z| = 1.7 from the Maclaurin series of erf (Abramowitz & Stegun 7.1.5), which
 * converges fast there without cancellation. Quantiles start from jStat's approximation and take Newton steps on the log of that cdf.
 */
import { gammaContinuedFraction } from "../gamma-fraction";

interface JStatNormal {
  normal: { inv(p: number, mean: number, sd: number): number };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { jStat } = require("jstat") as { jStat: JStatNormal };

const INV_SQRT_2PI = 0.3989422804014327;

export function normalPdf(z: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * z * z);
}

/** Two-sided tail P(|Z| ≥ |z|). */
export function normalTwoSidedP(z: number): number {
  if (Number.isNaN(z)) return NaN;
  if (!Number.isFinite(z)) return 0;
  if (z === 0) return 1;
  const a = Math.abs(z);
  if (a < 1.7) return 1 - erfSeries(a / Math.SQRT2);
  return Math.min(1, erfcContinuedFraction(0.5 * z * z));
}

/**
 * Q(1/2, x) = erfc(√x) by the Legendre continued fraction (modified Lentz), with the exact
 * prefactor e^(−x) √x / Γ(1/2) = e^(−x) √(x/π) instead of a log-gamma evaluation.
 */
function erfcContinuedFraction(x: number): number {
  return Math.exp(-x) * Math.sqrt(x / Math.PI) * gammaContinuedFraction(0.5, x);
}

/** erf(x) = 2/√π Σ (−1)ⁿ x^(2n+1) / (n! (2n+1)), for 0 ≤ x < 1.3. */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 60; n++) {
    term *= -x2 / n;
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

/** Φ(z) = P(Z ≤ z), accurate in both tails. */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  if (z === 0) return 0.5;
  const half = 0.5 * normalTwoSidedP(z);
  return z < 0 ? half : 1 - half;
}

/** 1 − Φ(z), accurate in the upper tail. */
export function normalSf(z: number): number {
  return normalCdf(-z);
}

/** Φ⁻¹(p). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`p must be in (0, 1), got ${p}`);
  if (p === 0.5) return 0;
  // Work in the lower tail for accuracy, then mirror.
  const lower = p < 0.5;
  const q = lower ? p : 1 - p;
  let x = jStat.normal.inv(q, 0, 1);
  if (q > 0.25) {
    // Near the median Φ(x) − ½ cancels (2.5e-7 came out 1e-10 off); solve ½ erf(|x|/√2) = ½ − q
    // instead, which is exact (Sterbenz) and evaluated by the series without cancellation.
    const c = 0.5 - q;
    let z = -x;
    for (let i = 0; i < 30; i++) {
      const step = (0.5 * erfSeries(z / Math.SQRT2) - c) / normalPdf(z);
      z -= step;
      if (Math.abs(step) < 1e-11 * Math.max(z, 1e-300)) break;
    }
    return lower ? -z : z;
  }
  // Newton on ln Φ(x) = ln q rather than on Φ(x) = q: jStat's start is only good to ~1e-4 in the far
  // tail, where steps on Φ itself move by ~1/|x| and three of them left Φ⁻¹(1e-19) 3e-5 off.
  for (let i = 0; i < 30; i++) {
    const cdf = normalCdf(x);
    const step = (Math.log(cdf / q) * cdf) / normalPdf(x);
    x -= step;
    if (Math.abs(step) < 1e-11 * Math.max(1, Math.abs(x))) break;
  }
  return lower ? x : -x;
}
