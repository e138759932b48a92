import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DuckDbWarehouse, openDuckDbWarehouse } from "../../../src/warehouse/duckdb";

function event(id: string, extra: Record<string, unknown> = {}) {
  return {
    workspace_id: "ws1",
    event_id: id,
    event_name: "purchase",
    event_ts: "2026-01-02T03:04:05.678Z",
    received_at: new Date("2026-01-02T03:05:00Z"),
    properties: { plan: "pro", nested: { a: [1, 2] } },
    channel: "Direct",
    revenue: 12.5,
    ingest_path: "http",
    ...extra,
  };
}

describe("DuckDbWarehouse", () => {
  let wh: DuckDbWarehouse;
  beforeEach(async () => {
    wh = await openDuckDbWarehouse({ path: ":memory:" });
  });
  afterEach(async () => {
    await wh.close();
  });

  it("deduplicates on (workspace_id, event_id): replays and in-batch duplicates leave one row", async () => {
    expect(await wh.insert("standard_events", [event("a"), event("b"), event("a")])).toEqual({
      inserted: 2,
      duplicates: 1,
    });
    expect(await wh.insert("standard_events", [event("a"), event("c")])).toEqual({
      inserted: 1,
      duplicates: 1,
    });
    const { rows } = await wh.query({ sql: "SELECT count(*) AS n FROM standard_events", label: "count" });
    expect(rows[0].n).toBe(3);
  });

  it("the same event id in another workspace is a different event", async () => {
    await wh.insert("standard_events", [event("a")]);
    expect(await wh.insert("standard_events", [event("a", { workspace_id: "ws2" })])).toEqual({
      inserted: 1,
      duplicates: 0,
    });
  });

  it("returns plain JSON values: ISO timestamps, numbers, JSON text", async () => {
    await wh.insert("standard_events", [event("a")]);
    const { rows } = await wh.query({
      sql: "SELECT event_ts, revenue, properties, CAST(event_ts AS DATE) AS d, count(*) OVER () AS n FROM standard_events WHERE event_id = $id",
      params: { id: "a" },
      label: "read",
    });
    expect(rows[0]).toEqual({
      event_ts: "2026-01-02T03:04:05.678Z",
      revenue: 12.5,
      properties: JSON.stringify({ plan: "pro", nested: { a: [1, 2] } }),
      d: "2026-01-02",
      n: 1,
    });
  });

  it("writes all rows of a batch or none", async () => {
    const bad = { ...event("z"), event_name: null };
    await expect(wh.insert("standard_events", [event("y"), bad])).rejects.toThrow(/standard_events/);
    const { rows } = await wh.query({ sql: "SELECT count(*) AS n FROM standard_events", label: "count" });
    expect(rows[0].n).toBe(0);
    expect(await wh.insert("standard_events", [event("y")])).toEqual({ inserted: 1, duplicates: 0 });
  });

  it("inserts nested RECORD / REPEATED rows (results) once per key", async () => {
    const result = {
      workspace_id: "ws1",
      job_id: "j1",
      model: "did",
      model_version: "1.0.0",
      params: { a: 1 },
      estimates: [
        {
          term: "att",
          estimate: 1.5,
          std_error: 0.5,
          ci_low: 0.5,
          ci_high: 2.5,
          p_value: 0.01,
          df: 9,
          extra: null,
        },
      ],
      diagnostics: { x: [1, 2] },
      n_obs: 10,
      warnings: ["few clusters"],
      data_snapshot: { row_counts: {} },
      created_at: new Date("2026-01-01T00:00:00Z"),
    };
    expect(await wh.insert("lift_analysis_results", [result])).toEqual({ inserted: 1, duplicates: 0 });
    expect(await wh.insert("lift_analysis_results", [result])).toEqual({ inserted: 0, duplicates: 1 });
    const { rows } = await wh.query({
      sql: "SELECT estimates[1].term AS term, estimates[1].estimate AS est, warnings FROM lift_analysis_results",
      label: "read",
    });
    expect(rows[0]).toEqual({ term: "att", est: 1.5, warnings: ["few clusters"] });
  });

  it("upserts by key, last write wins", async () => {
    const up = (status: string, rows_read: number) => ({
      workspace_id: "ws1",
      upload_id: "u1",
      object_path: "drops/ws1/a.csv",
      format: "csv",
      compressed: false,
      status,
      rows_read,
      rows_accepted: rows_read,
      rows_rejected: 0,
      started_at: "2026-01-01T00:00:00Z",
    });
    await wh.upsert("uploads", [up("processing", 1)]);
    await wh.upsert("uploads", [up("processing", 5), up("succeeded", 10)]);
    const { rows } = await wh.query({ sql: "SELECT status, rows_read FROM uploads", label: "read" });
    expect(rows).toEqual([{ status: "succeeded", rows_read: 10 }]);
  });
});
