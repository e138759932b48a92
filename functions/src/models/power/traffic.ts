/**
 * Historical traffic from `standard_events`: per day of the lookback window (ending at the
 * workspace's latest event), the units first seen that day within the window. Their running
 * total is how many distinct units an experiment started at the window's beginning would have
 * exposed after d days — repeat visitors count once, as in an experiment.
 */
import type { SqlQuery } from "../../warehouse/warehouse";
import type { Dialect } from "../../warehouse/sql/dialect";

export function dailyNewUnitsQuery(
  d: Dialect,
  workspaceId: string,
  unit: "user_id" | "anonymous_id" | "session_id",
  lookbackDays: number,
  eventName?: string,
): SqlQuery {
  const ev = d.table("standard_events");
  const since =
    d.name === "bigquery"
      ? `TIMESTAMP_SUB((SELECT mx FROM b), INTERVAL ${d.param("pw_days")} DAY)`
      : `(SELECT mx FROM b) - to_days(CAST(${d.param("pw_days")} AS INTEGER))`;
  const byName = eventName ? ` AND event_name = ${d.param("pw_event")}` : "";
  return {
    label: "power_daily_traffic",
    params: { pw_ws: workspaceId, pw_days: lookbackDays, ...(eventName ? { pw_event: eventName } : {}) },
    sql:
      `WITH b AS (SELECT MAX(event_ts) AS mx FROM ${ev} WHERE workspace_id = ${d.param("pw_ws")}${byName}),\n` +
      `f AS (SELECT ${unit} AS u, MIN(event_ts) AS first_ts FROM ${ev} WHERE workspace_id = ${d.param("pw_ws")}${byName} ` +
      `AND ${unit} IS NOT NULL AND event_ts > ${since} GROUP BY ${unit})\n` +
      `SELECT ${d.toDate("first_ts")} AS day, ${d.toFloat("COUNT(*)")} AS n FROM f GROUP BY 1 ORDER BY 1`,
  };
}

export interface TrafficProfile {
  days_observed: number;
  /** Running total of distinct units by day (index 0 = first day). */
  cumulative: number[];
  /** Mean new units per day over the last 7 observed days, for extrapolating past the window. */
  recent_daily_new: number;
}

export function trafficProfile(daily: number[]): TrafficProfile {
  const cumulative: number[] = [];
  let s = 0;
  for (const n of daily) cumulative.push((s += n));
  const tail = daily.slice(-7);
  return {
    days_observed: daily.length,
    cumulative,
    recent_daily_new: tail.length ? tail.reduce((a, b) => a + b, 0) / tail.length : 0,
  };
}

/** Days until `needed` units are reached (null when there is no traffic). */
export function daysToReach(p: TrafficProfile, needed: number): number | null {
  const i = p.cumulative.findIndex((c) => c >= needed);
  if (i >= 0) return i + 1;
  if (!(p.recent_daily_new > 0)) return null;
  const last = p.cumulative[p.cumulative.length - 1] ?? 0;
  return p.days_observed + Math.ceil((needed - last) / p.recent_daily_new);
}

/** Units reached after `days` days. */
export function unitsAfter(p: TrafficProfile, days: number): number {
  if (days <= p.days_observed) return p.cumulative[days - 1] ?? 0;
  const last = p.cumulative[p.cumulative.length - 1] ?? 0;
  return last + (days - p.days_observed) * p.recent_daily_new;
}
