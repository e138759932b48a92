import { describe, expect, it } from "vitest";
import { loadSettings, SettingsError } from "../../../src/config/settings";

describe("loadSettings", () => {
  it("has working defaults for local use", () => {
    const s = loadSettings({});
    expect(s.CFAP_WAREHOUSE).toBe("duckdb");
    expect(s.CFAP_PROJECT_ID).toBe("demo-cfap");
    expect(s.CFAP_MAX_BATCH_EVENTS).toBe(1000);
  });
  it("coerces numbers", () => {
    expect(loadSettings({ CFAP_MAX_BATCH_EVENTS: "50" }).CFAP_MAX_BATCH_EVENTS).toBe(50);
  });
  it("names every bad variable and its value", () => {
    let err: unknown;
    try {
      loadSettings({ CFAP_WAREHOUSE: "postgres", CFAP_MAX_BODY_BYTES: "-1", CFAP_BQ_DATASET: "bad-name!" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SettingsError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/CFAP_WAREHOUSE="postgres"/);
    expect(msg).toMatch(/CFAP_MAX_BODY_BYTES="-1"/);
    expect(msg).toMatch(/CFAP_BQ_DATASET="bad-name!"/);
  });
  it("rejects a warehouse URL with BigQuery", () => {
    expect(() =>
      loadSettings({ CFAP_WAREHOUSE: "bigquery", CFAP_WAREHOUSE_URL: "http://127.0.0.1:1" }),
    ).toThrow(/CFAP_WAREHOUSE_URL/);
  });
});
