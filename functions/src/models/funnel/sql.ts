/**
 * The funnel as SQL. Conventions (documented in the model description):
 *  - a person is user_id, else the user_id some event links to the anonymous_id, else the anonymous_id;
 *  - t₁ is the person's first step-1 event in [start, end]; t_{i+1} is their first step-(i+1) event
 *    strictly after t_i and at most window_days after t₁ (first-touch, ordered funnel: each person is
 *    counted once, at the earliest completion of each step);
 *  - the breakdown value is the column on the person's step-1 event at t₁ ('(none)' when NULL).
 * Queries return per-step and per-(step, value) aggregates, never events.
 */
import type { SqlQuery, SqlValue } from "../../warehouse/warehouse";
import type { Dialect } from "../../warehouse/sql/dialect";
import { canonicalEventName } from "../../ingestion/event-name";
import type { FunnelFilter, FunnelParams } from "./params";

function nextDay(date: string): string {
  const t = new Date(`${date}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + 1);
  return t.toISOString().slice(0, 10);
}

export interface FunnelSql {
  ctes: string;
  params: Record<string, SqlValue>;
  steps: number;
}

const seconds = (d: Dialect, a: string, b: string) =>
  d.name === "duckdb"
    ? `CAST(epoch(${b}) - epoch(${a}) AS DOUBLE)`
    : `CAST(TIMESTAMP_DIFF(${b}, ${a}, MICROSECOND) AS FLOAT64) / 1e6`;

/** The first value of `expr` in time order within a GROUP BY. */
const firstBy = (d: Dialect, expr: string, ts: string) =>
  d.name === "duckdb"
    ? `arg_min(${expr}, ${ts})`
    : `ARRAY_AGG(${expr} IGNORE NULLS ORDER BY ${ts} LIMIT 1)[SAFE_OFFSET(0)]`;

export function median(d: Dialect, expr: string): string {
  // BigQuery has no exact median aggregate; APPROX_QUANTILES is documented as approximate.
  return d.name === "duckdb" ? `median(${expr})` : `APPROX_QUANTILES(${expr}, 100)[OFFSET(50)]`;
}

function filterSql(d: Dialect, f: FunnelFilter, key: string, params: Record<string, SqlValue>): string {
  const target = f.column ? d.quoteIdent(f.column) : d.jsonString("properties", f.property!);
  if (f.op === "exists") return `${target} IS NOT NULL`;
  const values = (Array.isArray(f.value) ? f.value : [f.value!]).map((v, i) => {
    params[`${key}_${i}`] = String(v);
    return d.param(`${key}_${i}`);
  });
  switch (f.op) {
    case "eq":
      return `${target} = ${values[0]}`;
    case "neq":
      return `(${target} IS NULL OR ${target} <> ${values[0]})`;
    case "in":
      return `${target} IN (${values.join(", ")})`;
    case "not_in":
      return `(${target} IS NULL OR ${target} NOT IN (${values.join(", ")}))`;
  }
}

export function funnelCtes(p: FunnelParams, d: Dialect, workspaceId: string): FunnelSql {
  const params: Record<string, SqlValue> = {
    fn_ws: workspaceId,
    fn_start: `${p.start}T00:00:00Z`,
    fn_end_excl: `${nextDay(p.end)}T00:00:00Z`,
    fn_win_s: p.window_days * 86_400,
    // events can complete later steps up to window_days after the last entry day
    fn_last: new Date(Date.parse(`${nextDay(p.end)}T00:00:00Z`) + p.window_days * 86_400_000).toISOString(),
  };
  const ts = (name: string) =>
    d.name === "duckdb" ? `CAST(${d.param(name)} AS TIMESTAMPTZ)` : `TIMESTAMP(${d.param(name)})`;
  const conds = p.steps.map((s, i) => {
    // Stored events carry canonical names (ingestion folds "signup", "Sign Up" → "sign_up"); match them.
    params[`fn_ev_${i}`] = canonicalEventName(s.event_name);
    const parts = [`event_name = ${d.param(`fn_ev_${i}`)}`];
    s.filters.forEach((f, k) => parts.push(filterSql(d, f, `fn_f_${i}_${k}`, params)));
    return parts.join(" AND ");
  });
  const cols = new Set<string>();
  if (p.breakdown) cols.add(p.breakdown);
  if (p.attribution) cols.add(p.attribution);
  for (const s of p.steps) for (const f of s.filters) if (f.column) cols.add(f.column);
  const extra = [...cols].map((c) => `, ${d.quoteIdent(c)}`).join("");
  const ctes = [
    `ev AS (SELECT event_id, event_name, event_ts, user_id, anonymous_id, properties${extra} FROM ${d.table("standard_events")} ` +
      `WHERE workspace_id = ${d.param("fn_ws")} AND event_ts >= ${ts("fn_start")} AND event_ts < ${ts("fn_last")})`,
    `idm AS (SELECT anonymous_id AS aid, MIN(user_id) AS uid FROM ev WHERE user_id IS NOT NULL AND anonymous_id IS NOT NULL GROUP BY anonymous_id)`,
    `pe AS (SELECT COALESCE(ev.user_id, idm.uid, ev.anonymous_id) AS pid, ev.* FROM ev LEFT JOIN idm ON idm.aid = ev.anonymous_id)`,
    `s1 AS (SELECT pid, MIN(event_ts) AS t` +
      (p.breakdown
        ? `, ${firstBy(d, `COALESCE(CAST(${d.quoteIdent(p.breakdown)} AS STRING), '(none)')`, "event_ts")} AS dim`
        : "") +
      ` FROM pe WHERE ${conds[0]} AND event_ts < ${ts("fn_end_excl")} AND pid IS NOT NULL GROUP BY pid)`,
  ];
  for (let i = 1; i < p.steps.length; i++) {
    ctes.push(
      `s${i + 1} AS (SELECT s${i}.pid, MIN(e.event_ts) AS t FROM s${i} JOIN s1 f ON f.pid = s${i}.pid JOIN pe e ON e.pid = s${i}.pid ` +
        `AND e.event_ts > s${i}.t AND ${seconds(d, "f.t", "e.event_ts")} <= ${d.param("fn_win_s")} AND ${conds[i]} GROUP BY s${i}.pid)`,
    );
  }
  const joins = p.steps
    .slice(1)
    .map((_, i) => ` LEFT JOIN s${i + 2} ON s${i + 2}.pid = s1.pid`)
    .join("");
  const tcols = p.steps.map((_, i) => `s${i + 1}.t AS t${i + 1}`).join(", ");
  ctes.push(`fu AS (SELECT s1.pid AS pid${p.breakdown ? ", s1.dim AS dim" : ""}, ${tcols} FROM s1${joins})`);
  return { ctes: ctes.join(",\n"), params, steps: p.steps.length };
}

/** Users per step and median seconds from the previous step; with a breakdown, also per value. */
export function stepsQuery(f: FunnelSql, d: Dialect, breakdown: boolean): SqlQuery {
  const aggs: string[] = [];
  for (let i = 1; i <= f.steps; i++) {
    aggs.push(`${d.toFloat(`COUNT(t${i})`)} AS users_${i}`);
    if (i > 1) aggs.push(`${median(d, seconds(d, `t${i - 1}`, `t${i}`))} AS med_${i}`);
  }
  const total = `SELECT CAST(NULL AS STRING) AS dim, 1 AS is_total, ${aggs.join(", ")} FROM fu`;
  const by = `SELECT dim, 0 AS is_total, ${aggs.join(", ")} FROM fu GROUP BY dim`;
  return {
    label: "funnel_steps",
    params: f.params,
    sql: `WITH ${f.ctes}\n${total}${breakdown ? `\nUNION ALL ${by}` : ""}`,
  };
}

/**
 * Partial-funnel attribution: for each person who progressed from step i to i+1, the distinct values of
 * `column` on their events in (t_i, t_{i+1}] share the progress equally (1/count each), so the credits of
 * a step add up to the users who progressed.
 */
export function progressQuery(f: FunnelSql, d: Dialect, column: string): SqlQuery {
  const prog = Array.from(
    { length: f.steps - 1 },
    (_, i) =>
      `SELECT pid, ${i + 1} AS step, t${i + 1} AS a, t${i + 2} AS b FROM fu WHERE t${i + 2} IS NOT NULL`,
  ).join(" UNION ALL ");
  const col = `COALESCE(CAST(e.${d.quoteIdent(column)} AS STRING), '(none)')`;
  return {
    label: "funnel_progress",
    params: f.params,
    sql:
      `WITH ${f.ctes},\npr AS (${prog}),\n` +
      `pc AS (SELECT DISTINCT pr.pid, pr.step, ${col} AS v FROM pr JOIN pe e ON e.pid = pr.pid AND e.event_ts > pr.a AND e.event_ts <= pr.b),\n` +
      `pn AS (SELECT pid, step, ${d.toFloat("COUNT(*)")} AS c FROM pc GROUP BY pid, step)\n` +
      `SELECT pc.step AS step, pc.v AS v, SUM(1.0 / pn.c) AS credit, ${d.toFloat("COUNT(*)")} AS touched ` +
      `FROM pc JOIN pn ON pn.pid = pc.pid AND pn.step = pc.step GROUP BY pc.step, pc.v`,
  };
}
