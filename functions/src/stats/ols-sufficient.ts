/**
 * OLS from sufficient statistics: β = (X'X)⁻¹X'y from the K×K cross-products a warehouse
 * aggregated, so the client never holds the N×K design.
 */
import { invertSpd, matMul, matVec, transpose, type Mat } from "./linalg";

/** X'X, X'y and n for the regressors `names` (the columns of X, in order). */
export interface CrossProducts {
  names: string[];
  xtx: Mat;
  xty: number[];
  n: number;
  /**
   * Σx_j² before fixed effects were swept out, per column. When given, a column that lost all
   * but 1e-9 of it is reported as absorbed by the fixed effects rather than as generic collinearity.
   */
  rawSumSquares?: number[];
}

export interface OlsSolution {
  names: string[];
  beta: number[];
  /** (X'X)⁻¹: the bread of every sandwich covariance below. */
  xtxInv: Mat;
}

export function solveOls(cp: CrossProducts): OlsSolution {
  const xtxInv = invertSpd(cp.xtx, { reference: cp.rawSumSquares });
  return { names: cp.names, beta: matVec(xtxInv, cp.xty), xtxInv };
}

/**
 * Frisch–Waugh–Lovell with a second block Z of nuisance regressors (time effects in an
 * unbalanced panel), from the blocks of the cross-products:
 *
 *   A = X'X − X'Z (Z'Z)⁻¹ Z'X = X̆'X̆,   b = X'y − X'Z (Z'Z)⁻¹ Z'y = X̆'y,   X̆ = M_Z X = X − ZΠ,
 *   Π = (Z'Z)⁻¹ Z'X (q×p).
 *
 * β from A β = b equals the X-block of the regression on [X, Z] (FWL theorem), and so does its
 * sandwich covariance built from X̆ and the full residuals.
 */
export interface PartialledCrossProducts {
  xtx: Mat;
  xty: number[];
  /** Π = (Z'Z)⁻¹Z'X, q×p. */
  pi: Mat;
  /** (Z'Z)⁻¹Z'y: with β, the Z coefficients are θ = (Z'Z)⁻¹Z'y − Πβ. */
  zCoefY: number[];
}

export function partialOut(block: {
  xtx: Mat;
  xty: number[];
  /** Z'X, q×p. */
  ztx: Mat;
  ztz: Mat;
  zty: number[];
}): PartialledCrossProducts {
  const ztzInv = invertSpd(block.ztz);
  const pi = matMul(ztzInv, block.ztx);
  const zCoefY = matVec(ztzInv, block.zty);
  const xtz = transpose(block.ztx);
  const xtzPi = matMul(xtz, pi);
  const xtx = block.xtx.map((row, i) => row.map((v, j) => v - xtzPi[i][j]));
  const xtzC = matVec(xtz, zCoefY);
  const xty = block.xty.map((v, i) => v - xtzC[i]);
  return { xtx: symmetrizeSquare(xtx), xty, pi, zCoefY };
}

/** θ = (Z'Z)⁻¹Z'y − Πβ. */
export function nuisanceCoefficients(p: PartialledCrossProducts, beta: number[]): number[] {
  const piBeta = matVec(p.pi, beta);
  return p.zCoefY.map((v, s) => v - piBeta[s]);
}

function symmetrizeSquare(a: Mat): Mat {
  return a.map((row, i) => row.map((v, j) => (v + a[j][i]) / 2));
}
