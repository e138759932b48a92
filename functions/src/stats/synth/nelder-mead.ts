/**
 * Nelder–Mead simplex search (Nelder & Mead 1965; standard coefficients reflection 1,
 * expansion 2, contraction ½, shrink ½, as in R's optim and Synth's default outer optimiser).
 * Derivative-free, because the ADH outer loss V ↦ MSPE(W*(V)) is only piecewise smooth (the
 * inner solution's support changes with V).
 *
 * Stops when the spread of function values over the simplex is below `fTol` (relative to
 * |f_best| + 1e-12... i.e. R's reltol) and the simplex diameter below `xTol`, or after
 * `maxEvaluations`; `converged` says which.
 */
export interface NelderMeadResult {
  x: number[];
  f: number;
  evaluations: number;
  iterations: number;
  converged: boolean;
}

export function nelderMead(
  fn: (x: number[]) => number,
  start: number[],
  opts: { step?: number; fTol?: number; xTol?: number; maxEvaluations?: number } = {},
): NelderMeadResult {
  const n = start.length;
  const step = opts.step ?? 1;
  const fTol = opts.fTol ?? 1e-10;
  const xTol = opts.xTol ?? 1e-6;
  const maxEval = opts.maxEvaluations ?? 2000;
  let evaluations = 0;
  const f = (x: number[]) => {
    evaluations++;
    const v = fn(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  let pts: { x: number[]; f: number }[] = [{ x: start.slice(), f: f(start) }];
  for (let i = 0; i < n; i++) {
    const x = start.slice();
    x[i] += step;
    pts.push({ x, f: f(x) });
  }
  let iterations = 0;
  let converged = false;
  while (evaluations < maxEval) {
    iterations++;
    pts.sort((a, b) => a.f - b.f);
    const best = pts[0];
    const worst = pts[n];
    let diam = 0;
    for (let i = 1; i <= n; i++)
      for (let j = 0; j < n; j++) diam = Math.max(diam, Math.abs(pts[i].x[j] - best.x[j]));
    if (Math.abs(worst.f - best.f) <= fTol * (Math.abs(best.f) + fTol) && diam <= xTol) {
      converged = true;
      break;
    }
    const c = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) c[j] += pts[i].x[j] / n;
    const along = (t: number) => c.map((cj, j) => cj + t * (worst.x[j] - cj));
    const xr = along(-1);
    const fr = f(xr);
    if (fr < best.f) {
      const xe = along(-2);
      const fe = f(xe);
      pts[n] = fe < fr ? { x: xe, f: fe } : { x: xr, f: fr };
    } else if (fr < pts[n - 1].f) {
      pts[n] = { x: xr, f: fr };
    } else {
      const outside = fr < worst.f;
      const xc = along(outside ? -0.5 : 0.5);
      const fc = f(xc);
      if (fc < (outside ? fr : worst.f)) pts[n] = { x: xc, f: fc };
      else {
        pts = pts.map((p, i) =>
          i === 0
            ? p
            : (() => {
                const x = p.x.map((v, j) => best.x[j] + 0.5 * (v - best.x[j]));
                return { x, f: f(x) };
              })(),
        );
      }
    }
  }
  pts.sort((a, b) => a.f - b.f);
  return { x: pts[0].x, f: pts[0].f, evaluations, iterations, converged };
}
