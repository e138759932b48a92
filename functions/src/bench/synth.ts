/**
 * `npm run bench -- synth`: synthetic control and geo design.
 *  - the Proposition 99 shape (39 units × 31 periods; the real panel when the test fixture is
 *    present, else a seeded factor-model panel of that shape): one outcome-only fit, the full
 *    outcome-only placebo loop (38 placebos), one ADH fit (7 predictors, nested optimisation), an
 *    augmented fit, the conformal interval;
 *  - a 50-geo × 100-day panel: one fit, the placebo loop (49), the conformal interval;
 *  - a design search on the 50 × 100 panel: 20 market pairs × 10 historical windows = 200
 *    simulated tests, each over a 17-point effect grid.
 * Prints median wall times (of 5, after a warm-up; the design search once) and peak RSS, and
 * checks every optimiser converged (KKT residual), since a solver that stops early and reports
 * success is the known trap. Targets: placebo loop ≤ 100 ms, ADH fit ≤ 200 ms, design ≤ 10 s.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { designMarkets, geoDesignParamsSchema } from "../models/geo-design";
import { conformalResiduals, fitSeries, placeboRun, scalePredictors } from "../models/synth/fit";
import { conformalInference, gaussian, mulberry32 } from "../stats/synth";
import { mib, PeakMemory } from "./memory";

function factorPanel(seed: number, N: number, T: number): Float64Array[] {
  const rand = mulberry32(seed);
  const f1 = Array.from({ length: T }, (_, t) => Math.sin(t / 5) * 10 + t * 0.3);
  const f2 = Array.from({ length: T }, (_, t) => Math.cos(t / 9) * 5);
  return Array.from({ length: N }, () => {
    const a = 100 + 20 * gaussian(rand);
    const l1 = 1 + 0.4 * gaussian(rand);
    const l2 = 1 + 0.4 * gaussian(rand);
    return Float64Array.from({ length: T }, (_, t) => a + l1 * f1[t] + l2 * f2[t] + 2 * gaussian(rand));
  });
}

function prop99(): { units: Float64Array[]; names: string[]; x: number[][]; real: boolean } {
  for (const dir of [
    join(__dirname, "../../test/fixtures/synth"),
    join(__dirname, "../../../test/fixtures/synth"),
  ]) {
    const file = join(dir, "prop99.csv");
    if (!existsSync(file)) continue;
    const rows = readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => l.split(","));
    const names = [...new Set(rows.map((r) => r[0]))].filter((s) => s !== "California");
    names.push("California");
    const at = (s: string, y: number, c: number) =>
      Number(rows.find((r) => r[0] === s && Number(r[1]) === y)?.[c]);
    const mean = (s: string, a: number, b: number, c: number) => {
      let sum = 0;
      for (let y = a; y <= b; y++) sum += at(s, y, c);
      return sum / (b - a + 1);
    };
    const units = names.map((s) => Float64Array.from({ length: 31 }, (_, t) => at(s, 1970 + t, 2)));
    const x = names.map((s) => [
      mean(s, 1980, 1988, 3),
      mean(s, 1980, 1988, 5),
      mean(s, 1980, 1988, 6),
      mean(s, 1984, 1988, 4),
      at(s, 1975, 2),
      at(s, 1980, 2),
      at(s, 1988, 2),
    ]);
    return { units, names, x, real: true };
  }
  const units = factorPanel(99, 39, 31);
  const x = units.map((u) => [
    u[5],
    u[10],
    u[18],
    (u[14] + u[15] + u[16]) / 3,
    u[0] / 10,
    u[8] - u[2],
    u[12] * 0.5,
  ]);
  return { units, names: units.map((_, i) => `u${i}`), x, real: false };
}

function time<T>(fn: () => T, reps = 5): { ms: number; value: T } {
  let value = fn(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    value = fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], value };
}

const fmt = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(0)).padStart(8) + " ms";
const mark = (ms: number, target: number) =>
  ms <= target ? `≤ ${target} ms target: ok` : `> ${target} ms target: MISSED`;

export async function benchSynth(): Promise<void> {
  const mem = new PeakMemory();
  const lines: string[] = [];
  let allConverged = true;
  const check = (what: string, converged: boolean, kkt: number) => {
    if (!converged) allConverged = false;
    return `${what}: ${converged ? "converged" : "NOT CONVERGED"}, max KKT residual ${kkt.toExponential(1)}`;
  };

  // --- Prop 99 shape -----------------------------------------------------------------------
  const p = prop99();
  const t0 = 19;
  const donors = p.units.slice(0, 38);
  const treated = p.units[38];
  const one = time(() => fitSeries("outcome", donors, treated, t0));
  const loop = time(() => placeboRun("outcome", donors, t0, { treated: [treated] }));
  const scaled = scalePredictors(["a", "b", "c", "d", "e", "f", "g"], p.x.slice(0, 38), p.x[38]);
  const adh = time(() => fitSeries("adh", donors, treated, t0, { adh: scaled.data }), 3);
  const aug = time(() => fitSeries("augmented", donors, treated, t0));
  const conf = time(() => {
    const r = conformalResiduals(donors, treated, t0);
    return conformalInference(
      r,
      t0,
      31,
      0.1,
      one.value.gaps.subarray(t0).reduce((a, b) => a + b, 0) / 12,
      1.66,
    );
  }, 3);
  lines.push(
    `synth bench: Prop 99 shape, 39 units × 31 periods (${p.real ? "the real panel" : "simulated"})`,
  );
  lines.push(`  outcome-only fit                 ${fmt(one.ms)}`);
  lines.push(
    `  placebo loop (38 fits)           ${fmt(loop.ms)}   ${mark(loop.ms, 100)}   (R Synth ≈ 100 s, scipy SLSQP ≈ 0.7 s)`,
  );
  lines.push(
    `  ADH fit (7 predictors)           ${fmt(adh.ms)}   ${mark(adh.ms, 200)}   (R Synth ≈ 2.6 s); ${adh.value.outer?.evaluations} V evaluations, outer ${adh.value.outer?.converged ? "converged" : "at its evaluation limit"}`,
  );
  lines.push(`  augmented fit (ridge, CV λ)      ${fmt(aug.ms)}`);
  lines.push(
    `  conformal interval               ${fmt(conf.ms)}   (${conf.value.evaluations} test inversions)`,
  );
  lines.push(
    `  ${check("weights", one.value.qp.converged && adh.value.qp.converged && loop.value.qp.every((q) => q.converged), Math.max(one.value.qp.kkt_residual, adh.value.qp.kkt_residual, ...loop.value.qp.map((q) => q.kkt_residual)))}`,
  );

  // --- 50 geos × 100 days ------------------------------------------------------------------
  const geo = factorPanel(7, 50, 100);
  const gd = geo.slice(1);
  const g1 = time(() => fitSeries("outcome", gd, geo[0], 80));
  const gl = time(() => placeboRun("outcome", gd, 80, { treated: [geo[0]] }));
  const gc = time(() => conformalInference(conformalResiduals(gd, geo[0], 80), 80, 100, 0.1, 0, 2), 3);
  lines.push(`50 geos × 100 days (80 pre)`);
  lines.push(`  outcome-only fit                 ${fmt(g1.ms)}`);
  lines.push(`  placebo loop (49 fits)           ${fmt(gl.ms)}   ${mark(gl.ms, 100)}`);
  lines.push(`  conformal interval               ${fmt(gc.ms)}   (${gc.value.evaluations} test inversions)`);
  lines.push(
    `  ${check("weights", g1.value.qp.converged && gl.value.qp.every((q) => q.converged), Math.max(g1.value.qp.kkt_residual, ...gl.value.qp.map((q) => q.kkt_residual)))}`,
  );

  // --- design search -------------------------------------------------------------------------
  const names = geo.map((_, i) => `geo${String(i).padStart(2, "0")}`);
  const labels = Array.from({ length: 100 }, (_, t) => String(t));
  for (const parallel of [false, true]) {
    const params = geoDesignParamsSchema.parse({
      source: { kind: "table", table: "x", unit: "u", time: "t", outcome: "y" },
      test_length: 14,
      expected_effect: 0.05,
      treatment_sizes: [2],
      top_sets: 20,
      n_windows: 10,
      parallel,
    });
    const s0 = performance.now();
    // minWork 0: measure the threaded path even though this search is below the auto threshold.
    const out = await designMarkets(names, labels, (u) => geo[names.indexOf(u)], params, {
      minWork: parallel ? 0 : undefined,
    });
    const ms = performance.now() - s0;
    const d = out.diagnostics as {
      simulations: number;
      n_sets_scored: number;
      parallel: { mode: string; threads: number };
      optimizer: { converged: boolean; max_kkt_residual: number };
    };
    lines.push(
      `design search, ${parallel ? d.parallel.mode + " × " + d.parallel.threads : "inline"}: ${d.n_sets_scored} pairs scored, 20 × 10 = 200 simulated tests (${d.simulations} fits over the effect grid) ${fmt(ms)}   ${mark(ms, 10_000)}`,
    );
    lines.push(`  ${check("simulation weights", d.optimizer.converged, d.optimizer.max_kkt_residual)}`);
  }
  const peak = mem.stop();
  lines.push(`peak RSS ${mib(peak)}; all optimisers converged: ${allConverged ? "yes" : "NO"}`);
  console.log(lines.join("\n"));
}
