/**
 * Joint Wald test of H0: β_j = 0 for j in `indices`, with the model's covariance V.
 *
 *   W = β_R' (V_RR)⁻¹ β_R,  q = |R|
 *   chi2 form: W ~ χ²(q)                   (statsmodels wald_test(use_f=False))
 *   F form:    F = W/q ~ F(q, df_denom)     (statsmodels wald_test(use_f=True); df_denom is the
 *              inference df: G−1 for cluster-robust V, N−K otherwise)
 */
import { invertSpd, matVec, subMatrix, type Mat } from "./linalg";
import { chiSquareUpperP, fUpperP } from "./distributions";

export interface WaldTest {
  q: number;
  chi2_stat: number;
  chi2_df: number;
  chi2_p_value: number;
  f_stat: number;
  f_df_num: number;
  f_df_denom: number;
  f_p_value: number;
}

export function waldTest(beta: number[], vcov: Mat, indices: number[], dfDenom: number): WaldTest {
  const q = indices.length;
  if (q === 0) throw new RangeError("a Wald test needs at least one restriction");
  const b = indices.map((i) => beta[i]);
  const vInv = invertSpd(subMatrix(vcov, indices));
  const vb = matVec(vInv, b);
  const w = b.reduce((s, bi, i) => s + bi * vb[i], 0);
  const f = w / q;
  return {
    q,
    chi2_stat: w,
    chi2_df: q,
    chi2_p_value: chiSquareUpperP(w, q),
    f_stat: f,
    f_df_num: q,
    f_df_denom: dfDenom,
    f_p_value: fUpperP(f, q, dfDenom),
  };
}
