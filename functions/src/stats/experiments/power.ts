/**
 * Sample size and minimum detectable effect of a two-sided test comparing one treatment arm with
 * control, under the normal approximation — the convention of statsmodels
 * `NormalIndPower().solve_power(effect_size, nobs1, alpha, power, ratio, alternative="two-sided")`
 * (nobs1 = control units, ratio = treatment/control units), including the (tiny) probability of
 * rejecting in the wrong tail:
 *
 *   power = Φ(δ − z_{1−α/2}) + Φ(−δ − z_{1−α/2}),  δ = d / √(1/n_c + 1/n_t).
 *
 * Effect sizes: means d = Δ/σ (Cohen's d with the common σ); proportions Cohen's h =
 * 2 asin√p_t − 2 asin√p_c (statsmodels `proportion_effectsize`; Cohen (1988) "Statistical Power
 * Analysis for the Behavioral Sciences", 2nd ed., ch. 6), whose variance-stabilised scale makes
 * the sample size independent of the unknown arm variances.
 *
 * CUPED with variance reduction VR (= ρ² for the pre/post correlation ρ) multiplies the variance
 * of the difference, hence the required units, by (1 − VR) (Deng et al. 2013, §3.3).
 */
import { normalCdf, normalQuantile } from "./normal";

export function powerOfTest(effectSize: number, nControl: number, ratio: number, alpha: number): number {
  const crit = normalQuantile(1 - alpha / 2);
  const delta = Math.abs(effectSize) / Math.sqrt(1 / nControl + 1 / (nControl * ratio));
  return normalCdf(delta - crit) + normalCdf(-delta - crit);
}

/** Control units (continuous, like statsmodels' nobs1) for the given power. */
export function solveControlUnits(effectSize: number, ratio: number, alpha: number, power: number): number {
  const d = Math.abs(effectSize);
  if (!(d > 0)) throw new RangeError("the effect size must be non-zero");
  // Start from the one-tail closed form, then bisect on the exact two-tail power.
  const z = normalQuantile(1 - alpha / 2) + normalQuantile(power);
  const guess = (z / d) ** 2 * (1 + 1 / ratio);
  let lo = guess * 0.5;
  let hi = guess * 1.5;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (powerOfTest(d, mid, ratio, alpha) < power) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** The smallest |effect size| detectable with the given power and control units. */
export function solveEffectSize(nControl: number, ratio: number, alpha: number, power: number): number {
  const scale = Math.sqrt(1 / nControl + 1 / (nControl * ratio));
  let lo = 0;
  let hi = 20 * scale * (normalQuantile(1 - alpha / 2) + normalQuantile(power) + 1);
  for (let i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (powerOfTest(mid, nControl, ratio, alpha) < power) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Cohen's h for a rise from p_c to p_t. */
export function cohenH(pControl: number, pTreatment: number): number {
  return 2 * Math.asin(Math.sqrt(pTreatment)) - 2 * Math.asin(Math.sqrt(pControl));
}

/** The treatment rate reached by an h-sized rise from p_c (inverse of cohenH), capped at 1. */
export function rateFromH(pControl: number, h: number): number {
  const a = Math.asin(Math.sqrt(pControl)) + h / 2;
  return a >= Math.PI / 2 ? 1 : Math.sin(a) ** 2;
}
