/**
 * Sample-ratio mismatch: Pearson's chi-square goodness-of-fit of the observed arm sizes against
 * the planned split, k − 1 degrees of freedom (scipy.stats.chisquare). Flagged at p < 0.001, the
 * threshold of Fabijan, A. et al. (2019) "Diagnosing Sample Ratio Mismatch in Online Controlled
 * Experiments", KDD '19, and of GrowthBook/Statsig: at that level a true SRM is almost always a
 * bug in assignment or logging, and false alarms are rare even with many experiments.
 */
import { chiSquareUpperP } from "../distributions";

export const SRM_THRESHOLD = 0.001;

export interface SrmResult {
  chi_square: number;
  df: number;
  p_value: number;
  flagged: boolean;
  observed: Record<string, number>;
  expected: Record<string, number>;
}

/** `planned` weights need not sum to 1. Null when fewer than two arms or no units. */
export function sampleRatioMismatch(
  observed: Record<string, number>,
  planned: Record<string, number>,
  threshold = SRM_THRESHOLD,
): SrmResult | null {
  const arms = Object.keys(observed);
  const total = arms.reduce((s, a) => s + observed[a], 0);
  const weight = arms.reduce((s, a) => s + (planned[a] ?? 0), 0);
  if (arms.length < 2 || total === 0 || !(weight > 0)) return null;
  let chi = 0;
  const expected: Record<string, number> = {};
  for (const a of arms) {
    const e = (total * (planned[a] ?? 0)) / weight;
    expected[a] = e;
    if (e > 0) chi += ((observed[a] - e) * (observed[a] - e)) / e;
    else if (observed[a] > 0) chi = Infinity;
  }
  const df = arms.length - 1;
  const p = chiSquareUpperP(chi, df);
  return { chi_square: chi, df, p_value: p, flagged: p < threshold, observed, expected };
}
