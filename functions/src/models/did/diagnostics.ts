/**
 * Descriptive queries for plotting and sanity checks: the panel's shape (and the degenerate
 * cases it reveals), the 2×2 cell means and the parallel-trends series.
 */
import type { SqlQuery } from "../../warehouse/warehouse";
import type { Dialect } from "../../warehouse/sql/dialect";
import type { PanelSql } from "./panel";

export function panelShapeQuery(panel: PanelSql, dialect: Dialect): SqlQuery {
  const f = dialect.toFloat;
  const cnt = (cond: string) => f(`SUM(CASE WHEN ${cond} THEN 1 ELSE 0 END)`);
  return {
    label: "did_panel_shape",
    params: panel.params,
    sql:
      `WITH ${panel.ctes}\n` +
      `SELECT ${f("(SELECT COUNT(*) FROM raw)")} AS n_raw, ` +
      `${f("(SELECT COUNT(*) FROM raw WHERE y IS NULL)")} AS n_missing_outcome, ` +
      // Only cheap aggregates: no COUNT(DISTINCT unit), which costs seconds at a million units.
      `${f("COUNT(*)")} AS n, ${f("COUNT(DISTINCT t)")} AS n_periods, ` +
      `${cnt("tr = 1")} AS n_treated_rows, ${cnt("tr = 0")} AS n_control_rows, ` +
      `${cnt("NOT (tr IN (0, 1))")} AS n_bad_treated, ${cnt("NOT (post IN (0, 1))")} AS n_bad_post, ` +
      `${cnt("post = 1")} AS n_post, ${cnt("post = 0")} AS n_pre, ${cnt("d = 1")} AS n_treated_post, ` +
      `MIN(y) AS y_min, MAX(y) AS y_max, ` +
      `MIN(CASE WHEN post = 1 THEN t END) AS first_post_t, MAX(CASE WHEN post = 0 THEN t END) AS last_pre_t ` +
      `FROM panel`,
  };
}

/** Distinct treated unit keys actually present (bounded by the treated list in the params). */
export function treatedUnitsQuery(panel: PanelSql): SqlQuery {
  return {
    label: "did_treated_units",
    params: panel.params,
    sql: `WITH ${panel.ctes}\nSELECT DISTINCT u FROM panel WHERE tr = 1`,
  };
}

/** Mean outcome by treated group × pre/post. */
export function cellMeansQuery(panel: PanelSql, dialect: Dialect): SqlQuery {
  return {
    label: "did_cell_means",
    params: panel.params,
    sql:
      `WITH ${panel.ctes}\n` +
      `SELECT tr, post, AVG(y) AS mean, ${dialect.toFloat("COUNT(*)")} AS n FROM panel GROUP BY tr, post`,
  };
}

/** Mean outcome per period for (ever-)treated vs control units: the parallel-trends plot. */
export function trendsQuery(panel: PanelSql, dialect: Dialect): SqlQuery {
  return {
    label: "did_trends",
    params: panel.params,
    sql:
      `WITH ${panel.ctes}\n` +
      `SELECT t, tr, AVG(y) AS mean, ${dialect.toFloat("COUNT(*)")} AS n FROM panel GROUP BY t, tr ORDER BY t, tr`,
  };
}
