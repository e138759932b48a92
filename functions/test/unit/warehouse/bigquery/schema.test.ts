import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { dedupViewSql } from "../../../../src/warehouse/bigquery";
import {
  loadTableSchemas,
  schemaDirectory,
  TABLE_NAMES,
} from "../../../../src/warehouse/schema/table-schemas";
import { bigqueryDialect } from "../../../../src/warehouse/sql/dialect";
import type { FakeBigQuery } from "../../../support/fake-bigquery/server";
import { DATASET, LOCATION, PROJECT, startFake, warehouseFor } from "../../../support/fake-bigquery/setup";

let fake: FakeBigQuery;
beforeEach(async () => {
  fake = await startFake();
});
afterEach(async () => {
  await fake.stop();
});

describe("ensureSchema", () => {
  test("creates the dataset in the configured location and every table from bigquery-schemas/", async () => {
    await warehouseFor(fake).ensureSchema();
    expect(fake.datasets.get(DATASET)).toMatchObject({ location: LOCATION, labels: { app: "cfap" } });
    for (const name of TABLE_NAMES) {
      const file = JSON.parse(readFileSync(join(schemaDirectory(), `${name}.json`), "utf8"));
      const table = fake.tables.get(`${DATASET}.${name}`);
      expect(table?.type, name).toBe("TABLE");
      expect(table?.schema?.fields, name).toEqual(file);
    }
    expect(fake.violations).toEqual([]);
  });

  test("standard_events is partitioned by DAY on event_ts and clustered by workspace_id, event_name", async () => {
    await warehouseFor(fake).ensureSchema();
    const t = fake.tables.get(`${DATASET}.standard_events`);
    expect(t?.timePartitioning).toEqual({ type: "DAY", field: "event_ts" });
    expect(t?.clustering).toEqual({ fields: ["workspace_id", "event_name"] });
    // uploads has clustering but no partitioning in tables.json
    const uploads = fake.tables.get(`${DATASET}.uploads`);
    expect(uploads?.timePartitioning).toBeUndefined();
    expect(uploads?.clustering).toEqual({ fields: ["workspace_id"] });
    for (const s of loadTableSchemas().values()) {
      const created = fake.tables.get(`${DATASET}.${s.name}`);
      expect(created?.timePartitioning, s.name).toEqual(s.timePartitioning);
      expect(created?.clustering?.fields, s.name).toEqual(s.clustering);
    }
  });

  test("creates a dedup view per table: latest row per key via QUALIFY ROW_NUMBER()", async () => {
    await warehouseFor(fake).ensureSchema();
    const view = fake.tables.get(`${DATASET}.standard_events_dedup`);
    expect(view?.type).toBe("VIEW");
    expect(view?.view?.useLegacySql).toBe(false);
    expect(view?.view?.query).toBe(
      [
        "SELECT * FROM `demo-cfap.cfap_test.standard_events`",
        "WHERE TRUE",
        "QUALIFY ROW_NUMBER() OVER (PARTITION BY workspace_id, event_id, event_ts ORDER BY received_at DESC) = 1",
      ].join("\n"),
    );
    for (const s of loadTableSchemas().values()) {
      const v = fake.tables.get(`${DATASET}.${s.name}_dedup`);
      expect(v?.view?.query, s.name).toContain(`PARTITION BY ${s.key.join(", ")}`);
      expect(v?.view?.query, s.name).toMatch(
        /QUALIFY ROW_NUMBER\(\) OVER \(PARTITION BY .+ ORDER BY .+ DESC.*\) = 1$/,
      );
    }
  });

  test("is idempotent: a second run (new process) only reads, and 409 Already Exists is fine", async () => {
    await warehouseFor(fake).ensureSchema();
    const before = fake.requests.length;
    await warehouseFor(fake).ensureSchema();
    const second = fake.requests.slice(before);
    expect(second.every((r) => r.method === "GET")).toBe(true);
    expect(second).toHaveLength(1 + 2 * TABLE_NAMES.length);

    // Two instances racing: the GET says missing, the insert answers 409.
    const other = await startFake();
    try {
      other.fail(
        { method: "POST", path: /\/datasets\/cfap_test\/tables$/ },
        {
          status: 409,
          reason: "duplicate",
          message: "Already Exists: Table demo-cfap:cfap_test.standard_events",
        },
      );
      await expect(warehouseFor(other).ensureSchema()).resolves.toBeUndefined();
    } finally {
      await other.stop();
    }
  });

  test("updates a view whose SQL differs from the expected one", async () => {
    const wh = warehouseFor(fake);
    await wh.ensureSchema();
    fake.tables.get(`${DATASET}.standard_events_dedup`)!.view!.query = "SELECT 1";
    await warehouseFor(fake).ensureSchema();
    const patch = fake.requests.find((r) => r.method === "PATCH");
    expect(patch?.path).toMatch(/tables\/standard_events_dedup$/);
    expect(fake.tables.get(`${DATASET}.standard_events_dedup`)?.view?.query).toBe(
      dedupViewSql(PROJECT, DATASET, loadTableSchemas().get("standard_events")!),
    );
  });

  test("runs once per instance even when called concurrently", async () => {
    const wh = warehouseFor(fake);
    await Promise.all([wh.ensureSchema(), wh.ensureSchema(), wh.ensureSchema()]);
    expect(fake.requests.filter((r) => r.method === "POST" && r.path.endsWith("/datasets"))).toHaveLength(1);
  });

  test("a failure is reported as a WarehouseError and the next call tries again", async () => {
    fake.fail(
      { method: "POST", path: /\/datasets$/ },
      { status: 403, reason: "accessDenied", message: "Access Denied: Project demo-cfap" },
    );
    const wh = warehouseFor(fake);
    await expect(wh.ensureSchema()).rejects.toMatchObject({
      name: "BigQueryWarehouseError",
      failure: "permission_denied",
    });
    await expect(wh.ensureSchema()).resolves.toBeUndefined();
  });

  test("the client sends no credentials to a local apiEndpoint", async () => {
    await warehouseFor(fake).ensureSchema();
    expect(fake.requests.length).toBeGreaterThan(0);
    expect(fake.requests.every((r) => r.authorization === undefined)).toBe(true);
  });
});

describe("BigQuery dialect", () => {
  test("reads of CFAP tables go through the dedup views", () => {
    const d = bigqueryDialect(PROJECT, DATASET);
    expect(d.table("standard_events")).toBe("`demo-cfap.cfap_test.standard_events_dedup`");
    expect(d.table("lift_analysis_results")).toBe("`demo-cfap.cfap_test.lift_analysis_results_dedup`");
    expect(d.table("some_scratch_table")).toBe("`demo-cfap.cfap_test.some_scratch_table`");
    expect(d.param("from")).toBe("@from");
  });
});
