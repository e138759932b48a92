/**
 * Two-proportion z-test. The test statistic uses the pooled standard error under H0: p_t = p_c,
 *
 *   z = (p̂_t − p̂_c) / √( p̄(1 − p̄)(1/n_t + 1/n_c) ),  p̄ = (x_t + x_c)/(n_t + n_c),
 *
 * as statsmodels.stats.proportion.proportions_ztest (default, no continuity correction); the
 * interval uses the unpooled (Wald) standard error √(p̂_t(1−p̂_t)/n_t + p̂_c(1−p̂_c)/n_c), as
 * statsmodels confint_proportions_2indep(method="wald", compare="diff"). Fleiss, Levin & Paik (2003)
 * "Statistical Methods for Rates and Proportions", 3rd ed., §2.6.
 */
import { normalQuantile, normalTwoSidedP } from "./normal";
import type { DifferenceTest } from "./welch";

export interface ProportionArm {
  n: number;
  successes: number;
}

export interface ProportionTest extends DifferenceTest {
  /** The unpooled standard error behind the interval (std_error is the same; kept for clarity). */
  pooled_std_error: number;
}

/** Null when either arm is empty or the pooled rate is 0 or 1 (no variance). */
export function twoProportionTest(t: ProportionArm, c: ProportionArm, alpha: number): ProportionTest | null {
  if (t.n < 1 || c.n < 1) return null;
  const pt = t.successes / t.n;
  const pc = c.successes / c.n;
  const pooled = (t.successes + c.successes) / (t.n + c.n);
  const pooledSe = Math.sqrt(pooled * (1 - pooled) * (1 / t.n + 1 / c.n));
  if (!(pooledSe > 0)) return null;
  const se = Math.sqrt((pt * (1 - pt)) / t.n + (pc * (1 - pc)) / c.n);
  const estimate = pt - pc;
  const statistic = estimate / pooledSe;
  const crit = normalQuantile(1 - alpha / 2);
  return {
    estimate,
    std_error: se,
    pooled_std_error: pooledSe,
    statistic,
    df: Infinity,
    p_value: normalTwoSidedP(statistic),
    ci_low: estimate - crit * se,
    ci_high: estimate + crit * se,
  };
}
