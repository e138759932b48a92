/**
 * Candidate treatment sets: every combination when they fit in `max_sets` per size, otherwise
 * `max_sets` distinct combinations drawn with a seeded generator (so a rerun draws the same ones).
 * Sets always contain the `include` markets and never an `exclude` market.
 */
import { deriveSeed, mulberry32 } from "../../stats/synth";

export function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}

export function candidateSets(
  free: number[],
  fixed: number[],
  size: number,
  maxSets: number,
  seed: number,
): number[][] {
  const k = size - fixed.length;
  if (k < 0 || k > free.length) return [];
  const total = binomial(free.length, k);
  const out: number[][] = [];
  if (total <= maxSets) {
    const idx = Array.from({ length: k }, (_, i) => i);
    for (;;) {
      out.push([...fixed, ...idx.map((i) => free[i])].sort((a, b) => a - b));
      let i = k - 1;
      while (i >= 0 && idx[i] === free.length - k + i) i--;
      if (i < 0) break;
      idx[i]++;
      for (let j = i + 1; j < k; j++) idx[j] = idx[j - 1] + 1;
    }
    return out;
  }
  const rand = mulberry32(deriveSeed(seed, `sets:${size}`));
  const seen = new Set<string>();
  while (out.length < maxSets) {
    const pick = new Set<number>();
    while (pick.size < k) pick.add(free[Math.floor(rand() * free.length)]);
    const set = [...fixed, ...pick].sort((a, b) => a - b);
    const key = set.join(",");
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(set);
  }
  return out;
}
