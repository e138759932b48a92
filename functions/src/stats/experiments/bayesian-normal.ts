/**
 * Normal model for a difference in means (the large-sample Bayesian analysis of GrowthBook and
 * Eppo): the likelihood of the effect Δ is N(Δ̂, SE²) from the Welch (or CUPED-adjusted)
 * estimate; with a N(μ₀, σ₀²) prior (flat when none is given) the posterior is normal with
 *
 *   precision 1/σ₀² + 1/SE²,  mean (μ₀/σ₀² + Δ̂/SE²) / precision
 *
 * (conjugate normal–normal update, Gelman et al. (2013) "Bayesian Data Analysis", 3rd ed., §2.5).
 * For Δ ~ N(μ, s²): P(Δ > 0) = Φ(μ/s); expected loss of shipping E[max(−Δ, 0)] =
 * s φ(μ/s) − μ Φ(−μ/s); of keeping control E[max(Δ, 0)] = s φ(μ/s) + μ Φ(μ/s).
 */
import type { BayesianComparison } from "./bayesian-beta";
import { normalCdf, normalPdf, normalQuantile } from "./normal";

export interface NormalPrior {
  mean: number;
  sd: number;
}

export function normalPosterior(
  estimate: number,
  stdError: number,
  prior: NormalPrior | null,
): { mean: number; sd: number } {
  if (!prior) return { mean: estimate, sd: stdError };
  const p0 = 1 / (prior.sd * prior.sd);
  const p1 = 1 / (stdError * stdError);
  const precision = p0 + p1;
  return { mean: (prior.mean * p0 + estimate * p1) / precision, sd: Math.sqrt(1 / precision) };
}

export function normalComparison(mean: number, sd: number, alpha: number): BayesianComparison {
  const z = normalQuantile(1 - alpha / 2);
  const r = mean / sd;
  return {
    estimate: mean,
    std_error: sd,
    ci_low: mean - z * sd,
    ci_high: mean + z * sd,
    chance_to_beat_control: normalCdf(r),
    expected_loss: Math.max(0, sd * normalPdf(r) - mean * normalCdf(-r)),
    expected_loss_control: Math.max(0, sd * normalPdf(r) + mean * normalCdf(r)),
  };
}
