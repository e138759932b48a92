/**
 * One regression through the warehouse: design shape → pass 1 (cross-products) → solve →
 * pass 2 (meat) → covariance and coefficient table.
 *
 * Degrees of freedom. With fixed effects, K counts them the way statsmodels OLS with dummies
 * does (`y ~ x + C(unit) + C(time)`): K = p + U + T − 1 (an intercept, U−1 unit and T−1 time
 * dummies, p slopes). That K enters N−K in the CR1 factor G/(G−1)·(N−1)/(N−K), in HC1's N/(N−K)
 * and in the classical s². This is the reference the tests match (statsmodels 0.13.5). Stata's
 * `xtreg, fe vce(cluster)` and `reghdfe` instead drop fixed effects nested in the clusters from K
 * (here the unit effects), and `areg` keeps them; R plm's "sss" counts the slopes only. All use the
 * same meat; only the scalar factor differs.
 */
import type { SqlQuery } from "../../warehouse/warehouse";
import type { QueryResult, Row } from "../../warehouse/warehouse";
import {
  coefficientCovariance,
  coefficientTable,
  CovarianceError,
  nuisanceCoefficients,
  partialOut,
  SingularMatrixError,
  solveOls,
  symmetricFromUpper,
  type CoefficientRow,
  type CovarianceResult,
  type Mat,
  type SeType,
} from "../../stats";
import { ModelFailure } from "../model";
import type { Design } from "./design";
import {
  crossProductsQuery,
  designShapeQuery,
  meatQuery,
  timeBlockQueries,
  WIDE_GRAM_MAX_PERIODS,
  wideTimeGramQuery,
  unbalancedPass1Query,
  WITHIN_MAX_PERIODS,
  WITHIN_MEAT_MAX_REGRESSORS,
  withinMomentNames,
  withinMomentsQuery,
  type FixedEffectsMethod,
  type QueryContext,
} from "./sql";
import { cellClusterMeat, cellClusterScoresQuery, cellCrossProducts } from "./two-by-two";

export type RunQuery = (q: SqlQuery) => Promise<QueryResult<Row>>;

export interface RegressionResult {
  design: Design;
  names: string[];
  beta: number[];
  covariance: CovarianceResult;
  table: CoefficientRow[];
  n: number;
  k: number;
  /** Units and periods of a fixed-effects sample (null without fixed effects). */
  nUnits: number | null;
  nPeriods: number | null;
  /** Clusters (cr1 only). */
  nClusters: number | null;
  fixedEffects: FixedEffectsMethod;
  /** Sum of squared residuals; null when the standard errors did not need it (2×2 CR1 cell pass). */
  ssr: number | null;
  /** Time spent in the warehouse (sum of the queries' own elapsed times) and on the client. */
  timing: { warehouseMs: number; computeMs: number };
}

/** Reads a numeric cell that may come back as number, bigint or string. */
export function num(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "string" && v.trim() !== "") return Number(v);
  return NaN;
}

export async function fitRegression(
  run: RunQuery,
  ctx: QueryContext,
  design: Design,
  opts: {
    se: SeType;
    alpha: number;
    /** Tests only: use this fixed-effects method instead of the one the panel's shape calls for. */
    forceFixedEffects?: FixedEffectsMethod;
    /** Tests only: the largest T for the wide time Gram query (0 forces the self-join). */
    wideGramMaxPeriods?: number;
  },
): Promise<RegressionResult> {
  let warehouseMs = 0;
  let computeMs = 0;
  const q = async (query: SqlQuery): Promise<Row[]> => {
    const t0 = performance.now();
    const res = await run(query);
    warehouseMs += performance.now() - t0;
    return res.rows;
  };
  const compute = <T>(fn: () => T): T => {
    const t0 = performance.now();
    try {
      return fn();
    } finally {
      computeMs += performance.now() - t0;
    }
  };

  const p = design.regressors.length;
  let fe: FixedEffectsMethod = "none";
  let nUnits: number | null = null;
  let nPeriods: number | null = null;
  // Balanced two-way within in one grouped pass, with the CR1-by-unit meat products when they apply.
  const withinMeat = opts.se === "cr1" && ctx.clusterIsUnit === true && p <= WITHIN_MEAT_MAX_REGRESSORS;
  let within: Row | undefined;
  if (design.fixedEffects && withinApplies(ctx, design, opts)) {
    const [wm] = await q(withinMomentsQuery(ctx, design, withinMeat));
    const T = num(wm.n_periods);
    if (num(wm.c_min) === T && num(wm.c_max) === T && num(wm.n_full) === T) {
      fe = "twoway_balanced";
      nUnits = num(wm.n_units);
      nPeriods = T;
      // The one-pass centring within units is used only when it cancelled little; else the exact
      // swept cross-products and meat passes run (the shape is known either way).
      if (centringIsPrecise(wm, p)) within = wm;
    }
  }
  if (design.fixedEffects && fe !== "none" && (nPeriods as number) < 2) {
    throw new ModelFailure(
      "insufficient_data",
      `${design.kind}: only ${nPeriods} period in the sample; fixed effects need at least two`,
    );
  }
  // Unbalanced for sure (rows not a multiple of the periods): no shape query; the units come with
  // the wide time Gram query.
  const wideMax = opts.wideGramMaxPeriods ?? WIDE_GRAM_MAX_PERIODS;
  let unitsFromGram = false;
  if (design.fixedEffects && fe === "none" && surelyUnbalanced(ctx, design, opts, wideMax)) {
    fe = "twoway_unbalanced";
    nPeriods = ctx.described?.shape.n_periods ?? 0;
    unitsFromGram = true;
  }
  if (design.fixedEffects && fe === "none") {
    const [shape] = await q(designShapeQuery(ctx, design));
    const nShape = num(shape.n);
    nUnits = num(shape.n_units);
    nPeriods = num(shape.n_periods);
    fe =
      nShape === nUnits * nPeriods && num(shape.n_cells) === nShape ? "twoway_balanced" : "twoway_unbalanced";
    if (opts.forceFixedEffects === "twoway_unbalanced") fe = opts.forceFixedEffects;
    if (nPeriods < 2) {
      throw new ModelFailure(
        "insufficient_data",
        `${design.kind}: only ${nPeriods} period in the sample; fixed effects need at least two`,
      );
    }
  }
  // Pass 1: cross-products (unbalanced: per period, with the time sums, added up here).
  const cells = within ? undefined : cellCrossProducts(ctx, design);
  const perPeriod = fe === "twoway_unbalanced" ? await q(unbalancedPass1Query(ctx, design)) : undefined;
  const [cp] = within
    ? [within]
    : cells
      ? [cells]
      : perPeriod
        ? [addUpPeriods(perPeriod, p)]
        : await q(crossProductsQuery(ctx, design, fe));
  const names = design.regressors.map((r) => r.name);
  let xtx: Mat = symmetricFromUpper(p, (j, l) => num(cp[`xtx_${j}_${l}`]));
  let xty = names.map((_, j) => num(cp[`xty_${j}`]));
  const rawSs = names.map((_, j) => num(cp[`raw_${j}`]));
  assertFinite([...xtx.flat(), ...xty, ...rawSs], "cross-products");
  const n = num(cp.n);

  let gramRow: Row | undefined;
  let sorted: number[] = [];
  if (perPeriod) {
    sorted = perPeriod.map((r) => num(r.t)).sort((a, b) => a - b);
    if (sorted.length <= wideMax) {
      [gramRow] = await q(wideTimeGramQuery(ctx, design, sorted));
      if (unitsFromGram) nUnits = num(gramRow.n_units);
    }
  }
  const k = design.fixedEffects ? p + (nUnits as number) + (nPeriods as number) - 1 : p;
  if (!(n > k)) {
    throw new ModelFailure(
      "insufficient_data",
      `${design.kind}: ${n} observations for ${k} parameters (${p} regressors${design.fixedEffects ? ` + ${nUnits} unit and ${nPeriods} time effects` : ""}); need more observations than parameters`,
    );
  }

  let timeEffects: { t: number; theta: number; pi: number[] }[] | undefined;
  let partial: ReturnType<typeof partialOut> | undefined;
  let periods: number[] = [];
  if (fe === "twoway_unbalanced") {
    const tq = timeBlockQueries(ctx, design);
    const sums = perPeriod as Row[];
    let gram: Row[];
    if (gramRow) {
      const w = gramRow;
      gram = [];
      for (let a = 0; a < sorted.length; a++) {
        for (let b = a; b < sorted.length; b++) {
          gram.push({ s: sorted[a], r: sorted[b], w: w[`w_${a}_${b}`] });
          if (a !== b) gram.push({ s: sorted[b], r: sorted[a], w: w[`w_${a}_${b}`] });
        }
      }
    } else {
      gram = await q(tq.ztz);
    }
    compute(() => {
      // Time dummies for every period but the first (the reference absorbed by the unit effects).
      periods = sums.map((r) => num(r.t)).sort((a, b) => a - b);
      const index = new Map(periods.slice(1).map((t, i) => [t, i]));
      const qn = periods.length - 1;
      const ztz: Mat = Array.from({ length: qn }, () => new Array<number>(qn).fill(0));
      const ztx: Mat = Array.from({ length: qn }, () => new Array<number>(p).fill(0));
      const zty = new Array<number>(qn).fill(0);
      for (const r of sums) {
        const s = index.get(num(r.t));
        if (s === undefined) continue;
        ztz[s][s] += num(r.n_s);
        zty[s] = num(r.sy);
        for (let j = 0; j < p; j++) ztx[s][j] = num(r[`sx_${j}`]);
      }
      for (const r of gram) {
        const s = index.get(num(r.s));
        const rr = index.get(num(r.r));
        if (s === undefined || rr === undefined) continue;
        ztz[s][rr] -= num(r.w);
      }
      try {
        partial = partialOut({ xtx, xty, ztx, ztz, zty });
      } catch (e) {
        if (e instanceof SingularMatrixError) {
          throw new ModelFailure(
            "numerical_error",
            "the time effects are not identified: the unit × period pattern splits into disconnected groups",
          );
        }
        throw e;
      }
      xtx = partial.xtx;
      xty = partial.xty;
    });
  }

  const solution = compute(() => {
    try {
      return solveOls({ names, xtx, xty, n, rawSumSquares: rawSs });
    } catch (e) {
      throw collinearityFailure(e, design);
    }
  });
  if (partial) {
    const theta = nuisanceCoefficients(partial, solution.beta);
    const pi = partial.pi;
    timeEffects = periods.map((t, i) =>
      i === 0 ? { t, theta: 0, pi: new Array<number>(p).fill(0) } : { t, theta: theta[i - 1], pi: pi[i - 1] },
    );
  }

  // Pass 2: residuals and meat.
  const meatKind = opts.se === "cr1" ? "cluster" : opts.se === "hc1" ? "hc" : "none";
  const expanded =
    within && (meatKind === "none" || (meatKind === "cluster" && withinMeat))
      ? compute(() => expandWithin(within as Row, solution.beta, meatKind === "cluster"))
      : undefined;
  let mr: Row | undefined = expanded
    ? { ssr: expanded.ssr, n_clusters: nUnits, ...expanded.meat }
    : undefined;
  if (!mr && cells && meatKind === "cluster") {
    // 2×2 cell design: two score sums per cluster (two-by-two.ts); CR1 needs no SSR. The one-pass
    // 2×2 (one-pass-two-by-two.ts) brings the same row without a query.
    const [row] = ctx.cellScores
      ? [ctx.cellScores]
      : await q(cellClusterScoresQuery(ctx, design, solution.beta));
    const cellMeat = compute(() => cellClusterMeat(design, row, num));
    if (cellMeat) mr = { ssr: null, n_clusters: row.n_clusters, ...cellMeat };
  }
  mr ??= (await q(meatQuery(ctx, design, fe, { beta: solution.beta, timeEffects }, meatKind)))[0];
  const ssr = mr.ssr === null ? null : num(mr.ssr);
  const meat =
    meatKind === "none" ? undefined : symmetricFromUpper(p, (j, l) => num((mr as Row)[`meat_${j}_${l}`]));
  if ((ssr !== null && !Number.isFinite(ssr)) || (meat && !meat.flat().every(Number.isFinite))) {
    throw new ModelFailure("numerical_error", `${design.kind}: residual sums are not finite`);
  }
  const nClusters = meatKind === "cluster" ? num(mr.n_clusters) : null;
  if (nClusters !== null && nClusters < 2) {
    throw new ModelFailure(
      "insufficient_data",
      `cluster-robust standard errors need at least 2 clusters, found ${nClusters}`,
    );
  }

  return compute(() => {
    let covariance: CovarianceResult;
    try {
      covariance = coefficientCovariance({
        type: opts.se,
        bread: solution.xtxInv,
        meat,
        // Only the classical covariance reads the SSR, and every path that can be classical has it.
        ssr: ssr ?? Number.NaN,
        n,
        k,
        clusters: nClusters ?? undefined,
      });
    } catch (e) {
      if (e instanceof CovarianceError) throw new ModelFailure("insufficient_data", e.message);
      throw e;
    }
    const table = coefficientTable(names, solution.beta, covariance.vcov, covariance.df, opts.alpha);
    for (const row of table) {
      const reported = design.regressors.find((r) => r.name === row.term)?.report;
      if (!reported) continue;
      if (![row.estimate, row.std_error, row.p_value, row.ci_low, row.ci_high].every(Number.isFinite)) {
        throw new ModelFailure(
          "numerical_error",
          `${design.kind}: the estimate of ${row.term} or its standard error is not finite (standard error ${row.std_error})`,
        );
      }
    }
    return {
      design,
      names,
      beta: solution.beta,
      covariance,
      table,
      n,
      k,
      nUnits,
      nPeriods,
      nClusters,
      fixedEffects: fe,
      ssr,
      timing: { warehouseMs, computeMs },
    };
  });
}

function assertFinite(values: number[], what: string): void {
  if (!values.every(Number.isFinite))
    throw new ModelFailure("numerical_error", `${what} from the warehouse are not finite`);
}

function collinearityFailure(e: unknown, design: Design): unknown {
  if (!(e instanceof SingularMatrixError)) return e;
  const terms = e.columns.map((j) => design.regressors[j]?.name ?? `#${j}`).map(publicName);
  if (e.reason === "zero_column") {
    const what = design.fixedEffects
      ? "has no variation left after the unit and time fixed effects"
      : "is constant zero";
    const hint = terms.some((t) => /^(lead|lag)_/.test(t))
      ? " (no treated observations at that event time: reduce leads/lags)"
      : terms.includes("att")
        ? " (treatment does not vary within units over time beyond what the fixed effects absorb — e.g. every unit treated at the same time, or no treated observation in the post period)"
        : "";
    return new ModelFailure("numerical_error", `${design.kind}: ${terms.join(", ")} ${what}${hint}`);
  }
  return new ModelFailure(
    "numerical_error",
    `${design.kind}: perfect collinearity among ${terms.join(", ")}`,
  );
}

function publicName(name: string): string {
  return name === "_cons" ? "intercept" : name === "_treated" ? "treated" : name === "_post" ? "post" : name;
}

/**
 * The one-pass within moments apply to the TWFE design (att and at most WITHIN_MEAT_MAX_REGRESSORS − 1
 * covariates) on DuckDB, when the panel could be balanced (rows divisible by periods) with at most
 * WITHIN_MAX_PERIODS periods. Otherwise the general path (shape query, swept cross-products) runs.
 */
function withinApplies(
  ctx: QueryContext,
  design: Design,
  opts: { forceFixedEffects?: FixedEffectsMethod },
): boolean {
  const shape = ctx.described?.shape;
  // Event studies (many near-collinear dummies) keep the row-level sweep: its rounding is the reference.
  if (!ctx.fastWithin || !shape || design.kind !== "twfe" || design.filter || opts.forceFixedEffects)
    return false;
  if (design.regressors.length > WITHIN_MEAT_MAX_REGRESSORS) return false;
  const n = shape.n ?? 0;
  const T = shape.n_periods ?? 0;
  return T >= 2 && T <= WITHIN_MAX_PERIODS && n % T === 0;
}

/** Cancellation allowed in the one-pass expansions: beyond it the exact row-level pass runs. */
export const MAX_CANCELLATION = 1e4;

/**
 * Centring within units in one pass (Σx'y' − Σx'Σy'/n_i) loses about log10(total / within sum of
 * squares) digits; accept it when that ratio is at most MAX_CANCELLATION for y and every regressor.
 */
function centringIsPrecise(row: Row, p: number): boolean {
  const yty = num(row.yty);
  if (!(yty > 0 && num(row.yty_time) <= MAX_CANCELLATION * yty)) return false;
  for (let j = 0; j < p; j++) {
    const xx = num(row[`xtx_${j}_${j}`]);
    // A regressor without within variation goes to the general path, which names the failure.
    if (!(xx > 0 && num(row[`xtx_time_${j}`]) <= MAX_CANCELLATION * xx)) return false;
  }
  return true;
}

/**
 * SSR and (optionally) the CR1-by-unit meat from the within-moments row and β, or undefined when
 * an expansion cancels too much to keep full precision (the caller then runs the exact pass).
 *   SSR = y'y − 2β'X'y + β'X'Xβ over the within variables;
 *   meat_jk = Σ_i s_ij s_ik with s_ij = a_ij − Σ_l b_i,jl β_l = Σ_r c_jr w_ir, so
 *   meat_jk = Σ_r Σ_q c_jr c_kq Σ_i w_ir w_iq.
 */
function expandWithin(
  row: Row,
  beta: number[],
  withMeat: boolean,
): { ssr: number; meat?: Record<string, number> } | undefined {
  const p = beta.length;
  const xtx = symmetricFromUpper(p, (j, l) => num(row[`xtx_${j}_${l}`]));
  const xty = beta.map((_, j) => num(row[`xty_${j}`]));
  const yty = num(row.yty);
  let bXy = 0;
  let bXXb = 0;
  for (let j = 0; j < p; j++) {
    bXy += beta[j] * xty[j];
    for (let l = 0; l < p; l++) bXXb += beta[j] * xtx[j][l] * beta[l];
  }
  const ssr = yty - 2 * bXy + bXXb;
  if (!(ssr > 0 && yty <= 100 * MAX_CANCELLATION * ssr)) return undefined;
  if (!withMeat) return { ssr };

  const w = withinMomentNames(p);
  const index = new Map(w.map((name, r) => [name, r]));
  const M = (r: number, q: number) => num(row[r <= q ? `m_${r}_${q}` : `m_${q}_${r}`]);
  const coef = Array.from({ length: p }, (_, j) => {
    const c = new Array<number>(w.length).fill(0);
    c[index.get(`a_${j}`) as number] = 1;
    for (let l = 0; l < p; l++) c[index.get(`b_${Math.min(j, l)}_${Math.max(j, l)}`) as number] -= beta[l];
    return c;
  });
  const meat: Record<string, number> = {};
  for (let j = 0; j < p; j++) {
    for (let k = j; k < p; k++) {
      let sum = 0;
      let mag = 0;
      for (let r = 0; r < w.length; r++) {
        if (coef[j][r] === 0) continue;
        for (let q = 0; q < w.length; q++) {
          if (coef[k][q] === 0) continue;
          const term = coef[j][r] * coef[k][q] * M(r, q);
          sum += term;
          mag += Math.abs(term);
        }
      }
      if (j === k && !(sum > 0 && mag <= MAX_CANCELLATION * sum)) return undefined;
      meat[`meat_${j}_${k}`] = sum;
    }
  }
  return { ssr, meat };
}

/**
 * A fixed-effects design over the whole panel whose row count is not a multiple of its periods
 * cannot be balanced: the shape query can be skipped (the units come with the wide time Gram).
 */
function surelyUnbalanced(
  ctx: QueryContext,
  design: Design,
  opts: { forceFixedEffects?: FixedEffectsMethod },
  wideMax: number,
): boolean {
  const shape = ctx.described?.shape;
  if (!shape || design.filter || opts.forceFixedEffects) return false;
  const n = shape.n ?? 0;
  const T = shape.n_periods ?? 0;
  return T >= 2 && T <= wideMax && n % T !== 0;
}

/** The cross-products row from the per-period rows of `unbalancedPass1Query`. */
function addUpPeriods(rows: Row[], p: number): Row {
  const keys = ["yty"];
  for (let j = 0; j < p; j++) {
    keys.push(`xty_${j}`, `raw_${j}`);
    for (let l = j; l < p; l++) keys.push(`xtx_${j}_${l}`);
  }
  const out: Row = { n: rows.reduce((s, r) => s + num(r.n_s), 0) };
  for (const key of keys) out[key] = rows.reduce((s, r) => s + num(r[key]), 0);
  return out;
}
