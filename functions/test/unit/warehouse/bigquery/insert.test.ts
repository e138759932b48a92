import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { WarehouseError, type Row } from "../../../../src/warehouse/warehouse";
import { insertIdFor } from "../../../../src/warehouse/bigquery";
import { batchRows, type EncodedRow } from "../../../../src/warehouse/bigquery/rows";
import type { FakeBigQuery } from "../../../support/fake-bigquery/server";
import { startFake, warehouseFor } from "../../../support/fake-bigquery/setup";

let fake: FakeBigQuery;
beforeEach(async () => {
  fake = await startFake();
});
afterEach(async () => {
  await fake.stop();
});

function event(i: number, extra: Row = {}): Row {
  return {
    workspace_id: "ws_1",
    event_id: `evt_${i}`,
    event_name: "purchase",
    event_ts: new Date(Date.UTC(2024, 0, 1, 0, 0, i % 60)),
    received_at: "2024-01-01T00:01:00.000Z",
    channel: "paid_search",
    ingest_path: "http",
    revenue: 12.5,
    properties: { sku: `sku-${i}`, qty: 2 },
    ...extra,
  };
}

describe("insert", () => {
  test("streams rows with insertId = workspace_id:event_id and BigQuery JSON values", async () => {
    const wh = warehouseFor(fake);
    const outcome = await wh.insert("standard_events", [
      event(1),
      event(2, { properties: '{"raw":true}', user_id: null }),
    ]);
    expect(outcome).toEqual({ inserted: 2, duplicates: 0 });
    const [req] = fake.inserts;
    expect(req.rows.map((r) => r.insertId)).toEqual(["ws_1:evt_1", "ws_1:evt_2"]);
    expect(req.skipInvalidRows).toBe(false);
    expect(req.rows[0].json).toMatchObject({
      event_ts: "2024-01-01T00:00:01.000Z",
      received_at: "2024-01-01T00:01:00.000Z",
      revenue: 12.5,
      properties: '{"sku":"sku-1","qty":2}', // JSON columns as JSON text
    });
    expect(req.rows[1].json.properties).toBe('{"raw":true}'); // already JSON text: passed through
    expect("user_id" in req.rows[1].json).toBe(false); // NULL is omitted
    expect(fake.violations).toEqual([]);
  });

  test("batches at 500 rows per request", async () => {
    const wh = warehouseFor(fake);
    const rows = Array.from({ length: 1201 }, (_, i) => event(i));
    expect(await wh.insert("standard_events", rows)).toEqual({ inserted: 1201, duplicates: 0 });
    expect(fake.inserts.map((r) => r.rows.length)).toEqual([500, 500, 201]);
    expect(fake.tableRows("standard_events")).toHaveLength(1201);
    expect(fake.violations).toEqual([]);
  });

  test("batches by request size too (9 MB by default; here a small limit)", async () => {
    const wh = warehouseFor(fake, { maxBytesPerInsert: 4096 });
    const rows = Array.from({ length: 20 }, (_, i) =>
      event(i, { page_url: "https://example.com/" + "x".repeat(900) }),
    );
    await wh.insert("standard_events", rows);
    expect(fake.inserts.length).toBeGreaterThan(4);
    expect(fake.inserts.every((r) => r.bytes <= 4096)).toBe(true);
    expect(fake.tableRows("standard_events")).toHaveLength(20);
  });

  test("batchRows respects both limits and keeps order", () => {
    const rows: EncodedRow[] = Array.from({ length: 7 }, (_, i) => ({
      insertId: `k${i}`,
      json: { v: "y".repeat(100) },
    }));
    const batches = batchRows(rows, 3, 10_000);
    expect(batches.map((b) => [b.start, b.rows.length])).toEqual([
      [0, 3],
      [3, 3],
      [6, 1],
    ]);
    expect(batchRows(rows, 500, 128 + 2 * 140).map((b) => b.rows.length)).toEqual([2, 2, 2, 1]);
    expect(() => batchRows(rows, 500, 100)).toThrow(WarehouseError);
  });

  test("removes duplicates inside one call before sending and counts them", async () => {
    const wh = warehouseFor(fake);
    const outcome = await wh.insert("standard_events", [
      event(1),
      event(2),
      event(1, { revenue: 99 }),
      event(2),
    ]);
    expect(outcome).toEqual({ inserted: 2, duplicates: 2 });
    expect(fake.inserts[0].rows.map((r) => r.insertId)).toEqual(["ws_1:evt_1", "ws_1:evt_2"]);
    expect(fake.inserts[0].rows[0].json.revenue).toBe(12.5); // first occurrence wins (as in DuckDB)
  });

  test("across calls the same insertIds repeat ('inserted' counts rows sent; the dedup view removes the rest)", async () => {
    const wh = warehouseFor(fake);
    await wh.insert("standard_events", [event(1)]);
    expect(await wh.insert("standard_events", [event(1), event(3)])).toEqual({ inserted: 2, duplicates: 0 });
    expect(fake.inserts[1].rows.map((r) => r.insertId)).toEqual(["ws_1:evt_1", "ws_1:evt_3"]);
    expect(fake.dedupedByInsertId).toBe(1);
  });

  test("retries a 500 and the retry repeats the insertIds", async () => {
    fake.fail(
      { method: "POST", path: /insertAll$/ },
      { status: 500, reason: "backendError", message: "Backend error" },
    );
    const wh = warehouseFor(fake);
    expect(await wh.insert("standard_events", [event(1), event(2)])).toEqual({ inserted: 2, duplicates: 0 });
    const posts = fake.requests.filter((r) => r.path.endsWith("/insertAll"));
    expect(posts).toHaveLength(2);
    expect(posts[0].body).toEqual(posts[1].body);
    expect(fake.tableRows("standard_events")).toHaveLength(2);
  });

  test("insertErrors become a WarehouseError naming the caller's row index and reason", async () => {
    fake.rejectRows("standard_events", (json) =>
      json.event_id === "evt_7"
        ? { reason: "invalid", message: "Cannot convert value to string." }
        : undefined,
    );
    const wh = warehouseFor(fake);
    // evt_0 is duplicated so the caller's index (8) differs from the position in the request (7).
    const rows = [event(0), event(0), ...Array.from({ length: 8 }, (_, i) => event(i + 1))];
    const err = await wh.insert("standard_events", rows).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WarehouseError);
    expect((err as Error).message).toMatch(/row 8 \(invalid: Cannot convert value to string\.\)/);
    expect((err as Error).message).toMatch(/retrying the call is safe/);
    expect((err as Error).message).not.toMatch(/stopped/); // rows "stopped" by the bad one are not blamed
    expect(fake.tableRows("standard_events")).toHaveLength(0); // the whole request was refused
  });

  test("a failure in a later batch says how many rows were already written", async () => {
    fake.rejectRows("standard_events", (json) =>
      json.event_id === "evt_3" ? { reason: "invalid", message: "bad" } : undefined,
    );
    const wh = warehouseFor(fake, { maxRowsPerInsert: 2 });
    const err = await wh
      .insert("standard_events", [event(0), event(1), event(2), event(3)])
      .catch((e: unknown) => e);
    expect((err as Error).message).toMatch(
      /row 3 \(invalid: bad\).*2 earlier row\(s\) of this call were written/,
    );
  });

  test("rows are checked against the schema before anything is sent", async () => {
    const wh = warehouseFor(fake);
    const { channel: _omit, ...noChannel } = event(5);
    await expect(wh.insert("standard_events", [event(4), noChannel])).rejects.toThrow(
      /standard_events row 1: channel: REQUIRED field is missing/,
    );
    await expect(wh.insert("standard_events", [event(4, { colour: "red" })])).rejects.toThrow(
      /colour: no such column/,
    );
    await expect(wh.insert("standard_events", [event(4, { event_ts: "yesterday" })])).rejects.toThrow(
      /event_ts: invalid timestamp/,
    );
    await expect(wh.insert("standard_events", [event(4, { properties: "{not json" })])).rejects.toThrow(
      /not valid JSON/,
    );
    await expect(wh.insert("standard_events", [event(4, { event_id: "" })])).rejects.toThrow(
      /event_id: key column is missing/,
    );
    expect(fake.inserts).toHaveLength(0);
  });

  test("REPEATED RECORD rows (lift_analysis_results) are encoded field by field", async () => {
    const wh = warehouseFor(fake);
    await wh.insert("lift_analysis_results", [
      {
        workspace_id: "ws_1",
        job_id: "job_1",
        model: "did",
        model_version: "1.0.0",
        params: { alpha: 0.05 },
        estimates: [
          {
            term: "treated:post",
            estimate: 1.5,
            std_error: 0.2,
            ci_low: 1.1,
            ci_high: 1.9,
            p_value: 0.001,
            df: 40,
            extra: { k: 1 },
          },
          { term: "post", estimate: -0.1 },
        ],
        diagnostics: null,
        n_obs: 120,
        warnings: ["few clusters"],
        data_snapshot: { rows: 120 },
        created_at: new Date("2024-02-01T12:00:00Z"),
      },
    ]);
    const [row] = fake.inserts[0].rows;
    expect(row.insertId).toBe("ws_1:job_1");
    expect(row.json.estimates).toEqual([
      {
        term: "treated:post",
        estimate: 1.5,
        std_error: 0.2,
        ci_low: 1.1,
        ci_high: 1.9,
        p_value: 0.001,
        df: 40,
        extra: '{"k":1}',
      },
      { term: "post", estimate: -0.1 },
    ]);
    expect(row.json.warnings).toEqual(["few clusters"]);
    expect(fake.violations).toEqual([]);
  });

  test("insertIds: key joined with ':', hashed when ambiguous or longer than 128 characters", () => {
    expect(insertIdFor(["ws_1", "evt_1"])).toBe("ws_1:evt_1");
    expect(insertIdFor(["a:b", "c"])).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(insertIdFor(["a:b", "c"])).not.toBe(insertIdFor(["a", "b:c"]));
    expect(insertIdFor(["m", "1", "h".repeat(64), "c".repeat(64)])).toMatch(/^sha256:/);
  });

  test("the registry's long key gets a stable hashed insertId the fake accepts", async () => {
    const wh = warehouseFor(fake);
    const row = {
      model: "did",
      model_version: "1.0.0",
      params_schema_hash: "a".repeat(64),
      code_version: "b".repeat(40),
      params_schema: { type: "object" },
      registered_at: "2024-01-01T00:00:00Z",
    };
    await wh.insert("causal_model_registry", [row]);
    await wh.insert("causal_model_registry", [row]);
    expect(fake.inserts[0].rows[0].insertId).toBe(fake.inserts[1].rows[0].insertId);
    expect(fake.violations).toEqual([]);
  });

  test("an empty call sends nothing", async () => {
    expect(await warehouseFor(fake).insert("standard_events", [])).toEqual({ inserted: 0, duplicates: 0 });
    expect(fake.requests).toHaveLength(0);
  });
});
