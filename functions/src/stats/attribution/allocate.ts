/** Sharing a total in proportion to weights, and checking that per-channel totals reconcile with the input. */

/** total · w_i / Σw (all zeros when Σw = 0). */
export function proportional(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => (sum > 0 ? (total * w) / sum : 0));
}

export interface Reconciliation {
  input: number;
  attributed: number;
  /** |attributed − input| ≤ 1e-9 · max(1, |input|). */
  reconciles: boolean;
}

export function reconcile(input: number, parts: readonly number[]): Reconciliation {
  // Neumaier summation: millions of journeys summed in SQL already carry rounding; don't add more.
  let sum = 0;
  let comp = 0;
  for (const x of parts) {
    const t = sum + x;
    comp += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
  }
  const attributed = sum + comp;
  return {
    input,
    attributed,
    reconciles: Math.abs(attributed - input) <= 1e-9 * Math.max(1, Math.abs(input)),
  };
}
