/**
 * Welch's unequal-variances t-test for a difference in means from per-arm moments.
 *
 * Welch, B. L. (1947) "The generalization of 'Student's' problem when several different
 * population variances are involved", Biometrika 34(1–2):28–35; degrees of freedom by
 * Satterthwaite, F. E. (1946) "An approximate distribution of estimates of variance components",
 * Biometrics Bulletin 2(6):110–114:
 *
 *   Δ = ȳ_t − ȳ_c,  SE² = s_t²/n_t + s_c²/n_c,
 *   ν = SE⁴ / [ (s_t²/n_t)²/(n_t − 1) + (s_c²/n_c)²/(n_c − 1) ].
 *
 * Matches scipy.stats.ttest_ind(t, c, equal_var=False) and R t.test(var.equal = FALSE).
 */
import { studentTQuantile, studentTTwoSidedP } from "../distributions";
import type { Summary } from "./moments";

export interface DifferenceTest {
  estimate: number;
  std_error: number;
  statistic: number;
  df: number;
  p_value: number;
  ci_low: number;
  ci_high: number;
}

/** Returns null when the difference has no variance (both arms constant) or an arm has < 2 units. */
export function welchTest(treatment: Summary, control: Summary, alpha: number): DifferenceTest | null {
  if (treatment.n < 2 || control.n < 2) return null;
  const vt = treatment.variance / treatment.n;
  const vc = control.variance / control.n;
  const se2 = vt + vc;
  if (!(se2 > 0) || !Number.isFinite(se2)) return null;
  const se = Math.sqrt(se2);
  const df = (se2 * se2) / ((vt * vt) / (treatment.n - 1) + (vc * vc) / (control.n - 1));
  const estimate = treatment.mean - control.mean;
  const statistic = estimate / se;
  const crit = studentTQuantile(1 - alpha / 2, df);
  return {
    estimate,
    std_error: se,
    statistic,
    df,
    p_value: studentTTwoSidedP(statistic, df),
    ci_low: estimate - crit * se,
    ci_high: estimate + crit * se,
  };
}
