/**
 * Partial pooling of per-segment lifts (segments, geos): the normal–normal random-effects model
 *
 *   Δ̂_j ~ N(Δ_j, v_j),  Δ_j ~ N(μ, τ²),
 *
 * with τ² by the DerSimonian–Laird moment estimator (DerSimonian, R. & Laird, N. (1986)
 * "Meta-analysis in clinical trials", Controlled Clinical Trials 7:177–188) and the empirical-Bayes
 * (BLUP) segment effects
 *
 *   Δ̃_j = μ̂ + λ_j (Δ̂_j − μ̂),  λ_j = τ²/(τ² + v_j),
 *   Var(Δ̃_j) = λ_j v_j + (1 − λ_j)² Var(μ̂),  Var(μ̂) = 1/Σ w_j, w_j = 1/(v_j + τ²),
 *
 * exactly as R metafor's rma(method = "DL") and blup() (Viechtbauer 2010, J. Stat. Softw. 36(3)).
 * Shrinkage 1 − λ_j is how far each segment is pulled toward the pooled lift.
 */
import { normalQuantile } from "./normal";

export interface SegmentEstimate {
  segment: string;
  estimate: number;
  std_error: number;
}

export interface PooledSegment extends SegmentEstimate {
  pooled_estimate: number;
  pooled_std_error: number;
  ci_low: number;
  ci_high: number;
  /** 1 − λ_j ∈ [0, 1]: 0 = the segment's own estimate, 1 = the overall mean. */
  shrinkage: number;
}

export interface HierarchicalResult {
  mu: number;
  mu_std_error: number;
  tau2: number;
  /** Cochran's Q and its df, behind τ². */
  q: number;
  segments: PooledSegment[];
  mean_shrinkage: number;
}

/** Null with fewer than two segments or a non-positive variance. */
export function partialPooling(seg: SegmentEstimate[], alpha: number): HierarchicalResult | null {
  const k = seg.length;
  if (k < 2 || seg.some((s) => !(s.std_error > 0) || !Number.isFinite(s.estimate))) return null;
  const v = seg.map((s) => s.std_error * s.std_error);
  const w = v.map((x) => 1 / x);
  const sw = w.reduce((a, b) => a + b, 0);
  const sw2 = w.reduce((a, b) => a + b * b, 0);
  const fixed = seg.reduce((a, s, j) => a + w[j] * s.estimate, 0) / sw;
  const q = seg.reduce((a, s, j) => a + w[j] * (s.estimate - fixed) ** 2, 0);
  const tau2 = Math.max(0, (q - (k - 1)) / (sw - sw2 / sw));
  const wr = v.map((x) => 1 / (x + tau2));
  const swr = wr.reduce((a, b) => a + b, 0);
  const mu = seg.reduce((a, s, j) => a + wr[j] * s.estimate, 0) / swr;
  const varMu = 1 / swr;
  const z = normalQuantile(1 - alpha / 2);
  const segments = seg.map((s, j) => {
    const lambda = tau2 / (tau2 + v[j]);
    const est = mu + lambda * (s.estimate - mu);
    const se = Math.sqrt(lambda * v[j] + (1 - lambda) ** 2 * varMu);
    return {
      ...s,
      pooled_estimate: est,
      pooled_std_error: se,
      ci_low: est - z * se,
      ci_high: est + z * se,
      shrinkage: 1 - lambda,
    };
  });
  return {
    mu,
    mu_std_error: Math.sqrt(varMu),
    tau2,
    q,
    segments,
    mean_shrinkage: segments.reduce((a, s) => a + s.shrinkage, 0) / k,
  };
}
