/** Coefficient tables: standard errors, t statistics, p-values and intervals from a covariance. */
import type { Mat } from "./linalg";
import { studentTQuantile, studentTTwoSidedP } from "./distributions";

export interface CoefficientRow {
  term: string;
  estimate: number;
  std_error: number;
  t_stat: number;
  p_value: number;
  ci_low: number;
  ci_high: number;
  df: number;
}

/** Two-sided t inference with `df` degrees of freedom and a (1 − alpha) interval. */
export function coefficientTable(
  names: string[],
  beta: number[],
  vcov: Mat,
  df: number,
  alpha: number,
): CoefficientRow[] {
  const crit = studentTQuantile(1 - alpha / 2, df);
  return names.map((term, j) => {
    const se = Math.sqrt(vcov[j][j]);
    const t = beta[j] / se;
    return {
      term,
      estimate: beta[j],
      std_error: se,
      t_stat: t,
      p_value: studentTTwoSidedP(t, df),
      ci_low: beta[j] - crit * se,
      ci_high: beta[j] + crit * se,
      df,
    };
  });
}
