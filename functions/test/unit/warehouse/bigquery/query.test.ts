import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { WarehouseError } from "../../../../src/warehouse/warehouse";
import { BigQueryWarehouseError, mapBigQueryError } from "../../../../src/warehouse/bigquery";
import { jobLabels, sanitizeLabelValue } from "../../../../src/warehouse/bigquery/labels";
import type { FakeBigQuery } from "../../../support/fake-bigquery/server";
import { LOCATION, MAX_BYTES, startFake, warehouseFor } from "../../../support/fake-bigquery/setup";

let fake: FakeBigQuery;
beforeEach(async () => {
  fake = await startFake();
});
afterEach(async () => {
  await fake.stop();
  delete process.env.FAST_QUERY_PATH;
});

const cellMeans = {
  schema: [
    { name: "channel", type: "STRING" },
    { name: "n", type: "INT64" },
  ],
  rows: [{ channel: "direct", n: 3 }],
  totalBytesProcessed: 1234,
};

describe("query: job configuration", () => {
  test("every job carries maximumBytesBilled, labels, location, standard SQL and typed named parameters", async () => {
    fake.onQuery({ label: "did_cell_means" }, cellMeans);
    const wh = warehouseFor(fake);
    const from = new Date("2024-01-01T00:00:00Z");
    const res = await wh.query({
      sql: "SELECT channel, COUNT(*) AS n FROM t WHERE workspace_id = @ws AND event_ts >= @from AND revenue > @min AND n < @max AND ok = @ok AND channel IN UNNEST(@channels) AND big = @big AND campaign = @campaign AND day = @day",
      params: {
        ws: "ws_1",
        from,
        min: 0.5,
        max: 10,
        ok: true,
        channels: ["direct", "email"],
        big: 9007199254740993n,
        campaign: null,
        day: "2024-01-02",
      },
      paramTypes: { day: "DATE" },
      label: "did_cell_means",
      labels: { workspace: "WS_1" },
    });
    expect(res.rows).toEqual([{ channel: "direct", n: 3 }]);
    expect(res.stats.bytesProcessed).toBe(1234);
    expect(res.stats.elapsedMs).toBeGreaterThanOrEqual(0);

    const [q] = fake.queries;
    expect(q.api).toBe("jobs.query");
    expect(q.useLegacySql).toBe(false);
    expect(q.maximumBytesBilled).toBe(String(MAX_BYTES));
    expect(q.location).toBe(LOCATION);
    expect(q.labels).toEqual({ app: "cfap", query: "did_cell_means", workspace: "ws_1" });
    const types = Object.fromEntries(q.parameters.map((p) => [p.name, p.parameterType]));
    expect(types).toEqual({
      ws: { type: "STRING" },
      from: { type: "TIMESTAMP" },
      min: { type: "FLOAT64" },
      max: { type: "INT64" },
      ok: { type: "BOOL" },
      channels: { type: "ARRAY", arrayType: { type: "STRING" } },
      big: { type: "INT64" },
      campaign: { type: "STRING" },
      day: { type: "DATE" },
    });
    expect(q.params).toMatchObject({
      big: "9007199254740993",
      campaign: null,
      day: "2024-01-02",
      channels: ["direct", "email"],
    });
    expect(Date.parse(String(q.params.from))).toBe(from.getTime());
    expect(fake.violations).toEqual([]);
  });

  test("NULL and empty arrays take their declared types", async () => {
    fake.onQuery({ label: "typed" }, cellMeans);
    await warehouseFor(fake).query({
      sql: "SELECT * FROM t WHERE n = @n OR id IN UNNEST(@ids)",
      params: { n: null, ids: [] },
      paramTypes: { n: "INT64", ids: "ARRAY<INT64>" },
      label: "typed",
    });
    const types = Object.fromEntries(fake.queries[0].parameters.map((p) => [p.name, p.parameterType]));
    expect(types).toEqual({ n: { type: "INT64" }, ids: { type: "ARRAY", arrayType: { type: "INT64" } } });
    expect(fake.violations).toEqual([]);
  });

  test("labels are sanitised to BigQuery's syntax", () => {
    expect(sanitizeLabelValue("DiD: Cell Means (v2)!")).toBe("did_cell_means_v2");
    expect(sanitizeLabelValue("x".repeat(100))).toHaveLength(63);
    expect(sanitizeLabelValue("***")).toBe("unnamed");
    expect(jobLabels("q", { "1st": "A", app: "other" })).toEqual({ l_1st: "a", app: "cfap", query: "q" });
  });

  test("the jobs.insert path (FAST_QUERY_PATH=DISABLED) carries the same configuration and polls until done", async () => {
    process.env.FAST_QUERY_PATH = "DISABLED";
    fake.onQuery(
      { sql: "FROM big_table" },
      { ...cellMeans, pendingPolls: 2, pageSize: 2, rows: [1, 2, 3, 4, 5].map((n) => ({ channel: "c", n })) },
    );
    const res = await warehouseFor(fake).query({
      sql: "SELECT * FROM big_table WHERE n > @n",
      params: { n: 0 },
      label: "slow query",
    });
    expect(res.rows.map((r) => r.n)).toEqual([1, 2, 3, 4, 5]);
    expect(res.stats.bytesProcessed).toBe(1234);
    const [q] = fake.queries;
    expect(q.api).toBe("jobs.insert");
    expect(q.labels).toEqual({ app: "cfap", query: "slow_query" });
    expect(q.maximumBytesBilled).toBe(String(MAX_BYTES));
    expect(fake.requests.filter((r) => r.path.includes("/queries/")).length).toBeGreaterThanOrEqual(4);
    expect(fake.violations).toEqual([]);
  });
});

describe("query: result values are plain JSON", () => {
  test("TIMESTAMP, DATE, INT64, FLOAT64, NUMERIC, BOOL, JSON, NULL and REPEATED RECORD", async () => {
    fake.onQuery(
      { label: "types" },
      {
        schema: [
          { name: "ts", type: "TIMESTAMP" },
          { name: "d", type: "DATE" },
          { name: "n", type: "INT64" },
          { name: "huge", type: "INT64" },
          { name: "x", type: "FLOAT64" },
          { name: "num", type: "NUMERIC" },
          { name: "ok", type: "BOOL" },
          { name: "props", type: "JSON" },
          { name: "missing", type: "STRING" },
          { name: "tags", type: "STRING", mode: "REPEATED" },
          {
            name: "estimates",
            type: "RECORD",
            mode: "REPEATED",
            fields: [
              { name: "term", type: "STRING" },
              { name: "estimate", type: "FLOAT64" },
              { name: "at", type: "TIMESTAMP" },
              { name: "k", type: "INT64" },
            ],
          },
        ],
        rows: [
          {
            ts: "2024-03-04T05:06:07.123456Z",
            d: "2024-03-04",
            n: 42,
            huge: "9007199254740993",
            x: 0.25,
            num: "12.50",
            ok: true,
            props: '{"a":[1,2]}',
            missing: null,
            tags: ["a", "b"],
            estimates: [
              { term: "post", estimate: 1.5, at: "2024-03-04T00:00:00Z", k: 7 },
              { term: "pre", estimate: null, at: null, k: null },
            ],
          },
        ],
      },
    );
    const { rows } = await warehouseFor(fake).query({ sql: "SELECT 1", label: "types" });
    expect(rows).toEqual([
      {
        ts: "2024-03-04T05:06:07.123Z",
        d: "2024-03-04",
        n: 42,
        huge: "9007199254740993",
        x: 0.25,
        num: 12.5,
        ok: true,
        props: '{"a":[1,2]}',
        missing: null,
        tags: ["a", "b"],
        estimates: [
          { term: "post", estimate: 1.5, at: "2024-03-04T00:00:00.000Z", k: 7 },
          { term: "pre", estimate: null, at: null, k: null },
        ],
      },
    ]);
    expect(JSON.parse(JSON.stringify(rows))).toEqual(rows); // nothing but plain JSON
  });

  test("the client asks for int64-microsecond timestamps (formatOptions.useInt64Timestamp)", async () => {
    fake.onQuery(
      { label: "ts" },
      { schema: [{ name: "ts", type: "TIMESTAMP" }], rows: [{ ts: "2024-01-01T00:00:00Z" }] },
    );
    const { rows } = await warehouseFor(fake).query({ sql: "SELECT 1", label: "ts" });
    expect(rows).toEqual([{ ts: "2024-01-01T00:00:00.000Z" }]);
    expect((fake.requests.at(-1)?.body as { formatOptions?: unknown }).formatOptions).toEqual({
      useInt64Timestamp: true,
    });
  });
});

describe("query: errors", () => {
  async function failWith(status: number, reason: string, message: string): Promise<BigQueryWarehouseError> {
    fake.onQuery({ label: "q" }, { error: { status, reason, message } });
    const err = await warehouseFor(fake)
      .query({ sql: "SELECT 1", label: "q" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WarehouseError);
    expect((err as Error).message).not.toMatch(/\n\s+at /); // no stack traces in messages
    return err as BigQueryWarehouseError;
  }

  test("bytes billed limit exceeded", async () => {
    const err = await failWith(
      400,
      "bytesBilledLimitExceeded",
      "Query exceeded limit for bytes billed: 10737418240. 21474836480 or higher required.",
    );
    expect(err.failure).toBe("bytes_billed_limit");
    expect(err.message).toMatch(
      /query q was refused: it would scan more than the per-query byte limit \(10 GiB, CFAP_BQ_MAX_BYTES_BILLED\)/,
    );
  });

  test("invalid query keeps BigQuery's own explanation", async () => {
    const err = await failWith(400, "invalidQuery", "Syntax error: Unexpected keyword FROM at [1:8]");
    expect(err.failure).toBe("invalid_query");
    expect(err.message).toBe("query q is not valid SQL: Syntax error: Unexpected keyword FROM at [1:8]");
  });

  test("not found", async () => {
    const err = await failWith(
      404,
      "notFound",
      "Not found: Table demo-cfap:cfap_test.standard_events_dedup was not found in location EU",
    );
    expect(err.failure).toBe("not_found");
    expect(err.message).toMatch(/not found .*ensureSchema/);
  });

  test("permission denied", async () => {
    const err = await failWith(
      403,
      "accessDenied",
      "Access Denied: User does not have bigquery.jobs.create permission",
    );
    expect(err.failure).toBe("permission_denied");
    expect(err.message).toMatch(/permission denied .*service account/);
  });

  test("a 500 is retried by the client, then succeeds", async () => {
    fake.onQuery({ label: "retry" }, cellMeans);
    fake.fail(
      { method: "POST", path: /\/queries$/ },
      { status: 500, reason: "backendError", message: "Backend error" },
      2,
    );
    const res = await warehouseFor(fake).query({ sql: "SELECT 1", label: "retry" });
    expect(res.rows).toHaveLength(1);
    const posts = fake.requests.filter((r) => r.method === "POST" && r.path.endsWith("/queries"));
    expect(posts).toHaveLength(3);
    // the same requestId each time, so BigQuery runs the query once
    expect(new Set(posts.map((p) => (p.body as { requestId: string }).requestId)).size).toBe(1);
  });

  test("a persistent 503 is reported as unavailable after the retries", async () => {
    fake.fail(
      { method: "POST", path: /\/queries$/ },
      { status: 503, reason: "backendError", message: "Service unavailable" },
      10,
    );
    const err = await warehouseFor(fake, { retryOptions: { maxRetries: 1, maxRetryDelay: 0.01 } })
      .query({ sql: "SELECT 1", label: "down" })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ failure: "unavailable" });
    expect(fake.requests).toHaveLength(2);
  });

  test("mapBigQueryError handles non-API errors", () => {
    expect(mapBigQueryError(new Error("socket hang up"), "query x").message).toBe(
      "query x failed: socket hang up",
    );
    expect(
      mapBigQueryError(
        { code: 429, errors: [{ reason: "rateLimitExceeded", message: "slow down" }] },
        "query x",
      ).failure,
    ).toBe("quota");
  });

  test("bad parameters are refused before any request", async () => {
    const wh = warehouseFor(fake);
    await expect(wh.query({ sql: "SELECT 1", params: { "bad-name": 1 }, label: "p" })).rejects.toThrow(
      /not a valid BigQuery identifier/,
    );
    await expect(wh.query({ sql: "SELECT 1", params: { a: [1, "x"] }, label: "p" })).rejects.toThrow(
      /mixes types/,
    );
    expect(fake.requests).toHaveLength(0);
  });
});
