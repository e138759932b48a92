/**
 * The regularised incomplete beta I_x(a, b) and the log Beta density for large parameters.
 *
 * jStat's ibeta stops its continued fraction after 100 terms, which is not enough for Beta
 * posteriors of experiments with millions of units (the fraction needs O(√max(a, b)) terms
 * near the mean). This is the Numerical Recipes §6.4 continued fraction (modified Lentz) with
 * up to 100,000 terms and a 1e-15 relative stopping rule.
 */

interface JStatGamma {
  gammaln(x: number): number;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { jStat } = require("jstat") as { jStat: JStatGamma };

export function logBeta(a: number, b: number): number {
  return jStat.gammaln(a) + jStat.gammaln(b) - jStat.gammaln(a + b);
}

/** log of the Beta(a, b) density at x ∈ (0, 1). */
export function betaLogPdf(x: number, a: number, b: number, lbeta = logBeta(a, b)): number {
  const la = a === 1 ? 0 : (a - 1) * Math.log(x);
  const lb = b === 1 ? 0 : (b - 1) * Math.log1p(-x);
  return la + lb - lbeta;
}

/** I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number, lbeta = logBeta(a, b)): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(a * Math.log(x) + b * Math.log1p(-x) - lbeta);
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

/**
 * The continued fraction for I_x(a, b) (Numerical Recipes §6.4, modified Lentz), up to 100,000 terms,
 * stopping when a step changes it by less than `eps` relative. Also used by the Student t tail.
 */
export function betaContinuedFraction(x: number, a: number, b: number, eps = 1e-15): number {
  const tiny = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 100_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < eps) break;
  }
  return h;
}
