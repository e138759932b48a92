import { Matrix, solve } from "ml-matrix";
import { describe, expect, it } from "vitest";
import {
  absorb,
  luFactor,
  luSolve,
  markovSolveFlops,
  proportional,
  reconcile,
  SingularMatrixError,
  solveMarkov,
  type MarkovChainInput,
} from "../../../../src/stats/attribution";

/** Mulberry32: a small seeded generator so the random cases are the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The hand example (worked on paper): paths a>b (2 conversions, value 20, 1 null), b (1, 5, 2),
 * a>c>a (1, 10, 0), c (0, 0, 3). Order 1: start → a .4, b .3, c .3; a → b .6, c .2, conv .2;
 * b → conv .5, null .5; c → a .25, null .75.
 * x_b = .5, x_a = 10/19, x_c = 5/38 → P = .4 = 4 conversions / 10 journeys.
 * Without a: P = .15; without b: x_a = 4/19, x_c = 1/19 → P = .1; without c: x_a = .5 → P = .35.
 * Value per visit: a 10/5, b 25/6 → V = 3.5; without a 1.25, b 1, c 3.05.
 */
const hand: MarkovChainInput = {
  states: [["a"], ["b"], ["c"]],
  start: [4, 3, 3],
  edges: [
    { from: 0, to: 1, w: 3 },
    { from: 0, to: 2, w: 1 },
    { from: 2, to: 0, w: 1 },
  ],
  conv: [1, 3, 0],
  nulls: [0, 3, 3],
  value: [10, 25, 0],
};

describe("exact Markov removal effects", () => {
  it("matches the hand-worked chain", () => {
    const s = solveMarkov(hand);
    expect(s.conversion_probability).toBeCloseTo(0.4, 14);
    expect(s.value_per_journey).toBeCloseTo(3.5, 13);
    const by = Object.fromEntries(s.removals.map((r) => [r.channel, r]));
    expect(by.a.conversion_probability).toBeCloseTo(0.15, 14);
    expect(by.b.conversion_probability).toBeCloseTo(0.1, 14);
    expect(by.c.conversion_probability).toBeCloseTo(0.35, 14);
    expect(by.a.removal_effect).toBeCloseTo(0.625, 14);
    expect(by.b.removal_effect).toBeCloseTo(0.75, 14);
    expect(by.c.removal_effect).toBeCloseTo(0.125, 14);
    expect(by.a.removal_effect_value).toBeCloseTo(9 / 14, 13);
    expect(by.b.removal_effect_value).toBeCloseTo(5 / 7, 13);
    expect(by.c.removal_effect_value).toBeCloseTo(9 / 70, 13);
  });

  it("equals value iteration to convergence on random chains (a different method)", () => {
    const rand = rng(7);
    for (let trial = 0; trial < 20; trial++) {
      const channels = ["a", "b", "c", "d", "e"].slice(0, 2 + Math.floor(rand() * 4));
      // order-2-like states: 1- and 2-tuples
      const states: string[][] = [];
      for (const x of channels) states.push([x]);
      for (const x of channels) for (const y of channels) if (rand() < 0.5) states.push([x, y]);
      const n = states.length;
      const start = states.map(() => (rand() < 0.6 ? Math.floor(rand() * 10) + 1 : 0));
      start[0] += 1;
      const edges: { from: number; to: number; w: number }[] = [];
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++)
          if (rand() < 0.3) edges.push({ from: i, to: j, w: 1 + Math.floor(rand() * 9) });
      const conv = states.map(() => Math.floor(rand() * 5));
      const nulls = states.map(() => 1 + Math.floor(rand() * 5));
      const value = conv.map((c) => c * (1 + rand() * 50));
      const input: MarkovChainInput = { states, start, edges, conv, nulls, value };
      const sol = solveMarkov(input);
      const iterate = (alive: (s: number) => boolean) => {
        const out = states.map((_, s) => conv[s] + nulls[s]);
        for (const e of edges) out[e.from] += e.w;
        let x = new Float64Array(n);
        let xv = new Float64Array(n);
        for (let it = 0; it < 100000; it++) {
          const nx = new Float64Array(n);
          const nxv = new Float64Array(n);
          for (let s = 0; s < n; s++) {
            if (!alive(s)) continue;
            nx[s] = conv[s] / out[s];
            nxv[s] = value[s] / out[s];
          }
          for (const e of edges) {
            if (!alive(e.from)) continue;
            nx[e.from] += (e.w / out[e.from]) * x[e.to];
            nxv[e.from] += (e.w / out[e.from]) * xv[e.to];
          }
          let diff = 0;
          for (let s = 0; s < n; s++)
            diff = Math.max(diff, Math.abs(nx[s] - x[s]), Math.abs(nxv[s] - xv[s]) / 100);
          x = nx;
          xv = nxv;
          if (diff < 1e-16) break;
        }
        const tot = start.reduce((a, b) => a + b, 0);
        let p = 0;
        let v = 0;
        for (let s = 0; s < n; s++) {
          p += (start[s] / tot) * x[s];
          v += (start[s] / tot) * xv[s];
        }
        return { p, v };
      };
      const full = iterate(() => true);
      expect(sol.conversion_probability).toBeCloseTo(full.p, 12);
      expect(sol.value_per_journey / full.v).toBeCloseTo(1, 11);
      for (const r of sol.removals) {
        const cut = iterate((s) => !states[s].includes(r.channel));
        expect(r.conversion_probability).toBeCloseTo(cut.p, 12);
        expect(r.removal_effect).toBeCloseTo(1 - cut.p / full.p, 11);
        expect(r.removal_effect_value).toBeCloseTo(1 - cut.v / full.v, 11);
      }
    }
  });

  it("absorb() of the whole chain equals conversions / journeys (flow conservation of the empirical chain)", () => {
    expect(absorb(hand, () => true).p).toBeCloseTo(4 / 10, 15);
  });

  it("counts the flops of the dense solves for the cost guard", () => {
    expect(markovSolveFlops(hand.states)).toBeCloseTo(27 / 3 + 3 * (8 / 3), 10);
  });
});

describe("dense LU", () => {
  it("solves like ml-matrix on random systems", () => {
    const rand = rng(11);
    for (const n of [1, 2, 5, 17, 40]) {
      const a = Array.from({ length: n }, () => Array.from({ length: n }, () => rand() * 2 - 1));
      const b = Array.from({ length: n }, () => rand());
      const flat = new Float64Array(a.flat());
      const x = luSolve(luFactor(flat, n), b);
      const ref = solve(new Matrix(a), Matrix.columnVector(b)).to1DArray();
      for (let i = 0; i < n; i++) expect(x[i]).toBeCloseTo(ref[i], 9);
    }
  });

  it("reports a zero pivot instead of dividing by it", () => {
    expect(() => luFactor(new Float64Array([1, 2, 2, 4]), 2)).toThrow(SingularMatrixError);
  });
});

describe("allocation", () => {
  it("shares in proportion and reconciles", () => {
    expect(proportional(4, [0.625, 0.75, 0.125])).toEqual(
      [5 / 3, 2, 1 / 3].map((x) => expect.closeTo(x, 14)),
    );
    expect(proportional(4, [0, 0])).toEqual([0, 0]);
    expect(reconcile(4, [5 / 3, 2, 1 / 3]).reconciles).toBe(true);
    expect(reconcile(4, [1, 2]).reconciles).toBe(false);
  });
});
