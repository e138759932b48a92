/**
 * Placebo-in-space inference (Abadie, Diamond & Hainmueller 2010, §2.4 and §4): every donor is
 * in turn treated as if it had been treated, and the treated unit's post/pre RMSPE ratio is
 * ranked among all of them. p = rank / (J + 1), rank 1 the largest ratio (ties count against
 * the treated unit).
 *
 * The interval comes from the same procedure, by test inversion: under H0 "the effect is τ in
 * every post period" the treated unit's post gaps are g_t − τ while the pre fit and every
 * placebo are unchanged (placebos never use the treated unit), so
 *
 *   ratio(τ)² = (s² + (ḡ − τ)²) / pre²        (s² the population variance of the post gaps)
 *
 * and p(τ) > α  ⇔  at least m = ⌊α(J+1)⌋ placebo ratios are ≥ ratio(τ)  ⇔  ratio(τ) ≤ c, with c
 * the m-th largest placebo ratio. The accepted set is the interval ḡ ± √(c²·pre² − s²): the
 * p-value at τ = 0 and the interval agree by construction (0 ∈ CI ⇔ p(0) > α). With m = 0
 * (fewer than 1/α − 1 placebos) no τ can be rejected and the interval is unbounded; when
 * c²·pre² < s² even τ = ḡ is rejected (effects vary a lot over the post period) and the set is
 * empty.
 */
export interface PlaceboSeries {
  unit: string;
  gaps: Float64Array;
}

export interface PlaceboResult {
  ratio: number;
  preRmspe: number;
  postRmspe: number;
  placebo: { unit: string; pre_rmspe: number; post_rmspe: number; ratio: number }[];
  rank: number;
  pValue: number;
  /** [lo, hi] for a constant effect; null when unbounded or empty (see `interval`). */
  ci: [number, number] | null;
  interval: "bounded" | "unbounded" | "empty";
}

export function rmspe(g: ArrayLike<number>, from: number, to: number): number {
  let s = 0;
  for (let t = from; t < to; t++) s += g[t] * g[t];
  return Math.sqrt(s / Math.max(to - from, 1));
}

export function placeboInference(
  treatedGaps: Float64Array,
  t0: number,
  placebos: PlaceboSeries[],
  alpha: number,
): PlaceboResult {
  const T = treatedGaps.length;
  const pre = rmspe(treatedGaps, 0, t0);
  const post = rmspe(treatedGaps, t0, T);
  const ratioOf = (preR: number, postR: number) => (preR > 0 ? postR / preR : postR > 0 ? Infinity : 0);
  const ratio = ratioOf(pre, post);
  const rows = placebos.map((p) => {
    const a = rmspe(p.gaps, 0, t0);
    const b = rmspe(p.gaps, t0, T);
    return { unit: p.unit, pre_rmspe: a, post_rmspe: b, ratio: ratioOf(a, b) };
  });
  const J = rows.length;
  const tieTol = 1e-12 * Math.max(ratio, 1);
  const atLeast = rows.filter((r) => r.ratio >= ratio - tieTol).length;
  const rank = 1 + atLeast;
  const pValue = rank / (J + 1);

  const sorted = rows.map((r) => r.ratio).sort((a, b) => b - a);
  const m = Math.floor(alpha * (J + 1) + 1e-12);
  let ci: [number, number] | null = null;
  let interval: PlaceboResult["interval"] = "unbounded";
  if (m >= 1 && Number.isFinite(sorted[m - 1])) {
    const c = sorted[m - 1];
    let mean = 0;
    for (let t = t0; t < T; t++) mean += treatedGaps[t];
    mean /= T - t0;
    let s2 = 0;
    for (let t = t0; t < T; t++) s2 += (treatedGaps[t] - mean) ** 2;
    s2 /= T - t0;
    const room = c * c * pre * pre - s2;
    if (room >= 0) {
      const half = Math.sqrt(room);
      ci = [mean - half, mean + half];
      interval = "bounded";
    } else interval = "empty";
  }
  return { ratio, preRmspe: pre, postRmspe: post, placebo: rows, rank, pValue, ci, interval };
}

/** Pointwise band of the placebo gaps per period: the α/2 and 1 − α/2 empirical quantiles. */
export function placeboBand(placebos: PlaceboSeries[], alpha: number): { lo: number[]; hi: number[] } {
  if (placebos.length === 0) return { lo: [], hi: [] };
  const T = placebos[0].gaps.length;
  const lo: number[] = [];
  const hi: number[] = [];
  for (let t = 0; t < T; t++) {
    const v = placebos.map((p) => p.gaps[t]).sort((a, b) => a - b);
    lo.push(quantile(v, alpha / 2));
    hi.push(quantile(v, 1 - alpha / 2));
  }
  return { lo, hi };
}

/** Linear-interpolation quantile (R type 7) of sorted values. */
export function quantile(sorted: number[], p: number): number {
  if (sorted.length === 1) return sorted[0];
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}
