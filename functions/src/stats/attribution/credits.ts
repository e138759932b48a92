/**
 * Rule-based and Shapley credits from grouped sums. The weights of first, last, linear and
 * position-based attribution depend only on a touch's position i in a path of n touches, and the
 * Shapley shares only on a channel's rank k among the path's m distinct channels, so the warehouse
 * returns conversions and value per (channel, i, n) and per (channel, k, m) and the credits follow here:
 *
 *   first     [i = 1]                       last  [i = n]                  linear  1/n
 *   position  n = 1: 1; n = 2: first/(first+last) and last/(first+last);
 *             n ≥ 3: first at i = 1, last at i = n, (1 − first − last)/(n − 2) in between
 *   shapley   1/m per distinct channel (Zhao, Mahboobi & Bagheri 2018, eq. 8: the Shapley value of
 *             v(S) = Σ_{T ⊆ S} R(T), i.e. each channel set's conversions shared equally), and by rank k
 *             for their ordered variant.
 * Inputs are sorted before summing, so the result does not depend on the order rows arrive in.
 */
export interface PositionSum {
  ch: string;
  i: number;
  n: number;
  conv: number;
  value: number;
}

export interface RankSum {
  ch: string;
  k: number;
  m: number;
  conv: number;
  value: number;
}

export interface Credit {
  conv: number;
  value: number;
}

export type RuleModel = "first" | "last" | "linear" | "position";

export function positionWeight(i: number, n: number, first: number, last: number): number {
  if (n === 1) return 1;
  if (n === 2) return (i === 1 ? first : last) / (first + last);
  if (i === 1) return first;
  if (i === n) return last;
  return (1 - first - last) / (n - 2);
}

const byKey = <T extends { ch: string }>(a: T, b: T, x: (r: T) => number[]): number => {
  if (a.ch !== b.ch) return a.ch < b.ch ? -1 : 1;
  const xa = x(a);
  const xb = x(b);
  for (let t = 0; t < xa.length; t++) if (xa[t] !== xb[t]) return xa[t] - xb[t];
  return 0;
};

function add(map: Map<string, Credit>, ch: string, conv: number, value: number): void {
  const c = map.get(ch) ?? { conv: 0, value: 0 };
  c.conv += conv;
  c.value += value;
  map.set(ch, c);
}

export function ruleCredits(
  rows: readonly PositionSum[],
  shares: { first: number; last: number },
): Record<RuleModel, Map<string, Credit>> {
  const out: Record<RuleModel, Map<string, Credit>> = {
    first: new Map(),
    last: new Map(),
    linear: new Map(),
    position: new Map(),
  };
  const sorted = [...rows].sort((a, b) => byKey(a, b, (r) => [r.i, r.n]));
  for (const r of sorted) {
    const w = {
      first: r.i === 1 ? 1 : 0,
      last: r.i === r.n ? 1 : 0,
      linear: 1 / r.n,
      position: positionWeight(r.i, r.n, shares.first, shares.last),
    };
    for (const m of ["first", "last", "linear", "position"] as const)
      add(out[m], r.ch, r.conv * w[m], r.value * w[m]);
  }
  return out;
}

export interface ShapleyCredits {
  total: Map<string, Credit>;
  /** Credit by rank of first touch (index k − 1), the ordered Shapley value. */
  byRank: Map<string, { conv: number[]; value: number[] }>;
}

export function shapleyCredits(rows: readonly RankSum[]): ShapleyCredits {
  const total = new Map<string, Credit>();
  const byRank = new Map<string, { conv: number[]; value: number[] }>();
  const sorted = [...rows].sort((a, b) => byKey(a, b, (r) => [r.k, r.m]));
  for (const r of sorted) {
    const c = r.conv / r.m;
    const v = r.value / r.m;
    add(total, r.ch, c, v);
    const e = byRank.get(r.ch) ?? { conv: [], value: [] };
    for (let t = e.conv.length; t < r.k; t++) {
      e.conv.push(0);
      e.value.push(0);
    }
    e.conv[r.k - 1] += c;
    e.value[r.k - 1] += v;
    byRank.set(r.ch, e);
  }
  return { total, byRank };
}
