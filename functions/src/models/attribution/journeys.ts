/**
 * Journeys as SQL: CTEs ending in `j` with one row per journey or per aggregated path and canonical columns
 *
 *   path   list of touch names in time order
 *   conv   conversions along the path (DOUBLE ≥ 0)
 *   val    conversion value (DOUBLE)
 *   nulls  journeys along the path that did not convert (DOUBLE ≥ 0)
 *   ages   list of touch ages in days before the conversion, or NULL (time-decay only)
 *
 * and `j_all` (before dropping empty paths and zero-weight rows) for the input totals. Every later query
 * starts from this text, so the warehouse never returns journeys, only aggregates of them.
 */
import type { SqlQuery, SqlValue } from "../../warehouse/warehouse";
import { canonicalEventName } from "../../ingestion/event-name";
import type { Dialect } from "../../warehouse/sql/dialect";
import type { AttributionEventsSource, AttributionTableSource } from "./params";
import { listSql } from "./sqlx";

export interface JourneySql {
  ctes: string;
  params: Record<string, SqlValue>;
  /** Whether `ages` can be non-NULL (time-decay needs it). */
  hasAges: boolean;
  hasNulls: boolean;
  hasValue: boolean;
  /**
   * Whether building `j` costs more than scanning a table (string paths to split, journeys from
   * events): then the aggregates run as one statement that builds the journeys once.
   */
  costly: boolean;
}

const DAY_SECONDS = 86_400;

/** Whether the path and times columns already hold lists (DuckDB LIST / BigQuery ARRAY) rather than strings. */
export interface TableColumnKinds {
  pathIsList: boolean;
  timesIsList: boolean;
}

/**
 * DuckDB only: the types of the path and times columns, so list columns (a warehouse's natural
 * journey representation, and what the CLI loader produces) skip the string split in every query.
 */
export function columnKindsQuery(s: AttributionTableSource, d: Dialect): SqlQuery | null {
  if (d.name !== "duckdb") return null;
  const q = (c: string) => d.quoteIdent(c);
  return {
    label: "attribution_column_types",
    sql: `SELECT typeof(${q(s.path)}) AS path_type${s.times ? `, typeof(${q(s.times)}) AS times_type` : ""} FROM ${q(s.table)} LIMIT 1`,
  };
}

export function tableJourneys(
  s: AttributionTableSource,
  d: Dialect,
  kinds: TableColumnKinds = { pathIsList: false, timesIsList: false },
): JourneySql {
  const L = listSql(d);
  const q = (c: string) => d.quoteIdent(c);
  const f = d.toFloat;
  const listType = d.name === "duckdb" ? "DOUBLE[]" : "ARRAY<FLOAT64>";
  const ages = !s.times
    ? `CAST(NULL AS ${listType})`
    : kinds.timesIsList
      ? `CAST(${q(s.times)} AS ${listType})`
      : L.splitDoubles(`CAST(${q(s.times)} AS STRING)`, "att_sep");
  const path = kinds.pathIsList
    ? `CAST(${q(s.path)} AS ${d.name === "duckdb" ? "VARCHAR[]" : "ARRAY<STRING>"})`
    : L.splitTrim(`CAST(${q(s.path)} AS STRING)`, "att_sep");
  const cols = [
    `${path} AS path`,
    `COALESCE(${f(q(s.conversions))}, 0) AS conv`,
    `${s.value ? `COALESCE(${f(q(s.value))}, 0)` : "0.0"} AS val`,
    `${s.nulls ? `COALESCE(${f(q(s.nulls))}, 0)` : "0.0"} AS nulls`,
    `${ages} AS ages`,
  ];
  return {
    ctes:
      `j_all AS (SELECT ${cols.join(", ")} FROM ${q(s.table)}),\n` +
      `j AS (SELECT * FROM j_all WHERE ${L.len("path")} > 0 AND conv >= 0 AND nulls >= 0 AND conv + nulls > 0)`,
    // DuckDB refuses parameters the SQL does not use.
    params: !kinds.pathIsList || (s.times && !kinds.timesIsList) ? { att_sep: s.separator } : {},
    hasAges: s.times !== undefined,
    hasNulls: s.nulls !== undefined,
    hasValue: s.value !== undefined,
    costly: !kinds.pathIsList,
  };
}

function nextDay(date: string): string {
  const t = new Date(`${date}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + 1);
  return t.toISOString().slice(0, 10);
}

function minusDays(date: string, days: number): string {
  const t = new Date(`${date}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() - days);
  return t.toISOString().slice(0, 10);
}

/**
 * Journeys from standard_events. Conventions:
 *  - a person is user_id, else the user_id some event links to the anonymous_id (the earliest-sorting
 *    one when several), else the anonymous_id;
 *  - a conversion is an event named `conversion_event` inside [start, end]; its revenue is the value;
 *  - its journey is the person's touches in (previous conversion, conversion] and within the lookback;
 *    touches at the conversion's own timestamp count (a landing that converts at once);
 *  - a touch is a session's first event (session touchpoints; events without a session are their own
 *    session) or any event but a conversion (event touchpoints) whose dimension is set and not excluded;
 *  - a non-converting journey is a person's touches in the window after their last conversion;
 *  - conversions without any touch have an empty path: counted in j_all, not attributed.
 */
export function eventsJourneys(s: AttributionEventsSource, d: Dialect, workspaceId: string): JourneySql {
  const L = listSql(d);
  const p = d.param;
  const params: Record<string, SqlValue> = {
    att_ws: workspaceId,
    // Stored events carry canonical names (ingestion folds "Order Completed" → "purchase"); match them.
    att_conv: canonicalEventName(s.conversion_event),
    att_start: `${s.start}T00:00:00Z`,
    att_from: `${minusDays(s.start, s.lookback_days)}T00:00:00Z`,
    att_end_excl: `${nextDay(s.end)}T00:00:00Z`,
    att_lookback_s: s.lookback_days * DAY_SECONDS,
  };
  const ts = (name: string) =>
    d.name === "duckdb" ? `CAST(${p(name)} AS TIMESTAMPTZ)` : `TIMESTAMP(${p(name)})`;
  const excl = s.exclude.map((v, i) => {
    params[`att_ex_${i}`] = v;
    return p(`att_ex_${i}`);
  });
  const dim = d.quoteIdent(s.dimension);
  const touchCond = `dm IS NOT NULL AND dm <> ''${excl.length ? ` AND dm NOT IN (${excl.join(", ")})` : ""}`;
  const touch =
    s.touchpoint === "session"
      ? `touch AS (SELECT pid, ts, dm FROM (SELECT pid, event_ts AS ts, dm, ROW_NUMBER() OVER (PARTITION BY pid, COALESCE(session_id, event_id) ORDER BY event_ts, event_id) AS rn FROM pe) x WHERE rn = 1 AND ${touchCond})`
      : `touch AS (SELECT pid, event_ts AS ts, dm FROM pe WHERE event_name <> ${p("att_conv")} AND ${touchCond})`;
  const age = `${L.secondsBetween("t.ts", "c.cts")} / ${DAY_SECONDS}.0`;
  const ctes = [
    `ev AS (SELECT event_id, event_name, event_ts, user_id, anonymous_id, session_id, ${dim} AS dm, revenue FROM ${d.table("standard_events")} ` +
      `WHERE workspace_id = ${p("att_ws")} AND event_ts >= ${ts("att_from")} AND event_ts < ${ts("att_end_excl")})`,
    `idm AS (SELECT anonymous_id AS aid, MIN(user_id) AS uid FROM ev WHERE user_id IS NOT NULL AND anonymous_id IS NOT NULL GROUP BY anonymous_id)`,
    `pe AS (SELECT COALESCE(ev.user_id, idm.uid, ev.anonymous_id) AS pid, ev.* FROM ev LEFT JOIN idm ON idm.aid = ev.anonymous_id)`,
    `cv AS (SELECT pid, event_ts AS cts, COALESCE(revenue, 0) AS val, ROW_NUMBER() OVER (PARTITION BY pid ORDER BY event_ts, event_id) AS k FROM pe ` +
      `WHERE event_name = ${p("att_conv")} AND event_ts >= ${ts("att_start")} AND pid IS NOT NULL)`,
    `cvw AS (SELECT cv.*, LAG(cts) OVER (PARTITION BY pid ORDER BY k) AS prev_cts FROM cv)`,
    touch,
    `cj AS (SELECT c.pid, c.k, t.ts, t.dm, ${age} AS age FROM cvw c JOIN touch t ON t.pid = c.pid AND t.ts <= c.cts ` +
      `AND ${L.secondsBetween("t.ts", "c.cts")} <= ${p("att_lookback_s")} AND (c.prev_cts IS NULL OR t.ts > c.prev_cts))`,
    `jc AS (SELECT pid, k, ${L.agg("dm", "ts, dm")} AS path, ${L.agg("age", "ts, dm")} AS ages FROM cj GROUP BY pid, k)`,
    `lastc AS (SELECT pid, MAX(cts) AS last_cts FROM cv GROUP BY pid)`,
    s.non_converting
      ? `jn AS (SELECT t.pid, ${L.agg("t.dm", "t.ts, t.dm")} AS path FROM touch t LEFT JOIN lastc ON lastc.pid = t.pid ` +
        `WHERE t.ts >= ${ts("att_start")} AND (lastc.last_cts IS NULL OR t.ts > lastc.last_cts) GROUP BY t.pid)`
      : `jn AS (SELECT pid, path FROM jc WHERE FALSE)`,
    `j_all AS (SELECT COALESCE(jc.path, ${d.name === "duckdb" ? "CAST([] AS VARCHAR[])" : "[]"}) AS path, 1.0 AS conv, ${d.toFloat("cv.val")} AS val, 0.0 AS nulls, jc.ages AS ages ` +
      `FROM cv LEFT JOIN jc ON jc.pid = cv.pid AND jc.k = cv.k ` +
      `UNION ALL SELECT path, 0.0, 0.0, 1.0, NULL FROM jn)`,
    `j AS (SELECT * FROM j_all WHERE ${L.len("path")} > 0)`,
  ];
  return {
    ctes: ctes.join(",\n"),
    params,
    hasAges: true,
    hasNulls: s.non_converting,
    hasValue: true,
    costly: true,
  };
}
