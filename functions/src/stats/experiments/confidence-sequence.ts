/**
 * Always-valid confidence sequences for an A/B difference, so the result may be looked at every
 * day (or after every unit) without inflating the false-positive rate.
 *
 * Method: the asymptotic confidence sequence of Waudby-Smith, I., Arbour, D., Sinha, R., Kennedy,
 * E. H. & Ramdas, A. (2024) "Time-uniform central limit theory and asymptotic confidence
 * sequences", Annals of Statistics 52(6) (arXiv:2103.06476), Theorem 2.2, with the two-sided
 * normal-mixture boundary of Howard, S. R., Ramdas, A., McAuliffe, J. & Sekhon, J. (2021)
 * "Time-uniform, nonparametric, nonasymptotic confidence sequences", Annals of Statistics 49(2),
 * eq. (14). After t units with estimate Δ̂_t and variance estimate σ̂_t²/t:
 *
 *   Δ̂_t ± σ̂_t √( 2(tρ² + 1)/(t²ρ²) · log( √(tρ² + 1) / α ) ).
 *
 * For a two-arm difference σ̂_t² = t · SE_t², SE_t the Welch (or CUPED) standard error, t = units
 * in both arms; the half-width is then SE_t · √(2(tρ²+1)/(tρ²) · log(√(tρ²+1)/α)).
 *
 * Why this and not the mSPRT of Johari et al. (2017/2022): the mSPRT needs a parametric
 * (normal, known-variance) likelihood per observation; the asymptotic CS needs only a consistent
 * variance estimate, so it covers means, proportions, ratio metrics and CUPED-adjusted metrics
 * with the same sufficient statistics as the fixed-horizon test (the normal-mixture mSPRT is the
 * same boundary with σ assumed known). Statsig and Eppo use this family for the same reason.
 *
 * ρ sets where the sequence is tightest; Howard et al. (2021, §3.5) choose
 * ρ² = (−2 log α + log(−2 log α + 1)) / t* for a planned sample size t*. It must be fixed
 * before the data are seen for the guarantee to hold.
 */

/** ρ² tuned to be tightest at `plannedUnits` (Howard et al. 2021, §3.5). */
export function mixtureRho2(alpha: number, plannedUnits: number): number {
  const l = -2 * Math.log(alpha);
  return (l + Math.log(l + 1)) / plannedUnits;
}

/** The multiplier of SE: half-width = SE × csMultiplier. */
export function csMultiplier(units: number, alpha: number, rho2: number): number {
  const tr = units * rho2;
  return Math.sqrt(((2 * (tr + 1)) / tr) * Math.log(Math.sqrt(tr + 1) / alpha));
}

export interface SequentialInterval {
  ci_low: number;
  ci_high: number;
  /** The always-valid p-value: the smallest α at which the sequence excludes 0 at this look. */
  p_value: number;
  multiplier: number;
}

export function confidenceSequence(
  estimate: number,
  stdError: number,
  units: number,
  alpha: number,
  rho2: number,
): SequentialInterval {
  const m = csMultiplier(units, alpha, rho2);
  const tr = units * rho2;
  const z = estimate / stdError;
  // Solve |z| = multiplier(α) for α.
  const p = Math.sqrt(tr + 1) * Math.exp((-z * z * tr) / (2 * (tr + 1)));
  return {
    ci_low: estimate - m * stdError,
    ci_high: estimate + m * stdError,
    p_value: Math.min(1, p),
    multiplier: m,
  };
}
