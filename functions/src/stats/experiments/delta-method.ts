/**
 * Delta-method variances for ratios of means (first-order Taylor expansion).
 *
 * Deng, A., Knoblich, U. & Lu, J. (2018) "Applying the Delta Method in Metric Analytics: A
 * Practical Guide with Novel Ideas", KDD '18, §2–3:
 *  - ratio metric of one arm, R = ȳ/z̄ (e.g. revenue per session with units = users):
 *      Var(R) ≈ (1/n) [ s_y²/z̄² − 2 ȳ s_yz / z̄³ + ȳ² s_z² / z̄⁴ ];
 *  - relative lift of independent arms, L = m_t/m_c − 1:
 *      Var(L) ≈ Var(m_t)/m_c² + m_t² Var(m_c)/m_c⁴.
 */

export interface MeanWithVariance {
  /** The estimate (a mean or a ratio of means). */
  mean: number;
  /** Variance of the estimate (already divided by n). */
  variance: number;
}

export interface RatioMoments {
  n: number;
  sumY: number;
  sumY2: number;
  sumZ: number;
  sumZ2: number;
  sumYZ: number;
}

/** R = Σy/Σz and its delta-method variance; null when the denominator's mean is 0 or n < 2. */
export function ratioMetric(m: RatioMoments): MeanWithVariance | null {
  const { n } = m;
  if (n < 2) return null;
  const my = m.sumY / n;
  const mz = m.sumZ / n;
  if (mz === 0) return null;
  const vy = (m.sumY2 - n * my * my) / (n - 1);
  const vz = (m.sumZ2 - n * mz * mz) / (n - 1);
  const cyz = (m.sumYZ - n * my * mz) / (n - 1);
  const variance =
    (vy / (mz * mz) - (2 * my * cyz) / (mz * mz * mz) + (my * my * vz) / (mz * mz * mz * mz)) / n;
  return { mean: my / mz, variance: Math.max(0, variance) };
}

export interface RelativeLift {
  estimate: number;
  std_error: number;
}

/** m_t/m_c − 1 with its delta-method SE; null when the control mean is 0. */
export function relativeLift(t: MeanWithVariance, c: MeanWithVariance): RelativeLift | null {
  if (c.mean === 0 || !Number.isFinite(c.mean)) return null;
  const mc2 = c.mean * c.mean;
  const variance = t.variance / mc2 + (t.mean * t.mean * c.variance) / (mc2 * mc2);
  return { estimate: t.mean / c.mean - 1, std_error: Math.sqrt(variance) };
}
