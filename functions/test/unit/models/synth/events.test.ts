/**
 * The standard_events route: a geo × day panel aggregated in SQL from events (properties.geo),
 * with noise the model must ignore (another workspace, events without a geo, after the window).
 * It must give exactly what the table route gives on the same panel written as a table, where
 * geo-days without events are zeros.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDuckDbWarehouse } from "../../../../src/warehouse/duckdb";
import { run, type Wh } from "./helpers";

let wh: Wh;
const DAY0 = Date.UTC(2024, 2, 1);
const count = (g: number, d: number) =>
  d === 3 && g === 4 ? 0 : 3 + g + Math.round(2 * Math.sin(d / 2 + g)) + (g === 0 && d >= 14 ? 3 : 0);

beforeAll(async () => {
  wh = await openDuckDbWarehouse({ path: ":memory:" });
  const rows: Record<string, unknown>[] = [];
  const ev = (id: string, ts: number, extra: Record<string, unknown>) => ({
    workspace_id: "ws",
    event_id: id,
    event_name: "purchase",
    event_ts: new Date(ts),
    received_at: new Date(ts),
    ingest_path: "seed",
    channel: "paid",
    user_id: "u",
    ...extra,
  });
  const panel: string[] = [];
  for (let g = 0; g < 6; g++) {
    for (let d = 0; d < 20; d++) {
      const n = count(g, d);
      panel.push(`('geo${g}', '${new Date(DAY0 + d * 86_400_000).toISOString().slice(0, 10)}', ${n})`);
      for (let i = 0; i < n; i++)
        rows.push(
          ev(`e-${g}-${d}-${i}`, DAY0 + d * 86_400_000 + i * 60_000, { properties: { geo: `geo${g}` } }),
        );
      rows.push(
        ev(`x-${g}-${d}`, DAY0 + d * 86_400_000, { workspace_id: "other", properties: { geo: `geo${g}` } }),
      );
    }
    rows.push(ev(`late-${g}`, DAY0 + 25 * 86_400_000, { properties: { geo: `geo${g}` } }));
  }
  rows.push(ev("nogeo", DAY0, { properties: { other: 1 } }));
  await wh.insert("standard_events", rows);
  await wh.query({
    label: "t",
    sql: `CREATE TABLE panel(geo VARCHAR, day VARCHAR, n DOUBLE); INSERT INTO panel VALUES ${panel.join(", ")}`,
  });
});
afterAll(async () => wh.close());

describe("synth on standard_events", () => {
  it("matches the table route on the same panel", async () => {
    const common = { treated_units: ["geo0"], treatment_start: "2024-03-15", inference: "conformal" };
    const events = await run(wh, {
      ...common,
      source: {
        kind: "events",
        outcome: { kind: "event_count", event_name: "purchase" },
        period: "day",
        start: "2024-03-01",
        end: "2024-03-20",
      },
    });
    const table = await run(wh, {
      ...common,
      source: { kind: "table", table: "panel", unit: "geo", time: "day", outcome: "n" },
    });
    expect(events.diagnostics.weights).toEqual(table.diagnostics.weights);
    expect(events.estimates[0].estimate).toBeCloseTo(table.estimates[0].estimate, 12);
    expect(events.diagnostics.n_pre).toBe(14);
    expect(Object.keys(events.diagnostics.gaps as object)[0]).toBe("2024-03-01");
    expect(events.estimates[0].estimate).toBeGreaterThan(1);
  });

  it("the events source needs an ISO treatment start", async () => {
    await expect(
      run(wh, {
        treated_units: ["geo0"],
        treatment_start: 14,
        source: { kind: "events", outcome: { kind: "event_count" }, start: "2024-03-01", end: "2024-03-20" },
      }),
    ).rejects.toThrow();
  });
});
