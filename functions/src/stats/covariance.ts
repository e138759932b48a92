/**
 * Coefficient covariance matrices from a bread (X'X)⁻¹ and a meat aggregated in the warehouse.
 *
 * Conventions follow statsmodels (regression.linear_model.RegressionResults.get_robustcov_results,
 * stats.sandwich_covariance.cov_cluster), which match Stata's `regress, vce(cluster)`:
 *
 *   cr1:       V = G/(G−1) · (N−1)/(N−K) · B [Σ_g (X_g'e_g)(X_g'e_g)'] B,  inference t(G−1)
 *              (Cameron & Miller 2015, "A Practitioner's Guide to Cluster-Robust Inference",
 *              J. Human Resources 50(2), eq. (12) and §VI.C on the G−1 degrees of freedom)
 *   hc1:       V = N/(N−K) · B [Σ_i e_i² x_i x_i'] B,                     inference t(N−K)
 *              (MacKinnon & White 1985)
 *   classical: V = s² B, s² = SSR/(N−K),                                  inference t(N−K)
 *
 * with B = (X'X)⁻¹, N observations, K regressors (counting any absorbed fixed effects the way the
 * caller says) and G clusters.
 */
import { sandwich, scale, type Mat } from "./linalg";

export type SeType = "cr1" | "hc1" | "classical";

export interface CovarianceInput {
  type: SeType;
  /** (X'X)⁻¹ of the (partialled) regressors. */
  bread: Mat;
  /** cr1: Σ_g s_g s_g' with s_g = X_g'e_g; hc1: Σ_i e_i² x_i x_i'. Unused for classical. */
  meat?: Mat;
  ssr: number;
  n: number;
  k: number;
  /** Number of clusters (cr1 only). */
  clusters?: number;
}

export interface CovarianceResult {
  type: SeType;
  vcov: Mat;
  /** The multiplier applied to the raw sandwich (cr1, hc1) or s² (classical). */
  factor: number;
  /** Human-readable formula of `factor`. */
  factorFormula: string;
  /** Degrees of freedom of the t reference distribution. */
  df: number;
  dfRule: string;
}

export class CovarianceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CovarianceError";
  }
}

export function coefficientCovariance(input: CovarianceInput): CovarianceResult {
  const { n, k } = input;
  if (!(n > k)) throw new CovarianceError(`needs more observations (${n}) than parameters (${k})`);
  switch (input.type) {
    case "cr1": {
      const g = input.clusters ?? 0;
      if (g < 2) throw new CovarianceError(`cluster-robust errors need at least 2 clusters, got ${g}`);
      if (!input.meat) throw new CovarianceError("cr1 needs the cluster meat");
      const factor = (g / (g - 1)) * ((n - 1) / (n - k));
      return {
        type: "cr1",
        vcov: scale(sandwich(input.bread, input.meat), factor),
        factor,
        factorFormula: "G/(G-1) * (N-1)/(N-K)",
        df: g - 1,
        dfRule: "G-1",
      };
    }
    case "hc1": {
      if (!input.meat) throw new CovarianceError("hc1 needs the heteroskedasticity meat");
      const factor = n / (n - k);
      return {
        type: "hc1",
        vcov: scale(sandwich(input.bread, input.meat), factor),
        factor,
        factorFormula: "N/(N-K)",
        df: n - k,
        dfRule: "N-K",
      };
    }
    case "classical": {
      const s2 = input.ssr / (n - k);
      return {
        type: "classical",
        vcov: scale(input.bread, s2),
        factor: s2,
        factorFormula: "s^2 = SSR/(N-K)",
        df: n - k,
        dfRule: "N-K",
      };
    }
  }
}
