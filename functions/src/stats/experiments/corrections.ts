/**
 * Multiple-comparison corrections of a family of p-values (all arms × metrics of one analysis).
 *
 *  - Holm, S. (1979) "A simple sequentially rejective multiple test procedure", Scand. J.
 *    Statist. 6:65–70 — controls the family-wise error rate; adjusted
 *    p_(i) = max_{j ≤ i} min(1, (m − j + 1) p_(j)).
 *  - Benjamini, Y. & Hochberg, Y. (1995) "Controlling the false discovery rate", JRSS B
 *    57:289–300 — controls the FDR under independence/PRDS; adjusted
 *    p_(i) = min_{j ≥ i} min(1, m p_(j) / j).
 * Same values as statsmodels multipletests(method="holm" | "fdr_bh") and R p.adjust.
 */

export type Correction = "none" | "holm" | "bh";

export function adjustPValues(p: number[], method: Correction): number[] {
  const m = p.length;
  if (method === "none" || m <= 1) return [...p];
  const order = p.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(m);
  if (method === "holm") {
    let running = 0;
    order.forEach(([v, i], k) => {
      running = Math.max(running, Math.min(1, (m - k) * v));
      out[i] = running;
    });
  } else {
    let running = 1;
    for (let k = m - 1; k >= 0; k--) {
      const [v, i] = order[k];
      running = Math.min(running, Math.min(1, (m * v) / (k + 1)));
      out[i] = running;
    }
  }
  return out;
}
