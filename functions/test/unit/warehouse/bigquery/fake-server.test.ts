/**
 * The fake must catch what it claims to check: drive it with the raw client, doing things wrong.
 */
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { BigQuery } from "@google-cloud/bigquery";
import type { FakeBigQuery } from "../../../support/fake-bigquery/server";
import { DATASET, LOCATION, PROJECT, startFake, warehouseFor } from "../../../support/fake-bigquery/setup";

let fake: FakeBigQuery;
let raw: BigQuery;
beforeEach(async () => {
  fake = await startFake();
  await warehouseFor(fake).ensureSchema();
  fake.violations.length = 0;
  raw = new BigQuery({
    projectId: PROJECT,
    apiEndpoint: fake.url,
    location: LOCATION,
    authClient: { getRequestHeaders: async () => new Headers() } as never,
    retryOptions: { maxRetries: 0 },
  });
});
afterEach(async () => {
  await fake.stop();
});

describe("fake BigQuery checks", () => {
  test("queries without maximumBytesBilled or labels, or with unused/missing parameters", async () => {
    fake.onQuery({ sql: "SELECT" }, { schema: [{ name: "x", type: "INT64" }], rows: [{ x: 1 }] });
    await raw.query({ query: "SELECT @a, @b", params: { a: 1, c: 2 }, location: LOCATION });
    expect(fake.violations).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/maximumBytesBilled missing/),
        expect.stringMatching(/label app=cfap missing/),
        expect.stringMatching(/label query missing/),
        expect.stringMatching(/@b is used but not supplied/),
        expect.stringMatching(/parameter c is supplied but not used/),
      ]),
    );
  });

  test("maximumBytesBilled above the configured limit and invalid labels", async () => {
    fake.onQuery({ sql: "SELECT" }, { schema: [{ name: "x", type: "INT64" }], rows: [] });
    await raw.query({
      query: "SELECT 1",
      location: LOCATION,
      maximumBytesBilled: String(fake.options.maxBytesBilled + 1),
      labels: { app: "cfap", query: "Has Spaces" },
    });
    expect(fake.violations).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/exceeds the configured/),
        expect.stringMatching(/label query=Has Spaces/),
      ]),
    );
  });

  test("typed parameter values must fit their type", async () => {
    fake.onQuery({ sql: "SELECT" }, { schema: [{ name: "x", type: "INT64" }], rows: [] });
    await raw.query({ query: "SELECT @n", params: { n: "abc" }, types: { n: "INT64" }, location: LOCATION });
    expect(fake.violations).toEqual(
      expect.arrayContaining([expect.stringMatching(/"abc" is not a valid INT64/)]),
    );
  });

  test("streamed rows: random insertIds, missing REQUIRED fields and non-text JSON are caught", async () => {
    const table = raw.dataset(DATASET).table("standard_events");
    const good = {
      workspace_id: "w",
      event_id: "e1",
      event_name: "n",
      event_ts: "2024-01-01T00:00:00Z",
      received_at: "2024-01-01T00:00:00Z",
      channel: "direct",
      ingest_path: "http",
    };
    await table.insert([good]); // the client's default insertId is a random UUID
    expect(fake.violations).toEqual([
      expect.stringMatching(/skipInvalidRows should be false/),
      expect.stringMatching(/insertId .* is not the key \(w:e1\)/),
    ]);

    fake.violations.length = 0;
    const err = await table
      .insert(
        [
          { insertId: "w:e2", json: { ...good, event_id: "e2", channel: undefined } },
          { insertId: "w:e3", json: { ...good, event_id: "e3", properties: { a: 1 } } },
          { insertId: "w:e4", json: { ...good, event_id: "e4" } },
        ],
        { raw: true, skipInvalidRows: false, partialRetries: 0 },
      )
      .catch((e: { errors: { errors: { reason: string; message: string }[] }[] }) => e);
    const reasons = (err as { errors: { errors: { reason: string; message: string }[] }[] }).errors.map(
      (e) => e.errors[0].reason,
    );
    expect(reasons).toEqual(["invalid", "invalid", "stopped"]);
    expect(fake.violations.join("\n")).toMatch(/Missing required field: channel/);
    expect(fake.violations.join("\n")).toMatch(/JSON column value must be a JSON string/);
    expect(fake.tableRows("standard_events")).toHaveLength(1);
  });

  test("credentials sent to the local endpoint are reported", async () => {
    const withToken = new BigQuery({
      projectId: PROJECT,
      apiEndpoint: fake.url,
      authClient: { getRequestHeaders: async () => new Headers({ authorization: "Bearer t" }) } as never,
    });
    await withToken.dataset(DATASET).getMetadata();
    expect(fake.violations).toEqual([expect.stringMatching(/sent credentials/)]);
  });
});
