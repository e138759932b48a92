/**
 * Student-t probabilities to ~1e-15 relative for any df > 0, tails down to the double range.
 *
 * With a = ν/2, x = ν/(ν + t²) and y = t²/(ν + t²) (Abramowitz & Stegun 26.7.1):
 *   two-sided tail  P(|T| ≥ t) = I_x(a, ½),    central  P(|T| < t) = I_y(½, a).
 * Three evaluations, each used where it converges fast and nothing cancels:
 *  - central, |t| < 1: the hypergeometric series I_y(½, a) = y^½ x^a / (½ B(½, a)) ₂F₁(a + ½, 1; 3/2; y)
 *    (DLMF 8.17.8), all terms positive; the tail there is 1 − central ≥ 0.3.
 *  - tail, df ≥ 40 and t² ≤ (e³ − 1)ν: DiDonato & Morris (1992) "Algorithm 708: significant digit computation of the
 *    incomplete beta function ratios", ACM TOMS 18(3):360–373, BGRAT (eqs 9–9.6): the asymptotic
 *    expansion of I_x(a, b) for large a and b ≤ 1 in incomplete gamma functions of u = −(a + (b − 1)/2) ln x.
 *    With b = ½ it starts from erfc(√u), so it is exact in the normal limit and needs ≤ 30 terms at
 *    any df (the continued fraction needs O(√df) terms, a million at df = 1e12).
 *  - tail otherwise (df < 40, or t far beyond √ν): the continued fraction for I_x(a, b) (Numerical Recipes §6.4, modified Lentz), on
 *    whichever side converges.
 * Everything is assembled in logs, with ln(1 + t²/ν) from log1p and ln Γ(a + ½)/Γ(a) from Stirling's
 * series (never a difference of two log-gammas, which loses 13 digits at df = 1e12).
 */
import { betaContinuedFraction } from "./experiments/beta-function";
import { normalTwoSidedP } from "./experiments/normal";
import { gammaContinuedFraction } from "./gamma-fraction";

const LN_SQRT_PI = 0.5723649429247001; // ln √π
const LN_SQRT_2_OVER_PI = -0.22579135264472744; // ln √(2/π)
const LN_SQRT_2PI = 0.9189385332046728; // ln √(2π)
/**
 * Below this df the tail comes from the continued fraction, above from BGRAT while
 * ln(1 + t²/ν) ≤ 3: past that the expansion drifts (1e-12 at 4, 1e-9 at 4.5 against the fraction).
 */
const BGRAT_MIN_DF = 40;
const BGRAT_MAX_LOG = 3;

/** Stirling's correction δ(z) = ln Γ(z) − [(z − ½) ln z − z + ½ ln 2π] for z ≥ 10 (A&S 6.1.41); error < 1e-17. */
function stirlingDelta(z: number): number {
  const w = 1 / (z * z);
  return (
    (1 / 12 +
      w * (-1 / 360 + w * (1 / 1260 + w * (-1 / 1680 + w * (1 / 1188 + w * (-691 / 360360 + w / 156)))))) /
    z
  );
}

/**
 * ln[Γ(a + ½) / (Γ(a) √a)], which is O(1/a): Stirling's series for a ≥ 10, where
 * ln Γ(a + ½) − ln Γ(a) = ½ ln a + a log1p(1/(2a)) − ½ + δ(a + ½) − δ(a), and the recurrence
 * Γ(a + ½)/Γ(a) = [Γ(a + 1 + ½)/Γ(a + 1)] · a/(a + ½) below.
 */
export function logGammaHalfRatioScaled(a: number): number {
  let product = 1;
  let b = a;
  while (b < 10) {
    product *= b / (b + 0.5);
    b += 1;
  }
  const large = b * Math.log1p(0.5 / b) - 0.5 + stirlingDelta(b + 0.5) - stirlingDelta(b);
  return b === a ? large : large + Math.log(product) + 0.5 * Math.log(b / a);
}

/** The pieces of (t, ν) every evaluation needs; t ≥ 0. */
export interface TPoint {
  t: number;
  df: number;
  a: number;
  /** ln(1 + t²/ν) = −ln x, exact to a few ulp even when t²/ν underflows or overflows. */
  logOnePlus: number;
  /** x = ν/(ν + t²) and y = t²/(ν + t²), each computed directly (no 1 − x). */
  x: number;
  y: number;
  /** ln[Γ(a + ½) / (Γ(a) √a)]. */
  lgs: number;
}

export function tPoint(t: number, df: number, lgs = logGammaHalfRatioScaled(df / 2)): TPoint {
  const s2 = (t * t) / df;
  if (s2 < 1e300) {
    return { t, df, a: df / 2, logOnePlus: Math.log1p(s2), x: 1 / (1 + s2), y: s2 / (1 + s2), lgs };
  }
  const logOnePlus = 2 * Math.log(t) - Math.log(df);
  return { t, df, a: df / 2, logOnePlus, x: Math.exp(-logOnePlus), y: 1, lgs };
}

/** ln of the t density: Γ(a + ½)/(Γ(a)√(νπ)) (1 + t²/ν)^−(a + ½) = e^lgs (1 + t²/ν)^−(a + ½) / √(2π). */
export function tLogDensity(pt: TPoint): number {
  return pt.lgs - LN_SQRT_2PI - (pt.a + 0.5) * pt.logOnePlus;
}

/** True when P(|T| < t) comes from the central series (and the tail from 1 − it). */
export function usesCentralSeries(pt: TPoint): boolean {
  return pt.t < 1 && pt.y < 0.5;
}

/** P(|T| < t) by the ₂F₁ series; only for usesCentralSeries points (ratio ≤ max(½, t²/2)). */
export function tCentral(pt: TPoint): number {
  let term = 1;
  let sum = 1;
  for (let n = 0; n < 2000; n++) {
    term *= ((pt.a + 0.5 + n) / (n + 1.5)) * pt.y;
    sum += term;
    if (term <= 1e-17 * sum) break;
  }
  // y^½ x^a / (½ B(½, a)) = t √(2/π) e^lgs (1 + t²/ν)^−(a + ½), since Γ(a + ½)/Γ(a) = √a e^lgs.
  return pt.t * Math.exp(LN_SQRT_2_OVER_PI + pt.lgs - (pt.a + 0.5) * pt.logOnePlus) * sum;
}

/** ln P(|T| ≥ t) for points outside the central series (t ≥ 1 or y ≥ ½). */
export function tLogTail(pt: TPoint): number {
  if (pt.df < BGRAT_MIN_DF) return logTailFraction(pt);
  if (pt.logOnePlus <= BGRAT_MAX_LOG) return logTailBgrat(pt);
  // Far out (x < e^−3) the fraction converges in a few terms; past e^−2000 the tail is far below
  // the double range and the leading x^a only steers the quantile search.
  return pt.a * pt.logOnePlus > 2000 ? -pt.a * pt.logOnePlus : logTailFraction(pt);
}

/** P(|T| ≥ t), t ≥ 0 finite, df > 0 finite. */
export function tTwoSidedTail(pt: TPoint): number {
  if (pt.t === 0) return 1;
  if (usesCentralSeries(pt)) return 1 - tCentral(pt);
  return Math.exp(tLogTail(pt));
}

/** DiDonato & Morris eq. 9.3: the coefficients p_n of BGRAT for b = ½ (they depend on b only). */
const BGRAT_P: number[] = (() => {
  const b = 0.5;
  const factorial = [1];
  for (let k = 1; k < 64; k++) factorial.push(factorial[k - 1] * k);
  const p = [1];
  for (let n = 1; n < 30; n++) {
    let s = 0;
    for (let m = 1; m < n; m++) s += ((m * b - n) * p[n - m]) / factorial[2 * m + 1];
    p.push(s / n + (b - 1) / factorial[2 * n + 1]);
  }
  return p;
})();

/**
 * BGRAT for I_x(a, ½) (DiDonato & Morris 1992, eqs 9–9.6; Boost's beta_small_b_large_a_series):
 *   I_x(a, b) = [Γ(a + b)/(Γ(a) T^b)] h(u) Σ p_n J_n,   T = a + (b − 1)/2,  u = −T ln x,
 * with h(u) = e^−u u^b/Γ(b), J_0 = Q(b, u)/h(u) and the recurrence (9.6) for J_n. For b = ½,
 * Q(½, u) = erfc(√u) and J_0 is the Legendre continued fraction itself (no underflow for large u).
 */
function logTailBgrat(pt: TPoint): number {
  const b = 0.5;
  const T = pt.a - 0.25;
  const lx = -pt.logOnePlus;
  const u = T * pt.logOnePlus;
  let j =
    u >= 1.5
      ? gammaContinuedFraction(b, u)
      : normalTwoSidedP(Math.sqrt(2 * u)) / Math.exp(-u + 0.5 * Math.log(u / Math.PI));
  let sum = j;
  const lx2 = (lx / 2) * (lx / 2);
  const t4 = 4 * T * T;
  let lxp = 1;
  let b2n = b;
  for (let n = 1; n < BGRAT_P.length; n++) {
    j = (b2n * (b2n + 1) * j + (u + b2n + 1) * lxp) / t4;
    lxp *= lx2;
    b2n += 2;
    const r = BGRAT_P[n] * j;
    sum += r;
    if (Math.abs(r) <= 1e-17 * Math.abs(sum)) break;
  }
  // h(u) Γ(a + ½)/(Γ(a) √T) = e^−u √(u/π) √(a/T) e^lgs = e^−u √(a ln(1 + t²/ν)/π) e^lgs, as u/T = ln(1 + t²/ν).
  return -u + pt.lgs + 0.5 * Math.log((pt.a * pt.logOnePlus) / Math.PI) + Math.log(sum);
}

/** ln I_x(a, ½) from the Numerical Recipes continued fraction, on the side where it converges. */
function logTailFraction(pt: TPoint): number {
  const { a, x, y } = pt;
  // x^a y^½ / B(a, ½), with 1/B(a, ½) = Γ(a + ½)/(Γ(a) √π) = √a e^lgs/√π.
  const logFront = -a * pt.logOnePlus + 0.5 * Math.log(y) + 0.5 * Math.log(a) + pt.lgs - LN_SQRT_PI;
  if (x < (a + 1) / (a + 2.5)) return logFront + Math.log(betaContinuedFraction(x, a, 0.5, 1e-16) / a);
  return Math.log1p((-Math.exp(logFront) * betaContinuedFraction(y, 0.5, a, 1e-16)) / 0.5);
}
