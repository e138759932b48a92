/**
 * geo_design: rank treatment market sets by simulated power, MDE and pre-period fit.
 *
 * 1. The unit × period panel (same SQL as `synth`); markets with missing outcomes are left out
 *    (warned).
 * 2. Candidate sets per size (sets.ts), filtered by the budget (per-market costs plus, with a
 *    cost per incremental unit, |expected effect| × the set's baseline outcome over the test).
 *    "No feasible set" is a result (diagnostics.feasible = false, a reason), not an error.
 * 3. Pre-period fit of every feasible set: outcome-only SC of the set's average on all history,
 *    from one Gram matrix of all markets; RMSPE scaled by the set's mean level.
 * 4. The `top_sets` best-fitting sets per size go to the power simulation (simulate.ts), on
 *    worker_threads when possible; ranked by power at the expected effect, then MDE, then fit.
 */
import { ModelFailure, type ModelContext, type ModelOutput } from "../model";
import { buildPanel, panelQuery } from "../synth";
import { gram, solveSimplexQp } from "../../stats/synth";
import type { GeoDesignParams } from "./params";
import { simulateAll } from "./parallel";
import { candidateSets } from "./sets";

export async function runGeoDesign(ctx: ModelContext<GeoDesignParams>): Promise<ModelOutput> {
  const p = ctx.params;
  await ctx.stage("querying the warehouse", 0.1);
  const pq = panelQuery({ source: p.source, predictors: undefined }, ctx.warehouse.dialect, ctx.workspaceId);
  const res = await ctx.query(pq.query);
  const panel = buildPanel(res.rows as Record<string, unknown>[], pq.variables, pq.periods);
  await ctx.stage("simulating", 0.3);
  return designMarkets(panel.units, panel.labels, (u) => panel.y.get(u) as Float64Array, p);
}

export async function designMarkets(
  allUnits: string[],
  labels: string[],
  series: (unit: string) => Float64Array,
  p: GeoDesignParams,
  opts: { workerPath?: string | null; execArgv?: string[]; minWork?: number } = {},
): Promise<ModelOutput> {
  const warnings: string[] = [];
  const T = labels.length;
  const L = p.test_length;
  const gaps = allUnits.filter((u) => series(u).some((v) => Number.isNaN(v)));
  if (gaps.length)
    warnings.push(`left out ${gaps.length} market(s) with missing outcomes: ${gaps.slice(0, 5).join(", ")}`);
  const units = allUnits.filter((u) => !gaps.includes(u));
  const index = new Map(units.map((u, i) => [u, i]));
  for (const [name, list] of [
    ["include", p.include],
    ["exclude", p.exclude],
    ["candidates", p.candidates ?? []],
  ] as const) {
    const unknown = list.filter((u) => !index.has(u));
    if (unknown.length)
      throw new ModelFailure(
        "invalid_params",
        `${name}: market(s) ${unknown
          .slice(0, 5)
          .map((u) => JSON.stringify(u))
          .join(", ")} not in the data (or with missing outcomes)`,
      );
  }
  const minPre = p.min_pre_periods ?? Math.max(2 * L, 4);
  const allEnds: number[] = [];
  for (let end = T; end - L >= minPre; end--) allEnds.push(end);
  if (allEnds.length === 0) {
    throw new ModelFailure(
      "insufficient_data",
      `${T} periods cannot hold a ${L}-period test window after ${minPre} pre periods`,
    );
  }
  const ends = allEnds.slice(0, p.n_windows);
  const N = units.length;
  const y = new Float64Array(N * T);
  units.forEach((u, i) => y.set(series(u), i * T));
  const e0 = p.expected_effect;
  const effects = p.effect_grid
    ? [...new Set([...p.effect_grid, e0])].sort((a, b) => a - b)
    : Array.from({ length: 17 }, (_, k) => (k * e0) / 4);

  const excluded = new Set(p.exclude.map((u) => index.get(u) as number));
  const fixed = p.include.map((u) => index.get(u) as number);
  const pool = (p.candidates ?? units)
    .map((u) => index.get(u) as number)
    .filter((i) => !excluded.has(i) && !fixed.includes(i));
  const baseline = (set: number[]) => {
    let s = 0;
    for (const m of set) for (let t = T - L; t < T; t++) s += y[m * T + t];
    return s;
  };
  const cost = (set: number[]) =>
    set.reduce((s, m) => s + (p.market_costs?.[units[m]] ?? 0), 0) +
    (p.cost_per_incremental ?? 0) * Math.abs(e0) * baseline(set);
  if (p.market_costs) {
    const missing = [...fixed, ...pool]
      .filter((m) => p.market_costs?.[units[m]] === undefined)
      .map((m) => units[m]);
    if (missing.length)
      warnings.push(
        `no market cost for ${missing.length} candidate(s) (${missing.slice(0, 5).join(", ")}): counted as 0`,
      );
  }

  // Pre-period fit of every feasible set from one Gram matrix over all history.
  const cols = units.map((_, i) => y.subarray(i * T, (i + 1) * T));
  const { H: G } = gram(cols, new Float64Array(T));
  let scored = 0;
  let overBudget = 0;
  let noDonors = 0;
  const perSize: { size: number; sets: { set: number[]; rmspe: number; scaled: number; cost: number }[] }[] =
    [];
  for (const size of [...new Set(p.treatment_sizes)].sort((a, b) => a - b)) {
    const sets = candidateSets(pool, fixed, size, p.max_sets, p.seed);
    const rows: { set: number[]; rmspe: number; scaled: number; cost: number }[] = [];
    for (const set of sets) {
      const c = cost(set);
      if (p.budget !== undefined && c > p.budget) {
        overBudget++;
        continue;
      }
      const inSet = new Set(set);
      const donors = units.map((_, i) => i).filter((i) => !inSet.has(i));
      if (donors.length < 2) {
        noDonors++;
        continue;
      }
      const J = donors.length;
      const H = new Float64Array(J * J);
      const g = new Float64Array(J);
      let yy = 0;
      for (const a of set) for (const b of set) yy += G[a * N + b];
      yy /= set.length * set.length;
      donors.forEach((d, a) => {
        let s = 0;
        for (const m of set) s += G[d * N + m];
        g[a] = s / set.length;
        donors.forEach((e, b) => (H[a * J + b] = G[d * N + e]));
      });
      const r = solveSimplexQp(H, g, J);
      const sse = Math.max(2 * r.objective + yy, 0);
      const rmspe = Math.sqrt(sse / T);
      let level = 0;
      for (const m of set) for (let t = 0; t < T; t++) level += y[m * T + t];
      level /= set.length * T;
      rows.push({ set, rmspe, scaled: level !== 0 ? rmspe / Math.abs(level) : Infinity, cost: c });
      scored++;
    }
    rows.sort((a, b) => a.scaled - b.scaled || a.set.join(",").localeCompare(b.set.join(",")));
    perSize.push({ size, sets: rows.slice(0, p.top_sets) });
  }
  const chosen = perSize.flatMap((s) => s.sets);
  const base = {
    n_markets: N,
    n_sets_scored: scored,
    n_over_budget: overBudget,
    test_length: L,
    windows: {
      count: ends.length,
      available: allEnds.length,
      last_test_starts: ends.map((e) => labels[e - L]),
    },
    effect_grid: effects,
    alpha: p.alpha,
    power_target: p.power_target,
    seed: p.seed,
  };
  if (chosen.length === 0) {
    const reason =
      overBudget > 0 && scored === 0
        ? `every candidate set is over the budget of ${p.budget}`
        : noDonors > 0 && scored === 0
          ? "no candidate set leaves at least 2 donor markets"
          : "no candidate set satisfies the include/exclude lists and sizes";
    return {
      estimates: [],
      diagnostics: { ...base, feasible: false, reason, ranked: [] },
      n_obs: N * T,
      warnings,
    };
  }
  const tasks = chosen.map((c) => ({ key: c.set.join(","), members: c.set }));
  const { results, info } = await simulateAll(
    tasks,
    { y, nUnits: N, T, L, ends, effects, alpha: p.alpha },
    { parallel: p.parallel, workerPath: opts.workerPath, execArgv: opts.execArgv, minWork: opts.minWork },
  );
  const expectedIdx = effects.indexOf(e0);
  const ranked = chosen.map((c, i) => {
    const r = results[i];
    const sameSign = effects
      .map((e, k) => ({ e, k }))
      .filter(({ e }) => e !== 0 && Math.sign(e) === Math.sign(e0));
    const mde =
      sameSign.sort((a, b) => Math.abs(a.e) - Math.abs(b.e)).find(({ k }) => r.power[k] >= p.power_target)
        ?.e ?? null;
    return {
      markets: c.set.map((m) => units[m]),
      size: c.set.length,
      power: r.power[expectedIdx],
      mde,
      pre_rmspe: c.rmspe,
      scaled_pre_rmspe: Number.isFinite(c.scaled) ? c.scaled : null,
      cost: p.market_costs || p.cost_per_incremental !== undefined ? c.cost : null,
      power_curve: effects.map((e, k) => ({ effect: e, power: r.power[k] })),
      size_at_zero: effects.includes(0) ? r.power[effects.indexOf(0)] : null,
      simulations: r.simulations,
      optimizer_converged: r.converged,
    };
  });
  ranked.sort(
    (a, b) =>
      b.power - a.power ||
      (a.mde ?? Infinity) - (b.mde ?? Infinity) ||
      (a.scaled_pre_rmspe ?? Infinity) - (b.scaled_pre_rmspe ?? Infinity) ||
      a.markets.join(",").localeCompare(b.markets.join(",")),
  );
  ranked.forEach((r, i) => Object.assign(r, { rank: i + 1 }));
  const best = ranked[0];
  const simulations = results.reduce((s, r) => s + r.simulations, 0);
  if (!results.every((r) => r.converged))
    warnings.push("some simulation fits did not meet the KKT tolerance");
  const estimates = [
    {
      term: "power",
      estimate: best.power,
      std_error: null,
      ci_low: null,
      ci_high: null,
      p_value: null,
      markets: best.markets,
      effect: e0,
    },
    ...(best.mde !== null
      ? [
          {
            term: "mde",
            estimate: best.mde,
            std_error: null,
            ci_low: null,
            ci_high: null,
            p_value: null,
            markets: best.markets,
          },
        ]
      : []),
  ];
  if (best.mde === null) warnings.push(`no simulated set reaches power ${p.power_target} on the effect grid`);
  return {
    estimates,
    diagnostics: {
      ...base,
      feasible: true,
      ranked,
      simulations,
      parallel: info,
      optimizer: {
        method: "active_set_simplex_ls",
        converged: results.every((r) => r.converged),
        max_kkt_residual: Math.max(...results.map((r) => r.maxKkt)),
      },
      inference: {
        method: "conformal",
        q: 1,
        statistic: "CWZ 2021 moving-block permutation test of no effect",
      },
    },
    n_obs: N * T,
    warnings,
  };
}
