/**
 * Least squares on the probability simplex — the synthetic-control weight problem
 *
 *   minimise ½ wᵀHw − gᵀw   subject to  w ≥ 0, Σw = 1
 *
 * with H = XᵀX (or XᵀVX) symmetric positive SEMI-definite and g = Xᵀy (or XᵀVy).
 *
 * Method: a primal active-set method in the style of Lawson & Hanson's NNLS (Solving Least
 * Squares Problems, 1974, ch. 23) adapted to the affine constraint Σw = 1. It keeps a feasible w
 * and a passive set P (the support); each outer step adds the index whose reduced gradient
 * r_k − μ is most negative (r = Hw − g, μ the multiplier of Σw = 1), then solves the
 * equality-constrained problem on P exactly (a bordered (|P|+1)² linear system) and, if that
 * solution leaves the simplex, steps back to the boundary and drops the indices that hit zero.
 * It terminates at an exact solution in finitely many steps (no tolerance-driven stopping, no
 * step sizes) and handles singular H (T0 < J donors, as in Prop 99's outcome-only problem),
 * because each subproblem only involves the few columns in the support.
 *
 * Why not SLSQP or an interior-point method: on the Prop 99 outcome-only problem scipy's SLSQP
 * stops at an objective 44% above the optimum and reports success (see
 * scripts/reference/synth_reference.py). So the KKT conditions are verified independently after
 * the solve (`kktResidual`), and a solve that does not meet them is reported as not converged.
 */

export interface SimplexQpOptions {
  /** Relative KKT tolerance for declaring convergence (after scaling H and g to unit size). */
  tolerance?: number;
  maxIterations?: number;
  /**
   * A feasible starting point (e.g. the solution for a nearby V in the ADH outer search): its
   * support is the first passive set. The result does not depend on it, only the work does.
   */
  warmStart?: ArrayLike<number>;
}

export interface SimplexQpResult {
  w: Float64Array;
  /** ½ wᵀHw − gᵀw in the caller's units. */
  objective: number;
  iterations: number;
  /** max over the support of |r_i − μ|, over the rest of max(0, μ − r_i), on the unit-scaled problem. */
  kktResidual: number;
  converged: boolean;
}

/**
 * Scratch buffers reused across solves: the ADH outer search runs thousands of tiny solves and
 * allocation (and the garbage it leaves) dominated their cost. Solves are synchronous and never
 * nested, so one set of buffers per thread is safe.
 */
const scratch = {
  f: new Float64Array(64),
  r: new Float64Array(64),
  u8a: new Uint8Array(64),
  u8b: new Uint8Array(64),
  eq: new Float64Array(256),
  x: new Float64Array(16),
};
function buf(name: "f" | "r" | "eq" | "x", n: number): Float64Array {
  if (scratch[name].length < n) scratch[name] = new Float64Array(Math.max(n, 2 * scratch[name].length));
  return scratch[name];
}
function bytes(name: "u8a" | "u8b", n: number): Uint8Array {
  if (scratch[name].length < n) scratch[name] = new Uint8Array(Math.max(n, 2 * scratch[name].length));
  const b = scratch[name].subarray(0, n);
  b.fill(0);
  return b;
}

/** H is n×n row-major (length n²); g has length n. */
export function solveSimplexQp(
  H: Float64Array,
  g: Float64Array,
  n: number,
  opts: SimplexQpOptions = {},
): SimplexQpResult {
  const tol = opts.tolerance ?? 1e-9;
  const maxIter = opts.maxIterations ?? 20 * n + 100;
  if (n === 1) {
    const w = Float64Array.of(1);
    return { w, objective: 0.5 * H[0] - g[0], iterations: 0, kktResidual: 0, converged: true };
  }
  // Tolerances are relative to the problem's size s (the minimiser does not depend on it); the
  // matrices are not copied: allocation per solve matters in the ADH outer loop.
  let s = 0;
  for (let i = 0; i < n; i++) s = Math.max(s, Math.abs(H[i * n + i]), Math.abs(g[i]));
  if (!(s > 0) || !Number.isFinite(s)) s = 1;
  const h = H;
  const b = g;
  const absTol = tol * s;

  // Start at the best vertex e_j (objective ½h_jj − b_j), or at the warm start's support.
  let best = 0;
  for (let j = 1; j < n; j++) if (0.5 * h[j * n + j] - b[j] < 0.5 * h[best * n + best] - b[best]) best = j;
  const w = new Float64Array(n);
  const inP = bytes("u8a", n);
  let passive: number[] = [];
  const ws = opts.warmStart;
  if (ws && ws.length === n) {
    for (let j = 0; j < n; j++) {
      if (ws[j] > 0) {
        w[j] = ws[j];
        passive.push(j);
        inP[j] = 1;
      }
    }
    renormalise(w, passive);
  }
  if (passive.length === 0) {
    w.fill(0);
    w[best] = 1;
    passive = [best];
    inP[best] = 1;
  }
  const r = buf("r", n);
  let iterations = 0;
  const blocked = bytes("u8b", n);
  // A warm start is not optimal on its support for this problem: descend on it first.
  let k = passive.length > 1 ? passive[passive.length - 1] : -1;
  let warm = passive.length > 1;

  const gradient = () => {
    for (let i = 0; i < n; i++) {
      let acc = -b[i];
      const row = i * n;
      for (const j of passive) acc += h[row + j] * w[j];
      r[i] = acc;
    }
  };

  outer: while (iterations < maxIter) {
    if (warm) {
      warm = false;
    } else {
      gradient();
      let mu = 0;
      for (const j of passive) mu += w[j] * r[j];
      k = -1;
      let most = -absTol;
      for (let i = 0; i < n; i++) {
        if (inP[i] || blocked[i]) continue;
        const d = r[i] - mu;
        if (d < most) {
          most = d;
          k = i;
        }
      }
      if (k < 0) break;
      passive.push(k);
      inP[k] = 1;
    }
    // Inner loop: solve on P; step back to the boundary while the solution is infeasible.
    for (;;) {
      iterations++;
      if (iterations > maxIter) break outer;
      const z = solveEquality(h, b, n, passive);
      if (z === null) {
        if (k >= 0 && w[k] === 0) {
          // Singular subproblem after adding k (affinely dependent support): undo k and do not
          // retry it until the support changes. Guarantees termination.
          passive = passive.filter((j) => j !== k);
          inP[k] = 0;
          blocked[k] = 1;
          renormalise(w, passive);
          continue outer;
        }
        // A warm-start support that is singular for this problem: shrink it and retry.
        let jmin = passive[0];
        for (const j of passive) if (w[j] < w[jmin]) jmin = j;
        passive = passive.filter((j) => j !== jmin);
        inP[jmin] = 0;
        w[jmin] = 0;
        renormalise(w, passive);
        if (passive.length <= 1) continue outer;
        continue;
      }
      let feasible = true;
      for (let q = 0; q < passive.length; q++) if (!(z[q] > 0)) feasible = false;
      if (feasible) {
        passive.forEach((j, q) => (w[j] = z[q]));
        blocked.fill(0);
        continue outer;
      }
      // Step from w toward z until the first coordinate hits zero.
      let alpha = 1;
      let blocker = -1;
      passive.forEach((j, q) => {
        if (z[q] <= 0 && w[j] - z[q] > 0) {
          const a = w[j] / (w[j] - z[q]);
          if (a < alpha) {
            alpha = a;
            blocker = j;
          }
        }
      });
      if (alpha <= 0 && blocker === k) {
        // The entering index would leave at once (a rounding-level reduced gradient).
        passive = passive.filter((j) => j !== k);
        inP[k] = 0;
        w[k] = 0;
        blocked[k] = 1;
        continue outer;
      }
      passive.forEach((j, q) => (w[j] += alpha * (z[q] - w[j])));
      const keep: number[] = [];
      for (const j of passive) {
        if (w[j] > 1e-15 && j !== blocker) keep.push(j);
        else {
          w[j] = 0;
          inP[j] = 0;
        }
      }
      passive = keep;
      renormalise(w, passive);
    }
  }
  renormalise(w, passive);
  const kktResidual = kkt(h, b, n, w) / s;
  let objective = 0;
  for (const i of passive) {
    let hw = 0;
    for (const j of passive) hw += H[i * n + j] * w[j];
    objective += w[i] * (0.5 * hw - g[i]);
  }
  return { w, objective, iterations, kktResidual, converged: kktResidual <= Math.max(tol * 10, 1e-8) };
}

function renormalise(w: Float64Array, passive: number[]): void {
  let sum = 0;
  for (const j of passive) sum += w[j];
  if (sum > 0) for (const j of passive) w[j] /= sum;
}

/**
 * The KKT residual of a candidate w (independent of how it was found): with r = Hw − g and
 * μ = wᵀr, optimality on the simplex means r_i = μ where w_i > 0 and r_i ≥ μ elsewhere.
 * Also counts infeasibility (negative weights, Σw ≠ 1).
 */
export function kkt(h: Float64Array, b: Float64Array, n: number, w: Float64Array): number {
  const support: number[] = [];
  let sum = 0;
  let neg = 0;
  for (let j = 0; j < n; j++) {
    if (w[j] !== 0) support.push(j);
    sum += w[j];
    neg = Math.max(neg, -w[j]);
  }
  const r = buf("f", n);
  for (let i = 0; i < n; i++) {
    let acc = -b[i];
    const row = i * n;
    for (const j of support) acc += h[row + j] * w[j];
    r[i] = acc;
  }
  let mu = 0;
  for (const j of support) mu += w[j] * r[j];
  let res = Math.max(Math.abs(sum - 1), neg);
  for (let i = 0; i < n; i++) {
    res = Math.max(res, w[i] > 0 ? Math.abs(r[i] - mu) : Math.max(0, mu - r[i]));
  }
  return res;
}

/**
 * min ½zᵀh_PP z − b_Pᵀz s.t. Σz = 1: the bordered system [h_PP 1; 1ᵀ 0][z; −ν] = [b_P; 1], by
 * Gaussian elimination with partial pivoting. Returns null when it is singular (the support's
 * columns are affinely dependent).
 */
function solveEquality(h: Float64Array, b: Float64Array, n: number, P: number[]): Float64Array | null {
  const k = P.length;
  const m = k + 1;
  const c = m + 1;
  const a = buf("eq", m * c);
  let scale = 0;
  for (let p = 0; p < k; p++) scale = Math.max(scale, Math.abs(h[P[p] * n + P[p]]));
  if (!(scale > 0)) scale = 1;
  // The border (the Σz = 1 row and column) is scaled like H so pivoting sees balanced rows.
  for (let p = 0; p < k; p++) {
    for (let q = 0; q < k; q++) a[p * c + q] = h[P[p] * n + P[q]];
    a[p * c + k] = scale;
    a[p * c + m] = b[P[p]];
  }
  for (let q = 0; q < k; q++) a[k * c + q] = scale;
  a[k * c + k] = 0;
  a[k * c + m] = scale;
  const eps = 1e-13 * scale;
  for (let col = 0; col < m; col++) {
    let piv = col;
    for (let row = col + 1; row < m; row++)
      if (Math.abs(a[row * c + col]) > Math.abs(a[piv * c + col])) piv = row;
    if (!(Math.abs(a[piv * c + col]) > eps)) return null;
    if (piv !== col) {
      for (let j = 0; j < c; j++) {
        const t = a[col * c + j];
        a[col * c + j] = a[piv * c + j];
        a[piv * c + j] = t;
      }
    }
    const d = a[col * c + col];
    for (let row = col + 1; row < m; row++) {
      const f = a[row * c + col] / d;
      if (f === 0) continue;
      for (let j = col; j < c; j++) a[row * c + j] -= f * a[col * c + j];
    }
  }
  const x = buf("x", m);
  for (let row = m - 1; row >= 0; row--) {
    let acc = a[row * c + m];
    for (let j = row + 1; j < m; j++) acc -= a[row * c + j] * x[j];
    x[row] = acc / a[row * c + row];
  }
  return x;
}

/** Gram H = XᵀX and g = Xᵀy for X given as columns (one Float64Array per donor, rows = periods). */
export function gram(columns: Float64Array[], y: Float64Array): { H: Float64Array; g: Float64Array } {
  const n = columns.length;
  const H = new Float64Array(n * n);
  const g = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const ci = columns[i];
    let gy = 0;
    for (let t = 0; t < y.length; t++) gy += ci[t] * y[t];
    g[i] = gy;
    for (let j = i; j < n; j++) {
      const cj = columns[j];
      let acc = 0;
      for (let t = 0; t < ci.length; t++) acc += ci[t] * cj[t];
      H[i * n + j] = acc;
      H[j * n + i] = acc;
    }
  }
  return { H, g };
}
