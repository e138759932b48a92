/**
 * The Legendre continued fraction of Γ(a, x), without its prefactor e^(−x) x^a / Γ(a) (modified Lentz,
 * to full double precision; converges fast for x ≥ a + 1). Callers that know the prefactor exactly
 * (the normal tail, a = 1/2) apply their own. Numerical Recipes §6.2.
 *
 * A module of its own so that the normal and Student-t code can share it without importing
 * distributions.ts, which imports them (no require cycle).
 */
export function gammaContinuedFraction(a: number, x: number): number {
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return h;
}
