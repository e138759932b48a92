/**
 * Placebo-in-space inference (Abadie, Diamond & Hainmueller 2010, §2.4 and §4; as a permutation
 * test with confidence sets: Firpo & Possebom 2018, J. Causal Inference 6(2)). Every donor is in
 * turn treated as if it had been treated, with ALL other units — the real treated series
 * included — as its donor pool, so under H0 every unit is fit from the same number of units and
 * the ranks are exchangeable (excluding the treated unit from the placebo pools, as often done,
 * gives the treated fit one donor more than every placebo and over-rejects: 0.13 at α = 0.1 in
 * test/unit/stats/synth/size.test.ts's design). The statistic is the post/pre RMSPE ratio,
 * p = rank / (J + 1), rank 1 the largest (ties count against the treated unit).
 *
 * The interval comes from the same test, inverted exactly. Under H0 "the effect is τ in every
 * post period" the treated post outcomes become y − τ. Weights depend on pre periods only, so
 * every unit's post gaps move linearly: the treated unit's by −τ, placebo j's by +s_j·τ with s_j
 * its total weight on the treated series. Each ratio² is then a quadratic in τ, p(τ) is
 * piecewise constant between the roots of the pairwise differences, and the accepted set
 * {τ : p(τ) > α} is computed exactly. It need not be an interval: the reported interval is its
 * hull, except that it always agrees with p(0): widened to 0 when p(0) > α, cut at 0 (keeping
 * the estimate's side) when p(0) ≤ α and 0 lies in a gap.
 */
export interface PlaceboSeries {
  unit: string;
  gaps: Float64Array;
  /** Total weight of the placebo's synthetic control on the treated series (0 if not in its pool). */
  treatedWeight?: number;
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
  widenedToZero?: boolean;
  truncatedAtZero?: boolean;
}

export function rmspe(g: ArrayLike<number>, from: number, to: number): number {
  let s = 0;
  for (let t = from; t < to; t++) s += g[t] * g[t];
  return Math.sqrt(s / Math.max(to - from, 1));
}

/** ratio(τ)² = (m2 + 2cτ·m1 + c²τ²) / pre², as [quadratic, linear, constant] coefficients. */
function ratioQuadratic(
  g: Float64Array,
  t0: number,
  c: number,
): { q: [number, number, number]; pre: number } {
  const T = g.length;
  const pre = rmspe(g, 0, t0);
  let m1 = 0;
  let m2 = 0;
  for (let t = t0; t < T; t++) {
    m1 += g[t];
    m2 += g[t] * g[t];
  }
  m1 /= T - t0;
  m2 /= T - t0;
  const p2 = pre * pre;
  return { q: [(c * c) / p2, (2 * c * m1) / p2, m2 / p2], pre };
}

const evalQ = (q: [number, number, number], x: number) => (q[0] * x + q[1]) * x + q[2];

function roots(q: [number, number, number]): number[] {
  const [a, b, c] = q;
  const scale = Math.max(Math.abs(a), Math.abs(b), Math.abs(c), 1e-300);
  if (Math.abs(a) <= 1e-14 * scale) return Math.abs(b) > 1e-14 * scale ? [-c / b] : [];
  const d = b * b - 4 * a * c;
  if (d < 0) return [];
  const sq = Math.sqrt(d);
  const r = -0.5 * (b + (b >= 0 ? sq : -sq));
  return r === 0 ? [0] : [r / a, c / r];
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
  const rank = 1 + rows.filter((r) => r.ratio >= ratio - tieTol).length;
  const pValue = rank / (J + 1);
  const base = { ratio, preRmspe: pre, postRmspe: post, placebo: rows, rank, pValue };

  const m = Math.floor(alpha * (J + 1) + 1e-12);
  if (m < 1) return { ...base, ci: null, interval: "unbounded" };
  if (!(pre > 0)) return { ...base, ci: null, interval: "unbounded" };
  // D_j(τ) = ratio_j(τ)² − ratio_1(τ)²; accept τ iff #{j : D_j(τ) ≥ 0} ≥ m.
  const treated = ratioQuadratic(treatedGaps, t0, -1).q;
  const diffs: ([number, number, number] | "always")[] = placebos.map((p, j) => {
    if (!(rows[j].pre_rmspe > 0)) return "always";
    const q = ratioQuadratic(p.gaps, t0, p.treatedWeight ?? 0).q;
    return [q[0] - treated[0], q[1] - treated[1], q[2] - treated[2]];
  });
  const count = (x: number) =>
    diffs.reduce(
      (n, d) => n + (d === "always" || evalQ(d, x) >= -1e-12 * Math.max(evalQ(treated, x), 1) ? 1 : 0),
      0,
    );
  const accept = (x: number) => count(x) >= m;
  const pts = [
    ...new Set(diffs.flatMap((d) => (d === "always" ? [] : roots(d))).filter(Number.isFinite)),
  ].sort((a, b) => a - b);
  // Segments between consecutive breakpoints, plus the two unbounded ends.
  const segs: [number, number][] = [];
  if (pts.length === 0) segs.push([-Infinity, Infinity]);
  else {
    segs.push([-Infinity, pts[0]]);
    for (let i = 0; i + 1 < pts.length; i++) segs.push([pts[i], pts[i + 1]]);
    segs.push([pts[pts.length - 1], Infinity]);
  }
  const mid = (s: [number, number]) =>
    s[0] === -Infinity
      ? s[1] === Infinity
        ? 0
        : s[1] - 1 - Math.abs(s[1])
      : s[1] === Infinity
        ? s[0] + 1 + Math.abs(s[0])
        : (s[0] + s[1]) / 2;
  const acc = segs.filter((s) => accept(mid(s)));
  // Breakpoints themselves can be accepted (ties count for the placebo).
  const accPts = pts.filter(accept);
  if (acc.length === 0 && accPts.length === 0) return { ...base, ci: null, interval: "empty" };
  if (acc.some((s) => !Number.isFinite(s[0]) || !Number.isFinite(s[1])))
    return { ...base, ci: null, interval: "unbounded" };
  const lo = Math.min(...acc.map((s) => s[0]), ...accPts);
  const hi = Math.max(...acc.map((s) => s[1]), ...accPts);
  let ci: [number, number] = [lo, hi];
  const accepted0 = pValue > alpha;
  let widenedToZero = false;
  let truncatedAtZero = false;
  if (accepted0 && (0 < lo || 0 > hi)) {
    ci = [Math.min(lo, 0), Math.max(hi, 0)];
    widenedToZero = true;
  } else if (!accepted0 && lo <= 0 && 0 <= hi) {
    let mean = 0;
    for (let t = t0; t < T; t++) mean += treatedGaps[t] / (T - t0);
    truncatedAtZero = true;
    if (mean < 0)
      ci = [lo, Math.max(...acc.filter((s) => s[1] <= 0).map((s) => s[1]), ...accPts.filter((x) => x < 0))];
    else
      ci = [Math.min(...acc.filter((s) => s[0] >= 0).map((s) => s[0]), ...accPts.filter((x) => x > 0)), hi];
    if (!Number.isFinite(ci[0]) || !Number.isFinite(ci[1]))
      return { ...base, ci: null, interval: "empty", truncatedAtZero };
  }
  return { ...base, ci, interval: "bounded", widenedToZero, truncatedAtZero };
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
