/**
 * The experiment's SQL. Everything starts from one CTE, `units` — one row per exposed unit with
 *
 *   v  arm (string; NULL rows are counted and dropped)
 *   y  metric value (NULL when missing; capped when winsorising)
 *   z  ratio denominator (NULL unless a ratio metric)
 *   x  pre-period covariate (NULL for units without pre-period data)
 *   s  segment (string or NULL)
 *   t  look index (day of first exposure; NULL without one)
 *
 * and every query returns per-arm (or per arm × segment / arm × look) sufficient statistics —
 * a handful of rows, never one per unit — so the function's memory is flat in the units.
 */
import type { SqlQuery, SqlValue } from "../../warehouse/warehouse";
import type { Dialect } from "../../warehouse/sql/dialect";
import type { AbParams, EventsSource, Measure, TableSource } from "./params";

export interface UnitsSql {
  /** CTE definitions without WITH, ending with `units AS (…)`. */
  ctes: string;
  params: Record<string, SqlValue>;
  hasCovariate: boolean;
  hasSegment: boolean;
  hasTime: boolean;
}

function addDays(d: Dialect, expr: string, param: string, sign: 1 | -1): string {
  const p = d.param(param);
  if (d.name === "bigquery") return `TIMESTAMP_${sign > 0 ? "ADD" : "SUB"}(${expr}, INTERVAL ${p} DAY)`;
  return `${expr} ${sign > 0 ? "+" : "-"} to_days(CAST(${p} AS INTEGER))`;
}

const str = (d: Dialect, e: string) => `CAST(${e} AS STRING)`;

export function tableUnits(s: TableSource, d: Dialect, cap: string | null): UnitsSql {
  const q = (c: string) => d.quoteIdent(c);
  const y0 = d.toFloat(q(s.outcome));
  const z0 = s.denominator ? d.toFloat(q(s.denominator)) : null;
  const ok = z0 ? `${y0} IS NOT NULL AND ${z0} IS NOT NULL` : `${y0} IS NOT NULL`;
  const y = cap ? `LEAST(${y0}, ${cap})` : y0;
  const cols = [
    `${str(d, q(s.variant))} AS v`,
    z0 ? `CASE WHEN ${ok} THEN ${y} END AS y` : `${y} AS y`,
    `CASE WHEN ${ok} THEN ${z0 ?? "NULL"} END AS z`,
    `CASE WHEN ${ok} THEN ${s.covariate ? d.toFloat(q(s.covariate)) : "NULL"} END AS x`,
    `${s.segment ? str(d, q(s.segment)) : "CAST(NULL AS STRING)"} AS s`,
    `${s.time ? d.toFloat(q(s.time)) : d.toFloat("NULL")} AS t`,
  ];
  return {
    ctes: `units AS (SELECT ${cols.join(", ")} FROM ${q(s.table)})`,
    params: {},
    hasCovariate: s.covariate !== undefined,
    hasSegment: s.segment !== undefined,
    hasTime: s.time !== undefined,
  };
}

function measureSql(d: Dialect, m: Measure, param: string, window: string): string {
  const cond = `${window}${m.event_name ? ` AND e.event_name = ${d.param(param)}` : ""}`;
  switch (m.aggregate) {
    case "revenue_sum":
      return `SUM(CASE WHEN ${cond} THEN COALESCE(e.revenue, 0) ELSE 0 END)`;
    case "event_count":
      return `SUM(CASE WHEN ${cond} THEN 1 ELSE 0 END)`;
    case "session_count":
      return `COUNT(DISTINCT CASE WHEN ${cond} THEN e.session_id END)`;
  }
}

/**
 * Exposure: each unit's first exposure event of the experiment; units seen in more than one arm
 * are dropped (v NULL, counted as dropped). Metric: the unit's events in
 * [first exposure, + window_days); pre-period: [first exposure − pre_period_days, first exposure),
 * NULL when the unit has no event at all in it (CUPED's fallback fills those, see cuped.ts).
 */
export function eventsUnits(s: EventsSource, d: Dialect, workspaceId: string, cap: string | null): UnitsSql {
  const params: Record<string, SqlValue> = {
    ab_ws: workspaceId,
    ab_exposure: s.exposure_event,
    ab_experiment: s.experiment,
    ab_window: s.window_days,
    ab_pre: s.pre_period_days,
  };
  const ev = d.table("standard_events");
  const unit = s.unit;
  const filters = [
    `workspace_id = ${d.param("ab_ws")}`,
    `event_name = ${d.param("ab_exposure")}`,
    `${d.jsonString("properties", s.experiment_property)} = ${d.param("ab_experiment")}`,
    `${unit} IS NOT NULL`,
  ];
  if (s.start) {
    params.ab_start = new Date(`${s.start}T00:00:00Z`);
    filters.push(`event_ts >= ${d.param("ab_start")}`);
  }
  if (s.end) {
    const end = new Date(`${s.end}T00:00:00Z`);
    end.setUTCDate(end.getUTCDate() + 1);
    params.ab_end = end;
    filters.push(`event_ts < ${d.param("ab_end")}`);
  }
  const seg = s.segment_property ? d.jsonString("properties", s.segment_property) : "CAST(NULL AS STRING)";
  const m = s.metric;
  const post = `e.event_ts >= a.t0 AND e.event_ts < ${addDays(d, "a.t0", "ab_window", 1)}`;
  const pre = `e.event_ts < a.t0`;
  let yExpr: string, zExpr: string, xExpr: string;
  if (m.type === "ratio") {
    const num = m.numerator as Measure;
    const den = m.denominator as Measure;
    if (num.event_name) params.ab_num_event = num.event_name;
    if (den.event_name) params.ab_den_event = den.event_name;
    yExpr = measureSql(d, num, "ab_num_event", post);
    zExpr = measureSql(d, den, "ab_den_event", post);
    xExpr = "NULL";
  } else {
    const me = m.measure as Measure;
    if (me.event_name) params.ab_event = me.event_name;
    const agg = (w: string) => measureSql(d, me, "ab_event", w);
    yExpr = m.type === "proportion" ? `CASE WHEN ${agg(post)} > 0 THEN 1 ELSE 0 END` : agg(post);
    xExpr = m.type === "proportion" ? `CASE WHEN ${agg(pre)} > 0 THEN 1 ELSE 0 END` : agg(pre);
    zExpr = "NULL";
  }
  const usePre = s.pre_period_days > 0 && m.type !== "ratio";
  const lower = usePre ? addDays(d, "a.t0", "ab_pre", -1) : "a.t0";
  const first = d.timestampTrunc("MIN(t0) OVER ()", "day");
  const y = cap ? `LEAST(${d.toFloat("y0")}, ${cap})` : d.toFloat("y0");
  const ctes = [
    `expo AS (SELECT ${unit} AS unit, ${d.jsonString("properties", s.variant_property)} AS v, ${seg} AS s, event_ts ` +
      `FROM ${ev} WHERE ${filters.join(" AND ")})`,
    `asg AS (SELECT unit, MIN(v) AS v0, COUNT(DISTINCT v) AS nv, MIN(s) AS s, MIN(event_ts) AS t0 FROM expo GROUP BY unit)`,
    `a AS (SELECT unit, CASE WHEN nv = 1 THEN v0 END AS v, s, t0 FROM asg)`,
    `m AS (SELECT a.unit AS unit, a.v AS v, a.s AS s, a.t0 AS t0, ${yExpr} AS y0, ${zExpr} AS z0, ` +
      `${usePre ? xExpr : "NULL"} AS x0, MAX(CASE WHEN ${pre} THEN 1 ELSE 0 END) AS has_pre ` +
      `FROM a LEFT JOIN ${ev} e ON e.workspace_id = ${d.param("ab_ws")} AND e.${unit} = a.unit ` +
      `AND e.event_ts >= ${lower} AND e.event_ts < ${addDays(d, "a.t0", "ab_window", 1)} ` +
      `GROUP BY a.unit, a.v, a.s, a.t0)`,
    `units AS (SELECT v, ${y} AS y, ${m.type === "ratio" ? d.toFloat("z0") : d.toFloat("NULL")} AS z, ` +
      `CASE WHEN has_pre = 1 THEN ${d.toFloat("x0")} END AS x, s, ` +
      `${d.toFloat(d.dateDiffDays(first, "t0"))} AS t FROM m)`,
  ];
  return {
    ctes: ctes.join(",\n"),
    params,
    hasCovariate: usePre,
    hasSegment: s.segment_property !== undefined,
    hasTime: true,
  };
}

export interface MomentShape {
  ratio: boolean;
  covariate: boolean;
  proportion: boolean;
}

/**
 * The moment columns of one group (sums over rows with y present). Sums the metric cannot use
 * are constant zeros rather than aggregates: at 10M units every aggregate costs time.
 */
export function momentColumns(d: Dialect, m: MomentShape): string {
  const f = d.toFloat;
  const zero = (alias: string) => `${f("0")} AS ${alias}`;
  return [
    `${f("COUNT(*)")} AS n_rows`,
    `${f("COUNT(y)")} AS n`,
    `SUM(y) AS sy`,
    `SUM(y * y) AS syy`,
    ...(m.ratio
      ? [`SUM(z) AS sz`, `SUM(z * z) AS szz`, `SUM(y * z) AS syz`]
      : ["sz", "szz", "syz"].map(zero)),
    ...(m.covariate
      ? [
          `${f("COUNT(x)")} AS nx`,
          `SUM(x) AS sx`,
          `SUM(x * x) AS sxx`,
          `SUM(x * y) AS sxy`,
          `SUM(CASE WHEN x IS NOT NULL THEN y END) AS sy_x`,
        ]
      : ["nx", "sx", "sxx", "sxy", "sy_x"].map(zero)),
    m.proportion
      ? `${f("SUM(CASE WHEN y IS NOT NULL AND y <> 0 AND y <> 1 THEN 1 ELSE 0 END)")} AS n_not01`
      : zero("n_not01"),
  ].join(", ");
}

function q(label: string, u: UnitsSql, sql: string, extra: Record<string, SqlValue> = {}): SqlQuery {
  return { label, params: { ...u.params, ...extra }, sql: `WITH ${u.ctes}\n${sql}` };
}

export function armMomentsQuery(u: UnitsSql, d: Dialect, m: MomentShape): SqlQuery {
  return q("ab_arm_moments", u, `SELECT v, ${momentColumns(d, m)} FROM units GROUP BY v`);
}

/** The most arms the keyed arm query handles (one string comparison per arm per row). */
export const MAX_KEYED_ARMS = 16;
/** Rows read to guess the arms for the keyed arm query. */
export const ARM_PROBE_ROWS = 4096;

/**
 * The arms seen in the first rows of a table source: a guess (LIMIT reads a few vectors, not the
 * table) used only to key the arm query; `armMomentsKeyedQuery` detects arms the guess missed.
 * Up to MAX_KEYED_ARMS + 1 values, so the caller can tell when there are too many.
 */
export function armProbeQuery(s: TableSource, d: Dialect): SqlQuery {
  const v = str(d, "v0");
  return {
    label: "ab_arm_probe",
    params: {},
    sql:
      `SELECT DISTINCT ${v} AS v FROM (SELECT ${d.quoteIdent(s.variant)} AS v0 FROM ${d.quoteIdent(s.table)} ` +
      `LIMIT ${ARM_PROBE_ROWS}) p WHERE v0 IS NOT NULL ORDER BY v LIMIT ${MAX_KEYED_ARMS + 1}`,
  };
}

/** Whether the DuckDB database is a file (`path`; NULL in memory, where nothing is compressed). */
export const DATABASE_FILE_QUERY: SqlQuery = {
  label: "ab_database_file",
  params: {},
  sql: `SELECT path FROM duckdb_databases() WHERE database_name = current_database()`,
};

/**
 * How DuckDB stores the arm column: its string segments, and how many are dictionary-compressed.
 * When all are, grouping by the string is the faster pass (DuckDB hashes each dictionary entry once);
 * otherwise (uncompressed strings: rows not yet checkpointed) the integer key is.
 */
export function armStorageQuery(s: TableSource): SqlQuery {
  return {
    label: "ab_arm_storage",
    params: { ab_table: s.table, ab_variant: s.variant },
    sql:
      `SELECT count(*) AS segments, count(*) FILTER (WHERE compression IN ('Dictionary', 'DICT_FSST')) AS dictionary ` +
      `FROM pragma_storage_info($ab_table) WHERE column_name = $ab_variant AND segment_type = 'VARCHAR'`,
  };
}

/**
 * The arm query keyed by a small integer instead of the arm's string: k = i for arm i of `arms`,
 * k = arms.length for rows without an arm, k = arms.length + 1 for any other arm (the caller
 * falls back to `armMomentsQuery` when that group has rows). A constant-range integer key lets
 * DuckDB aggregate with a perfect hash (direct indexing) instead of hashing and comparing
 * strings for every row, the larger part of the pass at 10M rows. Same sums, same single pass.
 */
export function armMomentsKeyedQuery(u: UnitsSql, d: Dialect, m: MomentShape, arms: string[]): SqlQuery {
  const extra: Record<string, SqlValue> = {};
  const whens = arms.map((a, i) => {
    extra[`ab_arm${i}`] = a;
    return `WHEN v = ${d.param(`ab_arm${i}`)} THEN ${i}`;
  });
  const k = `CASE ${whens.join(" ")} WHEN v IS NULL THEN ${arms.length} ELSE ${arms.length + 1} END`;
  return q(
    "ab_arm_moments",
    u,
    `SELECT k, ${momentColumns(d, m)} FROM (SELECT ${k} AS k, y, z, x FROM units) ku GROUP BY k`,
    extra,
  );
}

export function segmentMomentsQuery(u: UnitsSql, d: Dialect, m: MomentShape): SqlQuery {
  return q(
    "ab_segment_moments",
    u,
    `SELECT v, s, ${momentColumns(d, m)} FROM units WHERE v IS NOT NULL AND s IS NOT NULL GROUP BY v, s`,
  );
}

export function lookMomentsQuery(u: UnitsSql, d: Dialect, m: MomentShape): SqlQuery {
  return q(
    "ab_look_moments",
    u,
    `SELECT v, t, ${momentColumns(d, m)} FROM units WHERE v IS NOT NULL AND t IS NOT NULL GROUP BY v, t ORDER BY t`,
  );
}

/** The pooled quantile of the uncapped metric, for winsorisation. */
export function capQuantileQuery(u: UnitsSql, d: Dialect, quantile: number): SqlQuery {
  const expr =
    d.name === "bigquery"
      ? `APPROX_QUANTILES(y, 10000)[OFFSET(${Math.round(quantile * 10000)})]`
      : `quantile_cont(y, ${d.param("ab_q")})`;
  return q("ab_cap_quantile", u, `SELECT ${d.toFloat(expr)} AS cap FROM units WHERE v IS NOT NULL`, {
    ab_q: quantile,
  });
}

export function unitsSql(p: AbParams, d: Dialect, workspaceId: string, cap: string | null): UnitsSql {
  return p.source.kind === "events"
    ? eventsUnits(p.source, d, workspaceId, cap)
    : tableUnits(p.source, d, cap);
}
