import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { buildMerge } from "../../../../src/warehouse/bigquery/merge";
import { loadTableSchemas } from "../../../../src/warehouse/schema/table-schemas";
import type { FakeBigQuery, RecordedParameter } from "../../../support/fake-bigquery/server";
import { DATASET, MAX_BYTES, PROJECT, startFake, warehouseFor } from "../../../support/fake-bigquery/setup";

let fake: FakeBigQuery;
beforeEach(async () => {
  fake = await startFake();
});
afterEach(async () => {
  await fake.stop();
});

function upload(id: string, status: string, extra: Record<string, unknown> = {}) {
  return {
    workspace_id: "ws_1",
    upload_id: id,
    object_path: `drops/ws_1/${id}.csv.gz`,
    format: "csv",
    compressed: true,
    status,
    rows_read: 10,
    rows_accepted: 9,
    rows_rejected: 1,
    error: null,
    started_at: new Date("2024-01-01T00:00:00Z"),
    finished_at: status === "processing" ? null : "2024-01-01T00:05:00Z",
    ...extra,
  };
}

const mergeQueries = () => fake.queries.filter((q) => q.sql.startsWith("MERGE"));

describe("upsert", () => {
  test("is one MERGE job keyed by the table's key", async () => {
    const wh = warehouseFor(fake);
    await wh.upsert("uploads", [upload("u1", "processing"), upload("u2", "succeeded")]);
    const merges = mergeQueries();
    expect(merges).toHaveLength(1);
    expect(merges[0].sql).toBe(
      [
        "MERGE `demo-cfap.cfap_test.uploads` AS t",
        "USING (SELECT r.workspace_id AS workspace_id, r.upload_id AS upload_id, r.object_path AS object_path, r.format AS format, r.compressed AS compressed, r.status AS status, r.rows_read AS rows_read, r.rows_accepted AS rows_accepted, r.rows_rejected AS rows_rejected, r.error AS error, r.started_at AS started_at, r.finished_at AS finished_at FROM UNNEST(@rows) AS r) AS s",
        "ON t.workspace_id = s.workspace_id AND t.upload_id = s.upload_id",
        "WHEN MATCHED THEN UPDATE SET object_path = s.object_path, format = s.format, compressed = s.compressed, status = s.status, rows_read = s.rows_read, rows_accepted = s.rows_accepted, rows_rejected = s.rows_rejected, error = s.error, started_at = s.started_at, finished_at = s.finished_at",
        "WHEN NOT MATCHED THEN INSERT (workspace_id, upload_id, object_path, format, compressed, status, rows_read, rows_accepted, rows_rejected, error, started_at, finished_at) VALUES (s.workspace_id, s.upload_id, s.object_path, s.format, s.compressed, s.status, s.rows_read, s.rows_accepted, s.rows_rejected, s.error, s.started_at, s.finished_at)",
      ].join("\n"),
    );
    expect(merges[0].labels).toEqual({ app: "cfap", query: "upsert_uploads" });
    expect(merges[0].maximumBytesBilled).toBe(String(MAX_BYTES));
    expect(fake.violations).toEqual([]);
  });

  test("@rows is a typed ARRAY<STRUCT> whose fields follow the table schema", async () => {
    await warehouseFor(fake).upsert("uploads", [upload("u1", "processing")]);
    const param = mergeQueries()[0].parameters[0] as RecordedParameter;
    expect(param.name).toBe("rows");
    expect(param.parameterType.type).toBe("ARRAY");
    expect(param.parameterType.arrayType?.type).toBe("STRUCT");
    const structTypes = param.parameterType.arrayType?.structTypes?.map((s) => [s.name, s.type.type]);
    expect(structTypes).toEqual([
      ["workspace_id", "STRING"],
      ["upload_id", "STRING"],
      ["object_path", "STRING"],
      ["format", "STRING"],
      ["compressed", "BOOL"],
      ["status", "STRING"],
      ["rows_read", "INT64"],
      ["rows_accepted", "INT64"],
      ["rows_rejected", "INT64"],
      ["error", "STRING"],
      ["started_at", "TIMESTAMP"],
      ["finished_at", "TIMESTAMP"],
    ]);
    expect(mergeQueries()[0].params.rows).toEqual([
      {
        workspace_id: "ws_1",
        upload_id: "u1",
        object_path: "drops/ws_1/u1.csv.gz",
        format: "csv",
        compressed: true,
        status: "processing",
        rows_read: 10,
        rows_accepted: 9,
        rows_rejected: 1,
        error: null,
        started_at: "2024-01-01T00:00:00.000Z",
        finished_at: null,
      },
    ]);
  });

  test("the last row of a key wins (MERGE refuses two source rows for one target row)", async () => {
    await warehouseFor(fake).upsert("uploads", [
      upload("u1", "processing"),
      upload("u2", "processing"),
      upload("u1", "succeeded"),
    ]);
    const rows = mergeQueries()[0].params.rows as { upload_id: string; status: string }[];
    expect(rows.map((r) => [r.upload_id, r.status])).toEqual([
      ["u2", "processing"],
      ["u1", "succeeded"],
    ]);
  });

  test("JSON columns travel as STRING and are parsed in the source; REPEATED RECORD becomes ARRAY<STRUCT>", async () => {
    await warehouseFor(fake).upsert("lift_analysis_results", [
      {
        workspace_id: "ws_1",
        job_id: "j1",
        model: "did",
        model_version: "1",
        params: { alpha: 0.05 },
        estimates: [{ term: "post", estimate: 1.5, extra: { k: 1 } }],
        n_obs: 10,
        warnings: [],
        data_snapshot: {},
        created_at: "2024-01-01T00:00:00Z",
      },
    ]);
    const [q] = mergeQueries();
    expect(q.sql).toContain("PARSE_JSON(r.params) AS params");
    expect(q.sql).toContain(
      "ARRAY(SELECT AS STRUCT e.term AS term, e.estimate AS estimate, e.std_error AS std_error, e.ci_low AS ci_low, e.ci_high AS ci_high, e.p_value AS p_value, e.df AS df, PARSE_JSON(e.extra) AS extra FROM UNNEST(r.estimates) AS e WITH OFFSET o ORDER BY o) AS estimates",
    );
    const struct = q.parameters[0].parameterType.arrayType?.structTypes ?? [];
    const estimates = struct.find((s) => s.name === "estimates")?.type;
    expect(estimates?.type).toBe("ARRAY");
    expect(estimates?.arrayType?.structTypes?.find((s) => s.name === "extra")?.type).toEqual({
      type: "STRING",
    });
    expect(struct.find((s) => s.name === "warnings")?.type).toEqual({
      type: "ARRAY",
      arrayType: { type: "STRING" },
    });
    expect(q.params.rows).toMatchObject([
      {
        params: '{"alpha":0.05}',
        estimates: [{ term: "post", estimate: 1.5, extra: '{"k":1}', df: null }],
        warnings: [],
      },
    ]);
    expect(fake.violations).toEqual([]);
  });

  test("every table has a well-formed MERGE", () => {
    for (const schema of loadTableSchemas().values()) {
      const sql = buildMerge(PROJECT, DATASET, schema);
      expect(sql, schema.name).toMatch(
        new RegExp(`^MERGE \`${PROJECT}\\.${DATASET}\\.${schema.name}\` AS t\\n`),
      );
      for (const k of schema.key) expect(sql).toContain(`t.${k} = s.${k}`);
    }
  });

  test("errors are mapped, invalid rows refused before the job", async () => {
    const wh = warehouseFor(fake);
    await expect(wh.upsert("uploads", [{ ...upload("u1", "x"), status: null }])).rejects.toThrow(
      /uploads row 0: status: REQUIRED field is missing/,
    );
    fake.onQuery(
      { label: "upsert_uploads" },
      {
        error: {
          status: 400,
          reason: "invalidQuery",
          message: "UPDATE/MERGE must match at most one source row for each target row",
        },
      },
    );
    await expect(wh.upsert("uploads", [upload("u1", "x")])).rejects.toMatchObject({
      failure: "invalid_query",
      message: expect.stringMatching(
        /query upsert_uploads is not valid SQL: UPDATE\/MERGE must match at most one source row/,
      ),
    });
  });
});
