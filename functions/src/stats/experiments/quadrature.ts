/** Composite Gauss–Legendre quadrature (20 nodes per panel; Abramowitz & Stegun Table 25.4). */

const X = [
  0.0765265211334973, 0.2277858511416451, 0.3737060887154195, 0.5108670019508271, 0.636053680726515,
  0.7463319064601508, 0.8391169718222188, 0.9122344282513259, 0.9639719272779138, 0.9931285991850949,
];
const W = [
  0.1527533871307258, 0.1491729864726037, 0.142096109318382, 0.1316886384491766, 0.1181945319615184,
  0.1019301198172404, 0.0832767415767048, 0.0626720483341091, 0.0406014298003869, 0.0176140071391521,
];

/** ∫_lo^hi f(x) dx over `panels` equal panels. */
export function integrate(f: (x: number) => number, lo: number, hi: number, panels = 64): number {
  const h = (hi - lo) / panels;
  let total = 0;
  for (let p = 0; p < panels; p++) {
    const mid = lo + (p + 0.5) * h;
    const half = h / 2;
    let s = 0;
    for (let k = 0; k < X.length; k++) {
      s += W[k] * (f(mid - half * X[k]) + f(mid + half * X[k]));
    }
    total += s * half;
  }
  return total;
}
