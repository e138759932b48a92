/**
 * The confidence sequence under the null with daily peeking: its false-positive rate stays at or
 * below α while naive daily fixed-horizon tests inflate it (seeded simulation, 2,000 experiments ×
 * 20 daily looks × 200 units per arm per look; each look uses the same Welch SE as the model).
 *
 * Expected: the CS is conservative (≈ 1–3%); naive peeking at 20 looks ≈ 20–25% (Armitage et al.
 * 1969). Bounds are loose enough that the seeded outcome cannot flip on another machine.
 */
import { describe, expect, it } from "vitest";
import { confidenceSequence, mixtureRho2, normalTwoSidedP } from "../../../../src/stats/experiments";

/** Mulberry32 uniform PRNG + Box–Muller normals: deterministic across platforms. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  let spare: number | null = null;
  const u = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 1) / 4294967297;
  };
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(u()));
    const th = 2 * Math.PI * u();
    spare = r * Math.sin(th);
    return r * Math.cos(th);
  };
}

describe("confidence sequence under H0 with daily peeking", () => {
  it("keeps the false-positive rate ≤ α; naive peeking does not", () => {
    const sims = 2000;
    const looks = 20;
    const perLook = 200;
    const alpha = 0.05;
    const rho2 = mixtureRho2(alpha, looks * perLook * 2);
    const z = rng(20240501);
    let csReject = 0;
    let naiveReject = 0;
    let finalReject = 0;
    for (let s = 0; s < sims; s++) {
      let nA = 0,
        sA = 0,
        qA = 0,
        nB = 0,
        sB = 0,
        qB = 0;
      let cs = false,
        naive = false;
      for (let l = 0; l < looks; l++) {
        for (let i = 0; i < perLook; i++) {
          const a = z(),
            b = z();
          sA += a;
          qA += a * a;
          sB += b;
          qB += b * b;
        }
        nA += perLook;
        nB += perLook;
        const mA = sA / nA,
          mB = sB / nB;
        const vA = (qA - nA * mA * mA) / (nA - 1),
          vB = (qB - nB * mB * mB) / (nB - 1);
        const se = Math.sqrt(vA / nA + vB / nB);
        const d = mB - mA;
        if (confidenceSequence(d, se, nA + nB, alpha, rho2).p_value < alpha) cs = true;
        const p = normalTwoSidedP(d / se);
        if (p < alpha) naive = true;
        if (l === looks - 1 && p < alpha) finalReject++;
      }
      if (cs) csReject++;
      if (naive) naiveReject++;
    }
    const csRate = csReject / sims;
    const naiveRate = naiveReject / sims;
    expect(csRate).toBeLessThanOrEqual(alpha);
    expect(naiveRate).toBeGreaterThan(0.12);
    // the single final look is an honest α-level test
    expect(finalReject / sims).toBeGreaterThan(0.03);
    expect(finalReject / sims).toBeLessThan(0.07);
  });
});
