/**
 * The 2×2 design without covariates, y = b0 + b1·tr + b2·post + att·tr·post + e, is saturated in the
 * (treated, post) cell: every regressor is a function of the cell, so
 *  - X'X and X'y follow from the cells' counts and outcome sums (the describe pass), no query;
 *  - the residual of a row is its outcome minus its cell mean, and when the treatment is constant
 *    within each cluster (treated and control units in separate clusters — always true for CR1 by
 *    unit with a unit-level treatment) a cluster's score X_g'e_g has only two free numbers:
 *    P_g = Σ e over its pre rows and Q_g = Σ e over its post rows, s_gj = x_j(t_g, 0)·P_g +
 *    x_j(t_g, 1)·Q_g. The CR1 meat therefore needs only, per treatment group, Σ P², Σ P·Q, Σ Q².
 *
 * `cellClusterScoresQuery` is that pass: one GROUP BY cluster with two sums and a bit-OR of the
 * treatment (which also tells whether a cluster mixes treated and control rows), then nine sums over
 * the clusters. Against the general meat pass (four score sums and the SSR per cluster) it carries
 * fewer aggregate states per cluster, the cost that dominates at 10⁶ clusters (bench/did.ts).
 * Unbalanced clusters (a unit seen in one period only, or several rows per period) are exact: the
 * residuals are formed per row with β, never expanded from per-cluster counts. A cluster that mixes
 * treated and control rows makes the caller run the general pass instead.
 */
import type { Row, SqlQuery, SqlValue } from "../../warehouse/warehouse";
import type { Design } from "./design";
import type { QueryContext } from "./sql";

/** 2×2 regressors as functions of the (treated, post) cell, keyed by their SQL expression. */
const CELL_REGRESSORS: Record<string, (tr: number, post: number) => number> = {
  "1.0": () => 1,
  tr: (tr) => tr,
  post: (_, post) => post,
  "tr * post": (tr, post) => tr * post,
};

/** The regressors as functions of the cell, or undefined when the design is not a pure cell design. */
function cellFunctions(design: Design): ((tr: number, post: number) => number)[] | undefined {
  if (design.filter || design.fixedEffects) return undefined;
  const fns = design.regressors.map((r) => CELL_REGRESSORS[r.expr]);
  return fns.every((fn) => fn !== undefined) ? fns : undefined;
}

/**
 * X'X, X'y and the raw sums of squares of a design whose regressors are all functions of the
 * (treated, post) cell (the 2×2 design without covariates), from the described cells' counts and
 * outcome sums: no query. Undefined when the design has other regressors or a row filter.
 */
export function cellCrossProducts(ctx: QueryContext, design: Design): Row | undefined {
  const d = ctx.described;
  const fns = cellFunctions(design);
  if (!d || !fns) return undefined;
  const p = fns.length;
  const row: Row = {};
  let n = 0;
  const xtx = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const xty = new Array<number>(p).fill(0);
  for (const c of d.cells) {
    const v = fns.map((fn) => fn(c.tr, c.post));
    n += c.n;
    for (let j = 0; j < p; j++) {
      xty[j] += c.sy * v[j];
      for (let l = j; l < p; l++) xtx[j][l] += c.n * v[j] * v[l];
    }
  }
  if (n !== d.shape.n) return undefined;
  row.n = n;
  for (let j = 0; j < p; j++) {
    row[`xty_${j}`] = xty[j];
    row[`raw_${j}`] = xtx[j][j];
    for (let l = j; l < p; l++) row[`xtx_${j}_${l}`] = xtx[j][l];
  }
  return row;
}

/**
 * The cluster-score pass of a cell design (see the file comment). Columns: n_clusters, m_max (the
 * largest per-cluster treatment mask: 1 control only, 2 treated only, 3 mixed) and, for each
 * treatment group t ∈ {0, 1}, pp_t = Σ P², pq_t = Σ P·Q, qq_t = Σ Q². Requires treated and post
 * to be 0/1 (the describe pass rejects anything else before estimation).
 */
export function cellClusterScoresQuery(ctx: QueryContext, design: Design, beta: number[]): SqlQuery {
  const { dialect } = ctx;
  const f = dialect.toFloat;
  const params: Record<string, SqlValue> = { ...ctx.params };
  const fit = design.regressors
    .map((r, j) => {
      params[`did_b_${j}`] = beta[j];
      return `${f(dialect.param(`did_b_${j}`))} * ${r.expr}`;
    })
    .join(" + ");
  const sums: string[] = [`${f("COUNT(*)")} AS n_clusters`, `MAX(m) AS m_max`];
  for (const [t, w] of [
    [0, "(1 - t)"],
    [1, "t"],
  ] as const) {
    sums.push(
      `SUM(${w} * sp * sp) AS pp_${t}`,
      `SUM(${w} * sp * sq) AS pq_${t}`,
      `SUM(${w} * sq * sq) AS qq_${t}`,
    );
  }
  // Multiplying by the 0/1 weights (1 − t) and t selects a group exactly, without a GROUP BY.
  return {
    label: "did_cell_scores",
    params,
    sql:
      `WITH ${ctx.panelCtes},\n` +
      `r AS (SELECT g, post, tr, y - (${fit}) AS e FROM panel),\n` +
      `sc AS (SELECT SUM(e * (1 - post)) AS sp, SUM(e * post) AS sq, ` +
      `BIT_OR(${dialect.toInt("tr")} + 1) AS m FROM r GROUP BY g)\n` +
      `SELECT ${sums.join(", ")} FROM (SELECT sp, sq, m, ${f("m - 1")} AS t FROM sc) w`,
  };
}

/**
 * The CR1 meat Σ_g s_g s_g' (meat_j_k, j ≤ k) from the cluster-score row, or undefined when some
 * cluster mixes treated and control rows (its score is not of the two-number form).
 */
export function cellClusterMeat(
  design: Design,
  row: Row,
  num: (v: unknown) => number,
): Record<string, number> | undefined {
  const fns = cellFunctions(design);
  if (!fns || num(row.m_max) > 2) return undefined;
  const p = fns.length;
  const meat: Record<string, number> = {};
  for (let j = 0; j < p; j++) {
    for (let k = j; k < p; k++) {
      let sum = 0;
      for (const t of [0, 1]) {
        // s_gj = x_j(t,0)·P + x_j(t,1)·Q, so s_gj·s_gk expands into P², P·Q and Q² terms.
        const [j0, j1, k0, k1] = [fns[j](t, 0), fns[j](t, 1), fns[k](t, 0), fns[k](t, 1)];
        sum +=
          j0 * k0 * num(row[`pp_${t}`]) +
          (j0 * k1 + j1 * k0) * num(row[`pq_${t}`]) +
          j1 * k1 * num(row[`qq_${t}`]);
      }
      meat[`meat_${j}_${k}`] = sum;
    }
  }
  return meat;
}
