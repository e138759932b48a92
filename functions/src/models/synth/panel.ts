/**
 * The unit × period panel, aggregated in the warehouse: one row per (unit, period) with the
 * outcome and the variables predictors need — U·T rows, the sufficient statistics of synthetic
 * control (every estimator here needs the whole aggregated panel, never raw events).
 */
import type { SqlQuery, SqlValue } from "../../warehouse/warehouse";
import type { Dialect } from "../../warehouse/sql/dialect";
import { nextDay, periodIndex, periodIndexSql, periodLabel } from "../did/periods";
import type { Metric, SynthParams } from "./params";

export interface PanelQuery {
  query: SqlQuery;
  /** Names of the extra variable columns v_0 … in the result, in order. */
  variables: string[];
  /** Events source: the complete period range (missing unit-periods are zeros, not gaps). */
  periods?: { index: number; label: string }[];
}

function measure(d: Dialect, m: Metric, param: string): string {
  const cond = m.event_name ? `event_name = ${d.param(param)}` : "TRUE";
  switch (m.kind) {
    case "event_count":
      return d.toFloat(`SUM(CASE WHEN ${cond} THEN 1 ELSE 0 END)`);
    case "revenue_sum":
      return d.toFloat(`SUM(CASE WHEN ${cond} THEN COALESCE(revenue, 0) ELSE 0 END)`);
    case "distinct_users":
      return d.toFloat(`COUNT(DISTINCT CASE WHEN ${cond} THEN COALESCE(user_id, anonymous_id) END)`);
  }
}

/** Variables (beyond the outcome) that the predictors reference. */
export function predictorVariables(p: Pick<SynthParams, "predictors">): string[] {
  const out: string[] = [];
  for (const pr of p.predictors ?? []) {
    const v = typeof pr === "string" ? pr : pr.variable;
    if (!out.includes(v)) out.push(v);
  }
  return out;
}

export function panelQuery(
  p: Pick<SynthParams, "source" | "predictors">,
  dialect: Dialect,
  workspaceId: string,
): PanelQuery {
  const vars = predictorVariables(p);
  const s = p.source;
  if (s.kind === "table") {
    const q = (c: string) => dialect.quoteIdent(c);
    const cols = vars.map((v, i) => `${dialect.toFloat(q(v))} AS v_${i}`);
    return {
      variables: vars,
      query: {
        label: "synth_panel",
        sql:
          `SELECT CAST(${q(s.unit)} AS STRING) AS u, CAST(${q(s.time)} AS STRING) AS tl, ` +
          `DENSE_RANK() OVER (ORDER BY ${q(s.time)}) AS ti, ${dialect.toFloat(q(s.outcome))} AS y` +
          cols.map((c) => `, ${c}`).join("") +
          ` FROM ${q(s.table)} WHERE ${q(s.unit)} IS NOT NULL AND ${q(s.time)} IS NOT NULL ORDER BY u, ti`,
      },
    };
  }
  const params: Record<string, SqlValue> = { sy_ws: workspaceId, sy_start: s.start, sy_end: nextDay(s.end) };
  const unitExpr =
    typeof s.unit === "string"
      ? dialect.quoteIdent(s.unit)
      : dialect.jsonString("properties", s.unit.property);
  if (s.outcome.event_name) params.sy_y = s.outcome.event_name;
  const covs = s.covariates ?? [];
  const cols: string[] = [];
  vars.forEach((v, i) => {
    if (v === "outcome") {
      cols.push(`${measure(dialect, s.outcome, "sy_y")} AS v_${i}`);
      return;
    }
    const c = covs.find((x) => x.name === v);
    if (!c) {
      cols.push(`${dialect.toFloat("NULL")} AS v_${i}`);
      return;
    }
    if (c.event_name) params[`sy_v${i}`] = c.event_name;
    cols.push(`${measure(dialect, c, `sy_v${i}`)} AS v_${i}`);
  });
  const first = periodIndex(s.start, s.period);
  const last = periodIndex(s.end, s.period);
  const periods = Array.from({ length: last - first + 1 }, (_, k) => ({
    index: first + k,
    label: periodLabel(first + k, s.period),
  }));
  return {
    variables: vars,
    periods,
    query: {
      label: "synth_events_panel",
      params,
      sql:
        `SELECT CAST(${unitExpr} AS STRING) AS u, ${periodIndexSql(dialect, "event_ts", s.period)} AS ti, ` +
        `${measure(dialect, s.outcome, "sy_y")} AS y${cols.map((c) => `, ${c}`).join("")}` +
        ` FROM ${dialect.table("standard_events")} WHERE workspace_id = ${dialect.param("sy_ws")}` +
        ` AND event_ts >= CAST(${dialect.param("sy_start")} AS TIMESTAMP)` +
        ` AND event_ts < CAST(${dialect.param("sy_end")} AS TIMESTAMP)` +
        ` AND ${unitExpr} IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2`,
    },
  };
}
