/**
 * Group-sequential boundaries for K planned looks with the Lan–DeMets O'Brien–Fleming-type
 * alpha-spending function, two-sided and symmetric: each tail spends α/2 with the one-sided
 * function, so in total
 *
 *   α(t) = 2 · [2 − 2 Φ( z_{1−α/4} / √t )],  t = information fraction ∈ (0, 1]
 *
 * (the convention of gsDesign's sfLDOF, rpact's "asOF" and ldbounds; for five equally spaced
 * looks at α = 0.05 it gives the familiar 4.877, 3.357, 2.680, 2.290, 2.031).
 * Lan, K. K. G. & DeMets, D. L. (1983) "Discrete sequential boundaries for clinical trials",
 * Biometrika 70(3):659–663. The boundary c_k spends α(t_k) − α(t_{k−1}) at look k given no
 * earlier crossing; the crossing probabilities come from the recursive numerical integration of
 * Armitage, McPherson & Rowe (1969) on the score scale S_k = Z_k √t_k (independent normal
 * increments of variance t_k − t_{k−1}), Jennison & Turnbull (2000) "Group Sequential Methods
 * with Applications to Clinical Trials", ch. 19, here with composite Gauss–Legendre nodes.
 */
import { normalCdf, normalPdf, normalQuantile } from "./normal";

export function obrienFlemingSpending(t: number, alpha: number): number {
  if (t <= 0) return 0;
  const z = normalQuantile(1 - alpha / 4);
  return 2 * (2 - 2 * normalCdf(z / Math.sqrt(Math.min(1, t))));
}

const GL_X = [
  0.0765265211334973, 0.2277858511416451, 0.3737060887154195, 0.5108670019508271, 0.636053680726515,
  0.7463319064601508, 0.8391169718222188, 0.9122344282513259, 0.9639719272779138, 0.9931285991850949,
];
const GL_W = [
  0.1527533871307258, 0.149172986472604, 0.142096109318382, 0.1316886384491766, 0.1181945319615184,
  0.1019301198172404, 0.0832767415767048, 0.0626720483341091, 0.0406014298003869, 0.0176140071391521,
];

/** Nodes and weights on (−b, b). */
function grid(b: number, panels: number): { x: number[]; w: number[] } {
  const x: number[] = [];
  const w: number[] = [];
  const h = (2 * b) / panels;
  for (let p = 0; p < panels; p++) {
    const mid = -b + (p + 0.5) * h;
    for (let k = 0; k < GL_X.length; k++) {
      x.push(mid - (h / 2) * GL_X[k], mid + (h / 2) * GL_X[k]);
      w.push((h / 2) * GL_W[k], (h / 2) * GL_W[k]);
    }
  }
  return { x, w };
}

export interface GroupSequentialLook {
  look: number;
  information_fraction: number;
  /** Cumulative α spent through this look. */
  alpha_spent: number;
  /** Two-sided z boundary: reject H0 at this look when |Z| ≥ boundary. */
  boundary: number;
  /** Nominal two-sided p-value threshold equivalent to the boundary. */
  nominal_alpha: number;
}

/** Boundaries for increasing information fractions ending at (or before) 1. */
export function groupSequentialBoundaries(
  fractions: number[],
  alpha: number,
  panels = 24,
): GroupSequentialLook[] {
  if (fractions.length === 0) return [];
  for (let k = 0; k < fractions.length; k++) {
    const t = fractions[k];
    if (!(t > 0 && t <= 1) || (k > 0 && !(t > fractions[k - 1]))) {
      throw new RangeError("information fractions must increase within (0, 1]");
    }
  }
  const out: GroupSequentialLook[] = [];
  // g: density of S_{k} restricted to the continuation region, on nodes (x, w).
  let nodes: { x: number[]; w: number[] } | null = null;
  let dens: number[] = [];
  let prevT = 0;
  let spentBefore = 0;
  for (let k = 0; k < fractions.length; k++) {
    const t = fractions[k];
    const spentNow = obrienFlemingSpending(t, alpha);
    const target = spentNow - spentBefore;
    const dt = t - prevT;
    const sd = Math.sqrt(dt);
    let z: number;
    if (nodes === null) {
      z = normalQuantile(1 - target / 2);
    } else {
      const nd = nodes;
      const crossing = (c: number) => {
        const b = c * Math.sqrt(t);
        let s = 0;
        for (let i = 0; i < nd.x.length; i++) {
          s += nd.w[i] * dens[i] * (normalCdf((-b - nd.x[i]) / sd) + normalCdf((nd.x[i] - b) / sd));
        }
        return s;
      };
      // crossing(c) − target decreases in c: Illinois (modified regula falsi) on [0.5, 40].
      if (target <= 0) z = Infinity;
      else z = decreasingRoot((c) => crossing(c) - target, 0.5, 40);
    }
    out.push({
      look: k + 1,
      information_fraction: t,
      alpha_spent: spentNow,
      boundary: z,
      nominal_alpha: Number.isFinite(z) ? 2 * normalCdf(-z) : 0,
    });
    // Density of S_k on the continuation region (−z√t, z√t).
    const b = Math.min(z, 40) * Math.sqrt(t);
    const next = grid(b, panels);
    const nd = nodes;
    dens = next.x.map((s) => {
      if (nd === null) return normalPdf(s / sd) / sd;
      let v = 0;
      for (let i = 0; i < nd.x.length; i++) v += nd.w[i] * dens[i] * normalPdf((s - nd.x[i]) / sd);
      return v / sd;
    });
    nodes = next;
    prevT = t;
    spentBefore = spentNow;
  }
  return out;
}

/** Root of a decreasing f on [a, b] (f(a) > 0 > f(b)) by the Illinois method. */
function decreasingRoot(f: (x: number) => number, a: number, b: number): number {
  let fa = f(a);
  let fb = f(b);
  let side = 0;
  let c = a;
  for (let i = 0; i < 100; i++) {
    c = (a * fb - b * fa) / (fb - fa);
    const fc = f(c);
    if (Math.abs(b - a) < 1e-11 || fc === 0) break;
    if (fc > 0) {
      a = c;
      fa = fc;
      if (side === 1) fb /= 2;
      side = 1;
    } else {
      b = c;
      fb = fc;
      if (side === -1) fa /= 2;
      side = -1;
    }
  }
  return c;
}
