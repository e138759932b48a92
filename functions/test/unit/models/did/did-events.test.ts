import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { runDidOnWarehouse } from "../../../../src/models/did";
import { didParamsSchema } from "../../../../src/models/did/params";
import {
  expectClose,
  expectMatchesReference,
  loadFixture,
  memoryWarehouse,
  refCase,
  type TestWarehouse,
} from "./helpers";

/**
 * The standard_events route end to end on DuckDB: events_geo_day.csv (30 geos × 10 days, counts
 * and revenue per geo-day, some geo-days with no events at all) is expanded into one
 * standard_events row per event, plus noise the model must ignore (other event names, another
 * workspace, events outside the window, events without a geo). The model must rebuild the same
 * panel and give statsmodels' numbers, and the same numbers as the table route on the CSV.
 */
let wh: TestWarehouse;
const treated = Array.from({ length: 10 }, (_, i) => `g${String(i).padStart(2, "0")}`);

beforeAll(async () => {
  wh = await memoryWarehouse();
  await loadFixture(wh, "events_geo_day.csv", "geo_day");
  const cells = (
    await wh.query<{ geo: string; day: number; count: number; revenue: number }>({
      label: "setup",
      sql: "SELECT geo, day, count, revenue FROM geo_day ORDER BY geo, day",
    })
  ).rows;
  const day0 = Date.UTC(2024, 2, 1);
  const event = (o: Partial<Record<string, unknown>> & { event_id: string; ts: number }) => ({
    workspace_id: "ws1",
    event_name: "purchase",
    event_ts: new Date(o.ts),
    received_at: new Date(o.ts),
    channel: "paid",
    ingest_path: "seed",
    ...o,
    ts: undefined,
  });
  const rows: Record<string, unknown>[] = [];
  for (const c of cells) {
    // One purchase per counted event; the geo-day's revenue rides on its first event.
    for (let i = 0; i < Number(c.count); i++) {
      rows.push(
        event({
          event_id: `${c.geo}-${c.day}-${i}`,
          ts: day0 + Number(c.day) * 86_400_000 + i * 7 * 60_000,
          user_id: `user-${c.geo}-${i % 3}`,
          properties: { geo: c.geo },
          revenue: i === 0 ? Number(c.revenue) : 0,
        }),
      );
    }
    // Noise the model must ignore: page views, another workspace, after the window, no geo.
    const noon = day0 + Number(c.day) * 86_400_000 + 12 * 3_600_000;
    rows.push(
      event({
        event_id: `pv-${c.geo}-${c.day}`,
        event_name: "page_view",
        ts: noon,
        anonymous_id: "anon",
        properties: { geo: c.geo },
      }),
    );
    rows.push(
      event({
        event_id: `o-${c.geo}-${c.day}`,
        workspace_id: "ws2",
        ts: noon,
        user_id: "x",
        properties: { geo: c.geo },
        revenue: 100,
      }),
    );
    if (Number(c.day) === 0) {
      rows.push(
        event({
          event_id: `late-${c.geo}`,
          ts: Date.UTC(2024, 2, 11),
          user_id: "x",
          properties: { geo: c.geo },
          revenue: 5,
        }),
      );
      rows.push(
        event({
          event_id: `nogeo-${c.geo}`,
          ts: day0 + 3_600_000,
          user_id: "x",
          properties: { other: 1 },
          revenue: 5,
        }),
      );
    }
  }
  const outcome = await wh.insert("standard_events", rows);
  expect(outcome.inserted).toBe(rows.length);
});
afterAll(async () => wh.close());

const base = {
  outcome: { kind: "event_count", event_name: "purchase" },
  unit: { property: "geo" },
  period: "day",
  start: "2024-03-01",
  end: "2024-03-10",
  treatment: { treated_units: treated, start: "2024-03-07" },
} as const;

describe("did from standard_events", () => {
  it("TWFE on event counts matches statsmodels (zero-filled geo-days)", async () => {
    const out = await runDidOnWarehouse(wh, base, { workspaceId: "ws1" });
    expectMatchesReference(out.estimates, refCase("events_twfe_count_cr1"), "events twfe count");
    expect(out.n_obs).toBe(300);
    expect(out.diagnostics.balanced).toBe(true);
    const trends = out.diagnostics.parallel_trends as { period: string }[];
    expect(trends.map((t) => t.period)).toEqual(
      Array.from({ length: 10 }, (_, d) => `2024-03-${String(d + 1).padStart(2, "0")}`),
    );
    expect(out.warnings).toEqual([]); // 30 clusters: at the threshold, no few-clusters warning
  });

  it("2x2 on event counts matches statsmodels", async () => {
    const out = await runDidOnWarehouse(wh, { ...base, design: "2x2" }, { workspaceId: "ws1" });
    expectMatchesReference(out.estimates, refCase("events_2x2_count_cr1"), "events 2x2 count");
  });

  it("revenue sums match statsmodels", async () => {
    const out = await runDidOnWarehouse(
      wh,
      { ...base, outcome: { kind: "revenue_sum", event_name: "purchase" } },
      { workspaceId: "ws1" },
    );
    expectMatchesReference(out.estimates, refCase("events_twfe_revenue_cr1"), "events twfe revenue");
  });

  it("gives the same numbers as the table route on the same panel", async () => {
    const ev = await runDidOnWarehouse(
      wh,
      { ...base, event_study: { leads: 3, lags: 2 } },
      { workspaceId: "ws1" },
    );
    const tb = await runDidOnWarehouse(wh, {
      source: {
        kind: "table",
        table: "geo_day",
        outcome: "count",
        treated: "treated",
        post: "post",
        unit: "geo",
        time: "day",
      },
      event_study: { leads: 3, lags: 2 },
    });
    expect(ev.estimates.map((e) => e.term)).toEqual(tb.estimates.map((e) => e.term));
    ev.estimates.forEach((e, i) => {
      expectClose(e.estimate, tb.estimates[i].estimate, 1e-9, `${e.term} estimate`);
      expectClose(e.std_error, tb.estimates[i].std_error as number, 1e-9, `${e.term} se`);
    });
  });

  it("staggered first_treated by unit equals the common design when dates coincide", async () => {
    const first_treated = Object.fromEntries(treated.map((g) => [g, "2024-03-07"]));
    const out = await runDidOnWarehouse(
      wh,
      { ...base, treatment: { first_treated } },
      { workspaceId: "ws1" },
    );
    expectMatchesReference(out.estimates, refCase("events_twfe_count_cr1"), "events staggered");
  });

  it("weekly periods and distinct users run and label weeks by their Monday", async () => {
    const out = await runDidOnWarehouse(
      wh,
      {
        ...base,
        period: "week",
        outcome: { kind: "distinct_users" },
        start: "2024-02-26",
        end: "2024-03-10",
        treatment: { treated_units: treated, start: "2024-03-04" },
      },
      { workspaceId: "ws1" },
    );
    const trends = out.diagnostics.parallel_trends as { period: string }[];
    expect(trends.map((t) => t.period)).toEqual(["2024-02-26", "2024-03-04"]);
    expect(Number.isFinite(out.estimates[0].estimate)).toBe(true);
  });

  it("warns about treated units without events", async () => {
    const out = await runDidOnWarehouse(
      wh,
      { ...base, treatment: { treated_units: [...treated, "nowhere"], start: "2024-03-07" } },
      { workspaceId: "ws1" },
    );
    expect(out.warnings.join(" ")).toMatch(/1 treated unit\(s\) have no events.*nowhere/);
    expectMatchesReference(
      out.estimates,
      refCase("events_twfe_count_cr1"),
      "events with a missing treated unit",
    );
  });

  it("validates params with the exported schema", () => {
    expect(didParamsSchema.safeParse(base).success).toBe(true);
    expect(didParamsSchema.safeParse({ ...base, unit: { property: "geo; DROP TABLE x" } }).success).toBe(
      false,
    );
    expect(didParamsSchema.safeParse({ ...base, end: "2024-02-01" }).success).toBe(false);
    expect(
      didParamsSchema.safeParse({ ...base, design: "2x2", event_study: { leads: 2, lags: 1 } }).success,
    ).toBe(false);
    // A failed union names the field of the branch the input asked for, not just "Invalid input".
    const bad = didParamsSchema.safeParse({
      source: { kind: "table", table: "t", outcome: "y", treated: "d", post: "p" },
      se: "hc3",
    });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0].message).toMatch(/^se: Invalid option/);
    expect(didParamsSchema.safeParse({ ...base, period: "year" }).error?.issues[0].message).toMatch(
      /^period:/,
    );
    // The registry publishes the params as JSON Schema.
    expect(() => z.toJSONSchema(didParamsSchema, { io: "input", unrepresentable: "any" })).not.toThrow();
    const parsed = didParamsSchema.parse(base);
    expect(parsed.alpha).toBe(0.05);
    expect(parsed.source).toEqual({ kind: "events" });
  });
});
