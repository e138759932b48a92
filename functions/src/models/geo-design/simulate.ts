/**
 * Power of one treatment market set by simulation on historical windows (in the spirit of
 * GeoLift's market selection):
 *
 *  for each window w (a block of `L` periods ending at e_w, with the periods before it as the
 *  pre period) and each relative effect e on the grid: the treated series is the average of the
 *  set's markets, its window periods are multiplied by (1 + e), and the conformal test of
 *  "no effect" (CWZ 2021: outcome-only SC refit on all periods up to e_w, q = 1, cyclic
 *  permutations) gives p; power(e) = share of windows with p ≤ α. MDE = the smallest |e| on the
 *  grid (same sign as the expected effect) with power ≥ the target.
 *
 * The donors are all markets not in the set. One Gram matrix per (set, window) serves every
 * effect: the effect only changes the linear term. Pure and deterministic: a worker thread and
 * the main thread compute the same numbers.
 */
import { combine, conformalPValue, solveSimplexQp } from "../../stats/synth";

export interface SimTask {
  key: string;
  members: number[];
}

export interface SimConfig {
  /** unit × period outcomes, row-major (nUnits × T). */
  y: Float64Array;
  nUnits: number;
  T: number;
  L: number;
  /** Window end indices (exclusive). */
  ends: number[];
  effects: number[];
  alpha: number;
}

export interface SimResult {
  key: string;
  power: number[];
  simulations: number;
  maxKkt: number;
  converged: boolean;
}

export function simulateSet(task: SimTask, cfg: SimConfig): SimResult {
  const { y, nUnits, T, L } = cfg;
  const inSet = new Set(task.members);
  const donors: Float64Array[] = [];
  for (let u = 0; u < nUnits; u++) if (!inSet.has(u)) donors.push(y.subarray(u * T, (u + 1) * T));
  const treated = new Float64Array(T);
  for (const m of task.members) for (let t = 0; t < T; t++) treated[t] += y[m * T + t] / task.members.length;
  const J = donors.length;
  const hits = new Array<number>(cfg.effects.length).fill(0);
  let maxKkt = 0;
  let converged = true;
  let simulations = 0;
  const H = new Float64Array(J * J);
  const g0 = new Float64Array(J);
  const gPost = new Float64Array(J);
  for (const end of cfg.ends) {
    const t0 = end - L;
    H.fill(0);
    g0.fill(0);
    gPost.fill(0);
    for (let i = 0; i < J; i++) {
      const di = donors[i];
      for (let t = 0; t < end; t++) {
        g0[i] += di[t] * treated[t];
        if (t >= t0) gPost[i] += di[t] * treated[t];
      }
      for (let j = i; j < J; j++) {
        const dj = donors[j];
        let s = 0;
        for (let t = 0; t < end; t++) s += di[t] * dj[t];
        H[i * J + j] = s;
        H[j * J + i] = s;
      }
    }
    const g = new Float64Array(J);
    cfg.effects.forEach((e, k) => {
      // Treated window periods scaled by (1 + e): g = g0 + e · Σ_{window} d_t y_t.
      for (let i = 0; i < J; i++) g[i] = g0[i] + e * gPost[i];
      const r = solveSimplexQp(H, g, J);
      maxKkt = Math.max(maxKkt, r.kktResidual);
      if (!r.converged) converged = false;
      const synth = combine(
        donors.map((d) => d.subarray(0, end)),
        r.w,
      );
      const u = new Float64Array(end);
      for (let t = 0; t < end; t++) u[t] = treated[t] * (t >= t0 ? 1 + e : 1) - synth[t];
      if (conformalPValue(u, t0, 1) <= cfg.alpha) hits[k]++;
      simulations++;
    });
  }
  return { key: task.key, power: hits.map((h) => h / cfg.ends.length), simulations, maxKkt, converged };
}
