import type { SqlQuery, Warehouse } from "../warehouse/warehouse";

/** "Did my data land?" — answered in SQL where the data lives. */
export interface EventsSummary {
  workspace_id: string;
  total: number;
  first_ts: string | null;
  last_ts: string | null;
  last_received_at: string | null;
  by_name: Array<{ event_name: string; events: number }>;
  days: Array<{ day: string; event_name: string; events: number }>;
}

export async function eventsSummary(
  warehouse: Warehouse,
  workspaceId: string,
  days = 30,
): Promise<EventsSummary> {
  const d = warehouse.dialect;
  const events = d.table("standard_events");
  const ws = d.param("workspace_id");
  const totals: SqlQuery = {
    label: "events_summary_totals",
    sql: `SELECT COUNT(*) AS total, MIN(event_ts) AS first_ts, MAX(event_ts) AS last_ts, MAX(received_at) AS last_received_at
          FROM ${events} WHERE workspace_id = ${ws}`,
    params: { workspace_id: workspaceId },
  };
  const byName: SqlQuery = {
    label: "events_summary_by_name",
    sql: `SELECT event_name, COUNT(*) AS events FROM ${events} WHERE workspace_id = ${ws}
          GROUP BY event_name ORDER BY events DESC, event_name`,
    params: { workspace_id: workspaceId },
  };
  const byDay: SqlQuery = {
    label: "events_summary_by_day",
    sql: `WITH bounds AS (SELECT MAX(event_ts) AS last_ts FROM ${events} WHERE workspace_id = ${ws})
          SELECT ${d.toDate("e.event_ts")} AS day, e.event_name, COUNT(*) AS events
          FROM ${events} e, bounds b
          WHERE e.workspace_id = ${ws} AND ${d.dateDiffDays("e.event_ts", "b.last_ts")} < ${d.param("days")}
          GROUP BY day, e.event_name ORDER BY day, e.event_name`,
    params: { workspace_id: workspaceId, days },
  };
  const [t, n, byD] = await Promise.all([
    warehouse.query<{
      total: number;
      first_ts: string | null;
      last_ts: string | null;
      last_received_at: string | null;
    }>(totals),
    warehouse.query<{ event_name: string; events: number }>(byName),
    warehouse.query<{ day: string; event_name: string; events: number }>(byDay),
  ]);
  const row = t.rows[0] ?? { total: 0, first_ts: null, last_ts: null, last_received_at: null };
  return {
    workspace_id: workspaceId,
    total: Number(row.total),
    first_ts: row.first_ts,
    last_ts: row.last_ts,
    last_received_at: row.last_received_at,
    by_name: n.rows.map((r) => ({ event_name: r.event_name, events: Number(r.events) })),
    days: byD.rows.map((r) => ({ day: String(r.day), event_name: r.event_name, events: Number(r.events) })),
  };
}

export interface RejectionRow {
  row_index: number;
  source_id: string;
  ingest_path: string;
  field_path: string | null;
  reason: string;
  raw: string | null;
  rejected_at: string;
}

export async function recentRejections(
  warehouse: Warehouse,
  workspaceId: string,
  limit = 100,
): Promise<RejectionRow[]> {
  const d = warehouse.dialect;
  const { rows } = await warehouse.query<RejectionRow>({
    label: "recent_rejections",
    sql: `SELECT row_index, source_id, ingest_path, field_path, reason, raw, rejected_at
          FROM ${d.table("rejected_events")} WHERE workspace_id = ${d.param("workspace_id")}
          ORDER BY rejected_at DESC, source_id, row_index LIMIT ${d.param("limit")}`,
    params: { workspace_id: workspaceId, limit: Math.min(Math.max(1, limit), 1000) },
  });
  return rows;
}
