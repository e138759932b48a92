/**
 * Dense LU factorisation with partial pivoting on a row-major Float64Array, for the absorbing-chain
 * systems (I − Q)x = r of the Markov attribution model. ml-matrix's LU works on arrays of arrays
 * and allocates per row; the chains here are solved 1 + (number of channels) times per run, so a flat
 * in-place factorisation is the cheaper tool. I − Q of a substochastic Q is a nonsingular M-matrix
 * whenever every state can reach absorption, so pivots stay away from zero; a zero pivot means a
 * closed class of transient states (a chain that never ends) and is reported, not divided by.
 */
export class SingularMatrixError extends Error {
  constructor(readonly column: number) {
    super(`singular matrix (zero pivot in column ${column})`);
    this.name = "SingularMatrixError";
  }
}

export interface LuFactors {
  n: number;
  /** L (unit diagonal, below) and U (on and above the diagonal), row-major. */
  lu: Float64Array;
  perm: Int32Array;
}

/** Factorises `a` (n×n, row-major) in place and returns the factors. */
export function luFactor(a: Float64Array, n: number): LuFactors {
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let k = 0; k < n; k++) {
    let p = k;
    let max = Math.abs(a[k * n + k]);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(a[i * n + k]);
      if (v > max) {
        max = v;
        p = i;
      }
    }
    if (max === 0 || !Number.isFinite(max)) throw new SingularMatrixError(k);
    if (p !== k) {
      for (let j = 0; j < n; j++) {
        const t = a[k * n + j];
        a[k * n + j] = a[p * n + j];
        a[p * n + j] = t;
      }
      const t = perm[k];
      perm[k] = perm[p];
      perm[p] = t;
    }
    const pivot = a[k * n + k];
    for (let i = k + 1; i < n; i++) {
      const f = a[i * n + k] / pivot;
      if (f === 0) continue;
      a[i * n + k] = f;
      const ri = i * n;
      const rk = k * n;
      for (let j = k + 1; j < n; j++) a[ri + j] -= f * a[rk + j];
    }
  }
  return { n, lu: a, perm };
}

/** Solves A x = b with the factors of A. */
export function luSolve(f: LuFactors, b: ArrayLike<number>): Float64Array {
  const { n, lu, perm } = f;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[perm[i]];
    for (let j = 0; j < i; j++) s -= lu[i * n + j] * x[j];
    x[i] = s;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i];
    for (let j = i + 1; j < n; j++) s -= lu[i * n + j] * x[j];
    x[i] = s / lu[i * n + i];
  }
  return x;
}
