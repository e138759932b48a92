/**
 * The analysis panel as SQL: two CTEs, `raw` (every candidate row) and `panel` (rows with all
 * required values), with canonical columns
 *
 *   u   unit key (the column's type; NULL when the source has no unit)
 *   g   cluster key (the column's type; NULL when there is nothing to cluster on)
 *   t   period (DOUBLE, integer-valued; NULL without a time dimension)
 *   y   outcome (DOUBLE)
 *   tr  1 for (ever-)treated units, else 0
 *   post  common timing: 1 in the post period; staggered: equal to d
 *   d   treatment indicator D_it (1 when unit i is treated in period t)
 *   ft  first treated period (NULL for never-treated units, and without a time dimension)
 *   c_0 … c_{k−1}  covariates (DOUBLE)
 *
 * Every later query (shape, diagnostics, both estimation passes) starts from this text.
 */
import type { SqlValue } from "../../warehouse/warehouse";
import type { Dialect } from "../../warehouse/sql/dialect";
import type { EventsDidParams, OutcomeSpec, TableDidParams } from "./params";
import { nextDay, periodIndex, periodIndexSql, periodLabel, type PeriodUnit } from "./periods";

export interface PanelSql {
  /**
   * CTE definitions without the leading WITH: "raw AS (…), pall AS (…), panel AS (…)". `pall` has
   * the panel's columns for every raw row plus `ok` (all required values present); `panel` is
   * `pall WHERE ok` without `ok`.
   */
  ctes: string;
  params: Record<string, SqlValue>;
  covariates: string[];
  hasUnit: boolean;
  hasTime: boolean;
  /** Whether `g` is present (a cluster column, or the unit). */
  hasCluster: boolean;
  clusterName: string | null;
  /** common: one adoption period (or a post column); staggered: first_treated per unit. */
  timing: "common" | "staggered";
  /** Period label for diagnostics. */
  label(t: number): string | number;
  /** Whether the cluster is the unit itself (CR1 by unit): per-unit sums are then per-cluster sums. */
  clusterIsUnit: boolean;
  /** The treated units named in the params (events source), for a "not found" warning. */
  requestedTreatedUnits?: string[];
}

export interface PanelOptions {
  /** Table source with treated/post columns: the common adoption period, needed for event studies. */
  commonAdoption?: number;
}

const f = (d: Dialect, e: string) => d.toFloat(e);

export function tablePanel(p: TableDidParams, dialect: Dialect, opts: PanelOptions = {}): PanelSql {
  const s = p.source;
  const q = (c: string) => dialect.quoteIdent(c);
  // Unit and cluster keep their column type: hashing integers is much cheaper than casting
  // millions of keys to strings, and nothing downstream needs them as strings.
  const str = (c: string) => q(c);
  const covs = p.covariates ?? [];
  const cluster = s.cluster ?? s.unit;
  const cols = [
    `${s.unit ? str(s.unit) : "CAST(NULL AS STRING)"} AS u`,
    `${cluster ? str(cluster) : "CAST(NULL AS STRING)"} AS g`,
    `${s.time ? f(dialect, q(s.time)) : f(dialect, "NULL")} AS t`,
    `${f(dialect, q(s.outcome))} AS y`,
    `${s.treated ? f(dialect, q(s.treated)) : f(dialect, "NULL")} AS tr0`,
    `${s.post ? f(dialect, q(s.post)) : f(dialect, "NULL")} AS post0`,
    `${s.first_treated ? f(dialect, q(s.first_treated)) : f(dialect, "NULL")} AS ft0`,
    ...covs.map((c, i) => `${f(dialect, q(c))} AS c_${i}`),
  ];
  const required = [
    "y",
    ...(s.unit ? ["u"] : []),
    ...(cluster ? ["g"] : []),
    ...(s.time ? ["t"] : []),
    ...(s.first_treated ? [] : ["tr0", "post0"]),
    ...covs.map((_, i) => `c_${i}`),
  ];
  const staggered = s.first_treated !== undefined;
  let tr: string, post: string, d: string, ft: string;
  if (staggered) {
    tr = "CASE WHEN ft0 IS NULL THEN 0.0 ELSE 1.0 END";
    d = "CASE WHEN ft0 IS NOT NULL AND t >= ft0 THEN 1.0 ELSE 0.0 END";
    post = d;
    ft = "ft0";
  } else {
    tr = "tr0";
    post = "post0";
    d = "tr0 * post0";
    ft =
      opts.commonAdoption !== undefined
        ? `CASE WHEN tr0 = 1 THEN ${f(dialect, dialect.param("did_adopt"))} END`
        : f(dialect, "NULL");
  }
  const panelCols = `u, g, t, y, tr, post, d, ft${covs.map((_, i) => `, c_${i}`).join("")}`;
  const ctes =
    `raw AS (SELECT ${cols.join(", ")} FROM ${q(s.table)}),\n` +
    `pall AS (SELECT u, g, t, y, ${tr} AS tr, ${post} AS post, ${d} AS d, ${ft} AS ft` +
    covs.map((_, i) => `, c_${i}`).join("") +
    `, ${required.map((c) => `${c} IS NOT NULL`).join(" AND ")} AS ok FROM raw),\n` +
    `panel AS (SELECT ${panelCols} FROM pall WHERE ok)`;
  return {
    ctes,
    params: opts.commonAdoption !== undefined ? { did_adopt: opts.commonAdoption } : {},
    covariates: covs,
    hasUnit: s.unit !== undefined,
    hasTime: s.time !== undefined,
    hasCluster: cluster !== undefined,
    clusterName: cluster ?? null,
    clusterIsUnit: s.unit !== undefined && cluster === s.unit,
    timing: staggered ? "staggered" : "common",
    label: (t) => t,
  };
}

function measureSql(dialect: Dialect, spec: OutcomeSpec, nameParam: string): string {
  const cond = spec.event_name ? `event_name = ${dialect.param(nameParam)}` : "TRUE";
  switch (spec.kind) {
    case "event_count":
      return f(dialect, `SUM(CASE WHEN ${cond} THEN 1 ELSE 0 END)`);
    case "revenue_sum":
      return f(dialect, `SUM(CASE WHEN ${cond} THEN COALESCE(revenue, 0) ELSE 0 END)`);
    case "distinct_users":
      // A user is the logged-in id, or the anonymous id before login.
      return f(dialect, `COUNT(DISTINCT CASE WHEN ${cond} THEN COALESCE(user_id, anonymous_id) END)`);
  }
}

/**
 * Unit × period panel from standard_events. Every unit seen in the window gets every period of
 * the window (a unit-period without events has outcome 0, not a missing row); periods are the
 * whole range from `start` to `end`, so a period without any event is a real zero too.
 * Covariates are further event aggregates per unit-period.
 */
export function eventsPanel(p: EventsDidParams, dialect: Dialect, workspaceId: string): PanelSql {
  const unit: PeriodUnit = p.period;
  const params: Record<string, SqlValue> = {
    did_ws: workspaceId,
    did_start: p.start,
    did_end_excl: nextDay(p.end),
  };
  const unitExpr =
    typeof p.unit === "string"
      ? dialect.quoteIdent(p.unit)
      : dialect.jsonString("properties", p.unit.property);
  if (p.outcome.event_name) params.did_y_event = p.outcome.event_name;
  const covs = p.covariates ?? [];
  covs.forEach((c, i) => {
    if (c.event_name) params[`did_c${i}_event`] = c.event_name;
  });
  const first = periodIndex(p.start, unit);
  const last = periodIndex(p.end, unit);
  const periods: string[] = [];
  for (let t = first; t <= last; t++) periods.push(`SELECT ${t} AS t`);

  let tr: string, post: string, d: string, ft: string;
  let requested: string[];
  if ("treated_units" in p.treatment) {
    requested = [...new Set(p.treatment.treated_units)];
    const list = requested.map((u, i) => {
      params[`did_tu_${i}`] = u;
      return dialect.param(`did_tu_${i}`);
    });
    const adopt = periodIndex(p.treatment.start, unit);
    tr = `CASE WHEN units.u IN (${list.join(", ")}) THEN 1.0 ELSE 0.0 END`;
    post = `CASE WHEN periods.t >= ${adopt} THEN 1.0 ELSE 0.0 END`;
    d = `(${tr}) * (${post})`;
    ft = `CASE WHEN units.u IN (${list.join(", ")}) THEN ${f(dialect, String(adopt))} END`;
  } else {
    const entries = Object.entries(p.treatment.first_treated);
    requested = entries.map(([u]) => u);
    const whens = entries.map(([u, day], i) => {
      params[`did_fu_${i}`] = u;
      return `WHEN ${dialect.param(`did_fu_${i}`)} THEN ${periodIndex(day, unit)}`;
    });
    ft = entries.length ? f(dialect, `CASE units.u ${whens.join(" ")} END`) : f(dialect, "NULL");
    tr = `CASE WHEN (${ft}) IS NULL THEN 0.0 ELSE 1.0 END`;
    d = `CASE WHEN (${ft}) IS NOT NULL AND periods.t >= (${ft}) THEN 1.0 ELSE 0.0 END`;
    post = d;
  }
  const ev =
    `ev AS (SELECT ${unitExpr} AS u, ${periodIndexSql(dialect, "event_ts", unit)} AS t, ` +
    `${measureSql(dialect, p.outcome, "did_y_event")} AS y` +
    covs.map((c, i) => `, ${measureSql(dialect, c, `did_c${i}_event`)} AS c_${i}`).join("") +
    ` FROM ${dialect.table("standard_events")}` +
    ` WHERE workspace_id = ${dialect.param("did_ws")}` +
    ` AND event_ts >= CAST(${dialect.param("did_start")} AS TIMESTAMP)` +
    ` AND event_ts < CAST(${dialect.param("did_end_excl")} AS TIMESTAMP)` +
    ` AND ${unitExpr} IS NOT NULL GROUP BY 1, 2)`;
  const ctes = [
    ev,
    `units AS (SELECT DISTINCT u FROM ev)`,
    `periods AS (${periods.join(" UNION ALL ")})`,
    `raw AS (SELECT units.u AS u, units.u AS g, ${f(dialect, "periods.t")} AS t, COALESCE(ev.y, 0) AS y, ` +
      `${tr} AS tr, ${post} AS post, ${d} AS d, ${ft} AS ft` +
      covs.map((_, i) => `, COALESCE(ev.c_${i}, 0) AS c_${i}`).join("") +
      ` FROM units CROSS JOIN periods LEFT JOIN ev ON ev.u = units.u AND ev.t = periods.t)`,
    `pall AS (SELECT *, TRUE AS ok FROM raw)`,
    `panel AS (SELECT * FROM raw)`,
  ].join(",\n");
  return {
    ctes,
    params,
    covariates: covs.map((c) => c.name),
    hasUnit: true,
    hasTime: true,
    hasCluster: true,
    clusterName: "unit",
    clusterIsUnit: true,
    timing: "treated_units" in p.treatment ? "common" : "staggered",
    label: (t) => periodLabel(t, unit),
    requestedTreatedUnits: requested,
  };
}
