/**
 * Small dense linear algebra on symmetric positive (semi-)definite matrices — the K×K normal
 * equations of a regression. ml-matrix does the decompositions; this file adds the rank and
 * condition checks a statistics engine needs before trusting an inverse.
 */
import { CholeskyDecomposition, EigenvalueDecomposition, Matrix } from "ml-matrix";

export type Mat = number[][];

/** A matrix that is singular or too ill-conditioned to invert reliably, with the culprit columns. */
export class SingularMatrixError extends Error {
  constructor(
    message: string,
    /** Column indices involved in the (near-)linear dependence. */
    readonly columns: number[],
    readonly reason: "zero_column" | "collinear",
  ) {
    super(message);
    this.name = "SingularMatrixError";
  }
}

export interface SpdInverseOptions {
  /**
   * Reciprocal condition limit on the unit-diagonal (correlation-scaled) matrix: the smallest
   * eigenvalue over the largest. For normal equations cond(X'X) = cond(X)², so 1e-12 rejects
   * designs whose scaled regressors are dependent to about 1e-6.
   */
  rcond?: number;
  /**
   * Per-column reference sums of squares (e.g. before the fixed effects were swept out). A column
   * whose diagonal is below `absorbedTolerance` × its reference was absorbed by the fixed effects.
   */
  reference?: number[];
  absorbedTolerance?: number;
}

/**
 * Inverse of a symmetric positive-definite matrix A.
 *
 * Equilibrates first (C = D⁻¹AD⁻¹ with D = diag(√A_jj)) so the check does not depend on the units
 * of the regressors, checks the eigenvalues of C, then inverts C by Cholesky and scales back:
 * A⁻¹ = D⁻¹C⁻¹D⁻¹.
 */
export function invertSpd(a: Mat, options: SpdInverseOptions = {}): Mat {
  const k = a.length;
  const rcond = options.rcond ?? 1e-12;
  const tol = options.absorbedTolerance ?? 1e-9;
  const zero: number[] = [];
  for (let j = 0; j < k; j++) {
    const ajj = a[j][j];
    const ref = options.reference?.[j];
    if (!(ajj > 0) || (ref !== undefined && ajj <= tol * ref)) zero.push(j);
  }
  if (zero.length > 0) {
    throw new SingularMatrixError("column(s) without variation", zero, "zero_column");
  }
  const d = a.map((row, j) => Math.sqrt(row[j]));
  const c = new Matrix(a.map((row, i) => row.map((v, j) => v / (d[i] * d[j]))));
  // Symmetrise against rounding so the eigen solver takes its symmetric path.
  for (let i = 0; i < k; i++) for (let j = 0; j < i; j++) c.set(i, j, c.get(j, i));
  const eig = new EigenvalueDecomposition(c, { assumeSymmetric: true });
  const values = eig.realEigenvalues;
  let min = Infinity;
  let max = -Infinity;
  let argmin = 0;
  values.forEach((v, i) => {
    if (v < min) {
      min = v;
      argmin = i;
    }
    if (v > max) max = v;
  });
  if (!(min > rcond * max)) {
    // The eigenvector of the smallest eigenvalue shows which columns combine to ~0.
    const vec = eig.eigenvectorMatrix.getColumn(argmin);
    const big = Math.max(...vec.map(Math.abs));
    const involved = vec.flatMap((v, j) => (Math.abs(v) >= 0.1 * big ? [j] : []));
    throw new SingularMatrixError("columns are (nearly) collinear", involved, "collinear");
  }
  const chol = new CholeskyDecomposition(c);
  if (!chol.isPositiveDefinite()) {
    throw new SingularMatrixError("matrix is not positive definite", [], "collinear");
  }
  const cInv = chol.solve(Matrix.eye(k)).to2DArray();
  return cInv.map((row, i) => row.map((v, j) => v / (d[i] * d[j])));
}

export function matVec(a: Mat, x: number[]): number[] {
  return a.map((row) => row.reduce((s, v, j) => s + v * x[j], 0));
}

export function matMul(a: Mat, b: Mat): Mat {
  const n = a.length;
  const m = b[0]?.length ?? 0;
  const inner = b.length;
  const out: Mat = Array.from({ length: n }, () => new Array<number>(m).fill(0));
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < inner; p++) {
      const aip = a[i][p];
      if (aip === 0) continue;
      for (let j = 0; j < m; j++) out[i][j] += aip * b[p][j];
    }
  }
  return out;
}

export function transpose(a: Mat): Mat {
  return (a[0] ?? []).map((_, j) => a.map((row) => row[j]));
}

/** B M B for symmetric B and M: the sandwich. Symmetrised to remove rounding asymmetry. */
export function sandwich(bread: Mat, meat: Mat): Mat {
  const v = matMul(matMul(bread, meat), bread);
  return symmetrize(v);
}

export function symmetrize(a: Mat): Mat {
  return a.map((row, i) => row.map((v, j) => (v + a[j][i]) / 2));
}

export function scale(a: Mat, s: number): Mat {
  return a.map((row) => row.map((v) => v * s));
}

/** Rows/columns `idx` of a square matrix. */
export function subMatrix(a: Mat, idx: number[]): Mat {
  return idx.map((i) => idx.map((j) => a[i][j]));
}

/** Builds a symmetric K×K matrix from a getter for the upper triangle (j ≤ k). */
export function symmetricFromUpper(k: number, get: (j: number, l: number) => number): Mat {
  const out: Mat = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let j = 0; j < k; j++) {
    for (let l = j; l < k; l++) {
      const v = get(j, l);
      out[j][l] = v;
      out[l][j] = v;
    }
  }
  return out;
}
