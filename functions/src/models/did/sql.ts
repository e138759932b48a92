/**
 * The estimation queries. Each returns a handful of numbers — never one row per unit — so memory
 * on the client is flat in the number of units and observations.
 *
 * Pass 1 returns the cross-products X'X, X'y, y'y and n of the (fixed-effect-swept) design;
 * the client solves for β. Pass 2 takes β (and, for unbalanced panels, the time effects) as query
 * parameters, forms residuals in SQL and returns the meat of the sandwich: for cr1
 * Σ_g s_g s_g' with s_g = Σ_{i∈g} x̆_i e_i (one GROUP BY cluster, then sums of products of the
 * per-cluster scores), for hc1 Σ_i e_i² x̆_i x̆_i', and always SSR = Σ e_i².
 *
 * Fixed effects:
 *  - balanced (one row per unit × period, every unit in every period): the two-way within
 *    transformation ẍ = x − x̄_i − x̄_t + x̄ (group means joined back to the rows); exact for
 *    balanced panels.
 *  - unbalanced: unit demeaning x̃ = x − x̄_i only, with the T−1 time effects partialled out
 *    exactly by Frisch–Waugh–Lovell from T-sized aggregates (see `timeBlockQueries`). This is an
 *    exact direct method instead of alternating projections: no iteration, no convergence
 *    tolerance; the client solves a (T−1)×(T−1) system, so memory is O(T²), flat in units.
 *
 * Fast paths (regression.ts picks them; each falls back to the general passes above):
 *  - 2×2 without covariates: pass 1 comes from the described cells (diagnostics.ts), no query;
 *    pass 2 is one GROUP BY cluster that also sums the SSR.
 *  - TWFE on a balanced panel (DuckDB): `withinMomentsQuery`, one grouped pass that returns the
 *    shape, X'X, X'y, y'y and — clusters = units — the per-unit moment products from which the
 *    CR1 meat follows in closed form; guarded against cancellation (exact passes otherwise).
 *  - unbalanced TWFE: `unbalancedPass1Query` gives pass 1 and the time sums in one per-period scan.
 * Measured with `npm run bench -- did` (bench/did.ts).
 */
import type { Row, SqlQuery, SqlValue } from "../../warehouse/warehouse";
import type { Dialect } from "../../warehouse/sql/dialect";
import type { Design } from "./design";
import type { PanelDescription } from "./diagnostics";

export type FixedEffectsMethod = "none" | "twoway_balanced" | "twoway_unbalanced";

export interface QueryContext {
  dialect: Dialect;
  /** CTEs of the panel (panel.ts), without WITH. */
  panelCtes: string;
  params: Record<string, SqlValue>;
  /** The cluster is the unit (per-unit sums are per-cluster sums). */
  clusterIsUnit?: boolean;
  /** The warehouse runs the one-pass within-moments query (DuckDB). */
  fastWithin?: boolean;
  /** The panel's one-scan description (diagnostics.ts), when the model ran it. */
  described?: PanelDescription;
  /** The 2×2 CR1 cluster-score row, when the one-pass 2×2 (one-pass-two-by-two.ts) already has it. */
  cellScores?: Row;
}

const x = (j: number) => `x_${j}`;
const xx = (j: number) => `xx_${j}`;

/** The design rows: `d AS (SELECT u, g, t, y, x_0 … FROM panel [WHERE filter])`. */
function designCte(design: Design): string {
  const cols = design.regressors.map((r, j) => `${r.expr} AS ${x(j)}`).join(", ");
  const where = design.filter ? ` WHERE ${design.filter}` : "";
  return `d AS (SELECT u, g, t, y, ${cols} FROM panel${where})`;
}

/**
 * `m`: the swept outcome yy and regressors xx_j, with u, g, t carried along (and the unswept x_j
 * when `carryUnswept`). Group means come from GROUP BY aggregates joined back to the rows rather
 * than from window functions: the same arithmetic, but hash aggregation + hash joins are several
 * times faster than PARTITION BY windows over millions of rows in DuckDB (measured in bench/did.ts).
 */
function sweptCtes(design: Design, fe: FixedEffectsMethod, carryUnswept = false): string {
  const p = design.regressors.length;
  const vars = ["y", ...Array.from({ length: p }, (_, j) => x(j))];
  const out = (v: string) => (v === "y" ? "yy" : `x${v}`);
  const carried = carryUnswept ? design.regressors.map((_, j) => `, d.${x(j)} AS ${x(j)}`).join("") : "";
  const means = (alias: string, key: string | null) =>
    `${alias} AS (SELECT ${key ? `${key}, ` : ""}${vars.map((v) => `AVG(${v}) AS ${alias}_${v}`).join(", ")} FROM d${key ? ` GROUP BY ${key}` : ""})`;
  switch (fe) {
    case "none":
      return `m AS (SELECT d.u AS u, d.g AS g, d.t AS t, ${vars.map((v) => `d.${v} AS ${out(v)}`).join(", ")}${carried} FROM d)`;
    case "twoway_balanced":
      // ẍ = x − x̄_i − x̄_t + x̄ (exact two-way within transformation for a balanced panel)
      return [
        means("mu", "u"),
        means("mt", "t"),
        means("ma", null),
        `m AS (SELECT d.u AS u, d.g AS g, d.t AS t, ` +
          vars.map((v) => `d.${v} - mu.mu_${v} - mt.mt_${v} + ma.ma_${v} AS ${out(v)}`).join(", ") +
          `${carried} FROM d JOIN mu ON mu.u = d.u JOIN mt ON mt.t = d.t CROSS JOIN ma)`,
      ].join(",\n");
    case "twoway_unbalanced":
      // x̃ = x − x̄_i; the time effects are partialled out by FWL (timeBlockQueries).
      return [
        means("mu", "u"),
        `m AS (SELECT d.u AS u, d.g AS g, d.t AS t, ` +
          vars.map((v) => `d.${v} - mu.mu_${v} AS ${out(v)}`).join(", ") +
          `${carried} FROM d JOIN mu ON mu.u = d.u)`,
      ].join(",\n");
  }
}

function withClause(ctx: QueryContext, ...ctes: string[]): string {
  return `WITH ${ctx.panelCtes},\n${ctes.join(",\n")}\n`;
}

/**
 * Shape of a fixed-effects design sample: rows, units, periods and unit-period cells (balanced
 * iff n = units × periods = cells). One GROUP BY unit instead of several high-cardinality
 * COUNT(DISTINCT …). Designs without fixed effects need no shape query: n comes with pass 1 and
 * the number of clusters with pass 2.
 */
export function designShapeQuery(ctx: QueryContext, design: Design): SqlQuery {
  const f = ctx.dialect.toFloat;
  return {
    label: "did_design_shape",
    params: ctx.params,
    sql:
      withClause(
        ctx,
        designCte(design),
        `pu AS (SELECT u, COUNT(*) AS c, COUNT(DISTINCT t) AS ct FROM d GROUP BY u)`,
      ) +
      `SELECT ${f("SUM(c)")} AS n, ${f("COUNT(*)")} AS n_units, ${f("SUM(ct)")} AS n_cells, ` +
      `${f("(SELECT COUNT(DISTINCT t) FROM d)")} AS n_periods FROM pu`,
  };
}

/** Pass 1: Σ xx_j xx_k (j ≤ k), Σ xx_j yy, Σ yy², n, and Σ x_j² before sweeping. */
export function crossProductsQuery(ctx: QueryContext, design: Design, fe: FixedEffectsMethod): SqlQuery {
  const p = design.regressors.length;
  const f = ctx.dialect.toFloat;
  const sums: string[] = [`${f("COUNT(*)")} AS n`, `SUM(yy * yy) AS yty`];
  for (let j = 0; j < p; j++) {
    for (let k = j; k < p; k++) sums.push(`SUM(${xx(j)} * ${xx(k)}) AS xtx_${j}_${k}`);
    sums.push(`SUM(${xx(j)} * yy) AS xty_${j}`, `SUM(${x(j)} * ${x(j)}) AS raw_${j}`);
  }
  // raw_j (the column's sum of squares before sweeping) needs the unswept column in m.
  const m = sweptCtes(design, fe, true);
  return {
    label: "did_cross_products",
    params: ctx.params,
    sql: withClause(ctx, designCte(design), m) + `SELECT ${sums.join(", ")} FROM m`,
  };
}

/**
 * Unbalanced panels, the time block. With unit-demeaned variables x̃ and time dummies z_s
 * (also unit-demeaned: z̃_its = 1[t=s] − n_is/n_i, n_is the unit's rows in period s):
 *
 *   (Z̃'Z̃)_sr = 1[s=r]·N_s − Σ_i n_is n_ir / n_i        (self-join of the unit×period counts)
 *   (Z̃'x̃)_s  = Σ_{rows in period s} x̃                    (because Σ_t x̃_it = 0 within a unit)
 *
 * Both are T-sized (T×T and T×p), so memory stays flat in the number of units.
 */
export function timeBlockQueries(ctx: QueryContext, design: Design): { sums: SqlQuery; ztz: SqlQuery } {
  const p = design.regressors.length;
  const f = ctx.dialect.toFloat;
  const sums = [
    `${f("COUNT(*)")} AS n_s`,
    `SUM(yy) AS sy`,
    ...Array.from({ length: p }, (_, j) => `SUM(${xx(j)}) AS sx_${j}`),
  ];
  return {
    sums: {
      label: "did_time_sums",
      params: ctx.params,
      sql:
        withClause(ctx, designCte(design), sweptCtes(design, "twoway_unbalanced")) +
        `SELECT t, ${sums.join(", ")} FROM m GROUP BY t`,
    },
    ztz: {
      label: "did_time_gram",
      params: ctx.params,
      sql:
        withClause(
          ctx,
          designCte(design),
          `pc AS (SELECT u, t, ${f("COUNT(*)")} AS c FROM d GROUP BY u, t)`,
          `pn AS (SELECT u, SUM(c) AS ni FROM pc GROUP BY u)`,
        ) +
        `SELECT a.t AS s, b.t AS r, SUM(a.c * b.c / pn.ni) AS w FROM pc a JOIN pc b ON a.u = b.u ` +
        `JOIN pn ON pn.u = a.u GROUP BY a.t, b.t`,
    },
  };
}

/** Up to this many periods the time Gram matrix is computed wide (one row per unit), not by self-join. */
export const WIDE_GRAM_MAX_PERIODS = 64;

/**
 * Σ_i n_is n_ir / n_i without a self-join: one GROUP BY unit pivots each unit's row counts per
 * period into T columns, then T(T+1)/2 sums of products. Linear in rows; used when T is small.
 * Returns columns w_a_b (a ≤ b, indices into `periods`).
 */
export function wideTimeGramQuery(ctx: QueryContext, design: Design, periods: number[]): SqlQuery {
  const f = ctx.dialect.toFloat;
  const params: Record<string, SqlValue> = { ...ctx.params };
  const pivots = periods.map((t, a) => {
    params[`did_tv_${a}`] = t;
    return `SUM(CASE WHEN t = ${f(ctx.dialect.param(`did_tv_${a}`))} THEN 1 ELSE 0 END) AS p_${a}`;
  });
  const sums: string[] = [];
  for (let a = 0; a < periods.length; a++) {
    for (let b = a; b < periods.length; b++) sums.push(`SUM(${f(`p_${a}`)} * p_${b} / ni) AS w_${a}_${b}`);
  }
  return {
    label: "did_time_gram_wide",
    params,
    sql:
      withClause(
        ctx,
        designCte(design),
        `pu AS (SELECT u, ${f("COUNT(*)")} AS ni, ${pivots.join(", ")} FROM d GROUP BY u)`,
      ) + `SELECT ${f("COUNT(*)")} AS n_units, ${sums.join(", ")} FROM pu`,
  };
}

export interface ResidualInputs {
  beta: number[];
  /** Unbalanced only: per period t, the time effect θ_t and the rows Π_t· of Π = (Z'Z)⁻¹Z'X. */
  timeEffects?: { t: number; theta: number; pi: number[] }[];
}

/**
 * Pass 2: residuals e = yy − Σ β_j xx_j (unbalanced: − z̃'θ, i.e. − θ_t + mean of θ over the
 * unit's rows) and partialled regressors x̆_j = xx_j (unbalanced: − Π_tj + the unit's mean of Π_·j),
 * then the meat and SSR.
 */
export function meatQuery(
  ctx: QueryContext,
  design: Design,
  fe: FixedEffectsMethod,
  inputs: ResidualInputs,
  meat: "cluster" | "hc" | "none",
): SqlQuery {
  const { dialect } = ctx;
  const f = dialect.toFloat;
  const p = design.regressors.length;
  const params: Record<string, SqlValue> = { ...ctx.params };
  const b = inputs.beta.map((v, j) => {
    params[`did_b_${j}`] = v;
    return f(dialect.param(`did_b_${j}`));
  });
  const fit = b.map((bj, j) => `${bj} * ${xx(j)}`).join(" + ");
  const ctes = [designCte(design), sweptCtes(design, fe)];
  let source = "m";
  let resid = `yy - (${fit})`;
  let xr = (j: number) => xx(j);
  if (fe === "twoway_unbalanced") {
    const te = inputs.timeEffects ?? [];
    const rows = te.map((r, i) => {
      params[`did_lt_${i}`] = r.t;
      params[`did_th_${i}`] = r.theta;
      const pis = r.pi.map((v, j) => {
        params[`did_pi_${i}_${j}`] = v;
        return `${f(dialect.param(`did_pi_${i}_${j}`))} AS pi_${j}`;
      });
      return `SELECT ${f(dialect.param(`did_lt_${i}`))} AS t, ${f(dialect.param(`did_th_${i}`))} AS th${pis.map((s) => `, ${s}`).join("")}`;
    });
    ctes.push(`lk AS (${rows.join(" UNION ALL ")})`);
    const pis = Array.from({ length: p }, (_, j) => `pi_${j}`);
    ctes.push(
      `mz0 AS (SELECT m.*, lk.th AS th${pis.map((c) => `, lk.${c} AS ${c}`).join("")} FROM m JOIN lk ON lk.t = m.t)`,
      `zb AS (SELECT u, AVG(th) AS thbar${pis.map((c) => `, AVG(${c}) AS ${c.replace("pi_", "pibar_")}`).join("")} FROM mz0 GROUP BY u)`,
      `mz AS (SELECT mz0.*, zb.thbar AS thbar${pis.map((c) => `, zb.${c.replace("pi_", "pibar_")} AS ${c.replace("pi_", "pibar_")}`).join("")} FROM mz0 JOIN zb ON zb.u = mz0.u)`,
    );
    source = "mz";
    resid = `yy - (${fit}) - th + thbar`;
    xr = (j: number) => `(${xx(j)} - pi_${j} + pibar_${j})`;
  }
  ctes.push(
    `r AS (SELECT g, ${resid} AS e${Array.from({ length: p }, (_, j) => `, ${xr(j)} AS xr_${j}`).join("")} FROM ${source})`,
  );

  const rowAggs = [`SUM(e * e) AS ssr`, `${f("COUNT(*)")} AS n`];
  let sql: string;
  if (meat === "cluster") {
    // One GROUP BY cluster, one scan: the per-cluster scores and the per-cluster SSR (summed after),
    // rather than a second scan of the residual rows for the SSR.
    ctes.push(
      `sc AS (SELECT g${Array.from({ length: p }, (_, j) => `, SUM(xr_${j} * e) AS s_${j}`).join("")}, SUM(e * e) AS ee FROM r GROUP BY g)`,
    );
    const clusterAggs = [`${f("COUNT(*)")} AS n_clusters`, `SUM(ee) AS ssr`];
    for (let j = 0; j < p; j++)
      for (let k = j; k < p; k++) clusterAggs.push(`SUM(s_${j} * s_${k}) AS meat_${j}_${k}`);
    sql = withClause(ctx, ...ctes) + `SELECT ${clusterAggs.join(", ")} FROM sc`;
  } else {
    if (meat === "hc") {
      for (let j = 0; j < p; j++)
        for (let k = j; k < p; k++) rowAggs.push(`SUM(e * e * xr_${j} * xr_${k}) AS meat_${j}_${k}`);
    }
    sql = withClause(ctx, ...ctes) + `SELECT ${rowAggs.join(", ")} FROM r`;
  }
  return { label: "did_meat", params, sql };
}

/** Largest regressor count for which the within-moments query also returns the cluster-meat products. */
export const WITHIN_MEAT_MAX_REGRESSORS = 4;
/** The within-moments query tells balanced panels apart with a per-unit bitmask of periods (DuckDB). */
export const WITHIN_MAX_PERIODS = 64;

/**
 * Index of the per-unit moment w_r in the within-moments query: the p centred cross-products with y
 * (a_j), then the p(p+1)/2 centred cross-products among regressors (b_j_l, j ≤ l).
 */
export function withinMomentNames(p: number): string[] {
  const names = Array.from({ length: p }, (_, j) => `a_${j}`);
  for (let j = 0; j < p; j++) for (let l = j; l < p; l++) names.push(`b_${j}_${l}`);
  return names;
}

/**
 * Balanced two-way within regression in ONE grouped pass (DuckDB): time means from a T-row
 * aggregate, then per unit the sums of the time-demeaned variables x' = x − x̄_t, y' = y − ȳ_t and
 * of their products. On a balanced panel the two-way within variables are ẍ = x' − mean_i(x'), so
 * per unit a_j = Σ_t ẍ_j ÿ and b_jl = Σ_t ẍ_j ẍ_l are the unit's centred sums of products, and
 * X'X = Σ_i b, X'y = Σ_i a. With clusters = units, the unit's score is s_i = a_i − B_i β, so
 *   Σ_i s_i s_i' = Σ_i (a_i − B_i β)(a_i − B_i β)'
 * expands into β-weighted sums of products of the per-unit moments, Σ_i w_r w_s (`m_r_s`), which
 * the same query returns: no second pass over the rows. The client checks the cancellation of both
 * expansions (centring and meat) and falls back to the exact row-level pass when it is large.
 *
 * Also returns the shape (units, rows, rows per unit min/max, periods present in every unit) so the
 * caller knows whether the panel is balanced; if it is not, nothing else here is used.
 */
export function withinMomentsQuery(ctx: QueryContext, design: Design, withMeatProducts: boolean): SqlQuery {
  const p = design.regressors.length;
  const f = ctx.dialect.toFloat;
  const xs = Array.from({ length: p }, (_, j) => j);
  const params: Record<string, SqlValue> = { ...ctx.params };
  // Time means: from the described cells when every regressor is the treatment dummy d (no
  // covariates), so the rows are read once; else from a T-row aggregate over the design rows.
  const fromCells = timeMeansFromCells(ctx, design);
  let tm: string;
  let dCte = designCte(design);
  if (fromCells) {
    const rows = fromCells.map((r, i) => {
      const cols = [r.t, r.ty, ...r.tx, r.nt, i].map((v, c) => {
        params[`did_tm_${i}_${c}`] = v;
        return f(ctx.dialect.param(`did_tm_${i}_${c}`));
      });
      return `(${cols.join(", ")})`;
    });
    tm = `tm0 AS (SELECT * FROM (VALUES ${rows.join(", ")}) AS v(t, ty${xs.map((j) => `, tx_${j}`).join("")}, nt, ti))`;
  } else {
    tm =
      `tm0 AS (SELECT t, AVG(y) AS ty${xs.map((j) => `, AVG(${x(j)}) AS tx_${j}`).join("")}, ` +
      `${f("COUNT(*)")} AS nt, ROW_NUMBER() OVER (ORDER BY t) - 1 AS ti FROM d GROUP BY t)`;
    // d feeds both the time means and the per-unit sums: materialise it once.
    dCte = dCte.replace(/^d AS \(/, "d AS MATERIALIZED (");
  }
  // The period's bit, computed once per period (T rows), not per row: shifting per row ran in HUGEINT.
  tm += `,\ntm AS (SELECT *, CAST(CAST(1 AS UBIGINT) << CAST(ti AS INTEGER) AS UBIGINT) AS bit FROM tm0)`;
  const xd = (j: number) => `(d.${x(j)} - tm.tx_${j})`;
  const yd = `(d.y - tm.ty)`;
  const pu =
    `pu AS (SELECT d.u AS u, ${f("COUNT(*)")} AS c, BIT_OR(tm.bit) AS mask, ` +
    `SUM(${yd}) AS sy, SUM(${yd} * ${yd}) AS syy` +
    xs.map((j) => `, SUM(${xd(j)}) AS sx_${j}, SUM(${xd(j)} * ${yd}) AS sxy_${j}`).join("") +
    xs
      .flatMap((j) => xs.filter((l) => l >= j).map((l) => `, SUM(${xd(j)} * ${xd(l)}) AS sxx_${j}_${l}`))
      .join("") +
    ` FROM d JOIN tm ON tm.t = d.t GROUP BY d.u)`;
  const pw =
    `pw AS (SELECT c, mask, syy, syy - sy * sy / c AS v` +
    xs.map((j) => `, sxx_${j}_${j} AS tx2_${j}, sxy_${j} - sx_${j} * sy / c AS a_${j}`).join("") +
    xs
      .flatMap((j) =>
        xs.filter((l) => l >= j).map((l) => `, sxx_${j}_${l} - sx_${j} * sx_${l} / c AS b_${j}_${l}`),
      )
      .join("") +
    ` FROM pu)`;
  const sums = [
    `${f("COUNT(*)")} AS n_units`,
    `SUM(c) AS n`,
    `MIN(c) AS c_min`,
    `MAX(c) AS c_max`,
    `${f("BIT_COUNT(BIT_AND(mask))")} AS n_full`,
    `(SELECT ${f("COUNT(*)")} FROM tm) AS n_periods`,
    `SUM(v) AS yty`,
    `SUM(syy) AS yty_time`,
  ];
  for (const j of xs) {
    sums.push(`SUM(a_${j}) AS xty_${j}`, `SUM(tx2_${j}) AS xtx_time_${j}`);
    // Σ x² = Σ x'² + Σ_t n_t x̄_t² (Σ_{rows in t} x' = 0): the raw sum of squares for the collinearity scale.
    sums.push(`SUM(tx2_${j}) + (SELECT SUM(nt * tx_${j} * tx_${j}) FROM tm) AS raw_${j}`);
    for (const l of xs.filter((l) => l >= j)) sums.push(`SUM(b_${j}_${l}) AS xtx_${j}_${l}`);
  }
  if (withMeatProducts) {
    const w = withinMomentNames(p);
    for (let r = 0; r < w.length; r++)
      for (let q = r; q < w.length; q++) sums.push(`SUM(${w[r]} * ${w[q]}) AS m_${r}_${q}`);
  }
  return {
    label: "did_within_moments",
    params,
    sql: withClause(ctx, dCte, tm, pu, pw) + `SELECT ${sums.join(", ")} FROM pw`,
  };
}

/**
 * Per period t (ascending): rows n_t, mean outcome and the mean of each regressor, from the
 * described cells, when every regressor is the treatment dummy `d` (d = 1 exactly in the treated ×
 * post cells, for common and staggered timing alike). Undefined otherwise.
 */
export function timeMeansFromCells(
  ctx: QueryContext,
  design: Design,
): { t: number; nt: number; ty: number; tx: number[] }[] | undefined {
  const cells = ctx.described?.cells;
  if (!cells || design.filter || !design.regressors.every((r) => r.expr === "d")) return undefined;
  const byT = new Map<number, { n: number; sy: number; nd: number }>();
  for (const c of cells) {
    if (c.t === null) return undefined;
    const a = byT.get(c.t) ?? { n: 0, sy: 0, nd: 0 };
    a.n += c.n;
    a.sy += c.sy;
    if (c.tr === 1 && c.post === 1) a.nd += c.n;
    byT.set(c.t, a);
  }
  return [...byT]
    .sort((a, b) => a[0] - b[0])
    .map(([t, a]) => ({ t, nt: a.n, ty: a.sy / a.n, tx: design.regressors.map(() => a.nd / a.n) }));
}

/**
 * Unbalanced panels, pass 1 and the time sums in one query: per period t, over the unit-demeaned
 * variables, the row count, Σ yy, Σ xx_j (the time block, as in `timeBlockQueries().sums`) and the
 * period's share of the cross-products (Σ xx_j xx_k, Σ xx_j yy, Σ yy², Σ x_j² before sweeping),
 * which the client adds up over the T rows: one scan instead of two.
 */
export function unbalancedPass1Query(ctx: QueryContext, design: Design): SqlQuery {
  const p = design.regressors.length;
  const f = ctx.dialect.toFloat;
  const sums: string[] = [`${f("COUNT(*)")} AS n_s`, `SUM(yy) AS sy`, `SUM(yy * yy) AS yty`];
  for (let j = 0; j < p; j++) {
    sums.push(
      `SUM(${xx(j)}) AS sx_${j}`,
      `SUM(${xx(j)} * yy) AS xty_${j}`,
      `SUM(${x(j)} * ${x(j)}) AS raw_${j}`,
    );
    for (let k = j; k < p; k++) sums.push(`SUM(${xx(j)} * ${xx(k)}) AS xtx_${j}_${k}`);
  }
  return {
    label: "did_unbalanced_pass1",
    params: ctx.params,
    sql:
      withClause(ctx, designCte(design), sweptCtes(design, "twoway_unbalanced", true)) +
      `SELECT t, ${sums.join(", ")} FROM m GROUP BY t`,
  };
}
