/** The power model through the local runner against statsmodels NormalIndPower (reference.json). */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { powerModel } from "../../../../src/models/power";
import { createRegistry } from "../../../../src/models/registry";
import { runModelLocally } from "../../../../src/runs/local-runner";
import { openDuckDbWarehouse, type DuckDbWarehouse } from "../../../../src/warehouse/duckdb";
import { close, reference } from "../ab/helpers";

const C = reference.cases.power;
let wh: DuckDbWarehouse;
beforeAll(async () => {
  wh = await openDuckDbWarehouse({ path: ":memory:" });
  await wh.ensureSchema();
});
afterAll(async () => wh.close());
const run = (params: Record<string, unknown>) =>
  runModelLocally(wh, "ws_p", "power", params, { registry: createRegistry([powerModel]) });

describe("power model", () => {
  it("proportions 10% → 11%: control units = statsmodels nobs1; CUPED scales by 1 − VR; runtime from daily traffic", async () => {
    const r = await run({
      metric: { type: "proportion", baseline_rate: 0.1 },
      mde: { absolute: 0.01 },
      variance_reduction: 0.2,
      traffic: { daily_units: 5000 },
    });
    const control = r.estimates.find((e) => e.term === "control_units");
    close(control?.exact, C.proportion.nobs1 * 0.8, 1e-9, "control");
    expect(control?.without_cuped).toBe(Math.ceil(C.proportion.nobs1));
    const days = r.estimates.find((e) => e.term === "runtime_days");
    expect(days?.estimate).toBe(Math.ceil(Math.ceil(C.proportion.nobs1 * 0.8 * 2) / 5000));
  });

  it("means: MDE of 1,000 control units matches NormalIndPower; runtime from standard_events traffic", async () => {
    const sd = 10;
    const r = await run({ metric: { type: "mean", sd, baseline_mean: 50 }, units: 2000 });
    const mde = r.estimates.find((e) => e.term === "mde_absolute");
    close(mde?.effect_size, C.mde[0].effect_size, 1e-4, "d");
    await wh.exec(`INSERT INTO standard_events (workspace_id, event_id, event_name, event_ts, user_id, properties, received_at, channel, ingest_path)
      SELECT 'ws_p', 'e' || i, 'page_view', TIMESTAMP '2024-01-01' + to_days(CAST(i % 28 AS INTEGER)), 'u' || i, '{}', now(), 'direct', 'api' FROM range(2800) r(i)`);
    const t = await run({
      metric: { type: "mean", sd },
      mde: { absolute: 1 },
      traffic: { lookback_days: 28 },
    });
    const days = t.estimates.find((e) => e.term === "runtime_days");
    const total = t.estimates.find((e) => e.term === "total_units")?.estimate as number;
    expect(days?.estimate).toBe(Math.ceil(total / 100));
  });

  it("invalid combinations are rejected", async () => {
    await expect(run({ metric: { type: "mean", sd: 1 } })).rejects.toBeTruthy();
  });
});
