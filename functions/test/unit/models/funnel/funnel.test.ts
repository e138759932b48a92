import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ResultEnvelope } from "../../../../src/contracts/result";
import { funnelModel } from "../../../../src/models/funnel";
import type { Model } from "../../../../src/models/model";
import { createRegistry } from "../../../../src/models/registry";
import { LocalRunError, runModelLocally } from "../../../../src/runs/local-runner";
import { openDuckDbWarehouse, type DuckDbWarehouse } from "../../../../src/warehouse/duckdb";

/**
 * Hand-checked funnel view_item → add_to_cart → purchase, window 2 days, entries 2024-03-01..05
 * (d = day offset from 2024-03-01):
 *  u1: view d0 10:00 social, cart d0 10:30 social (plan pro), page_view d0 11:00 paid, purchase d0 12:00 email
 *  a2→u2: view d0 11:00 paid (anonymous), cart d1 11:00 paid (logged in, plan pro), purchase d3 11:00 (too late)
 *  u3: view d1 09:00 paid, view d1 10:00
 *  u4: cart d1 08:00 (before viewing: ignored), view d1 12:00 organic, cart d1 12:10 email (plan basic),
 *      purchase d1 12:20 email
 *  u5: purchase d2 00:00, view d2 01:00 social (purchase before the view does not count)
 *  u6: view d9 (after the entry window)
 * Users: 5 → 3 (u1, u2, u4) → 2 (u1, u4). Seconds view→cart: 1800, 86400, 600 (median 1800);
 * cart→purchase: 5400, 600 (median 3000). Progress credit 1→2: social 1, paid 1, email 1;
 * 2→3: u1 touched paid and email (½ each), u4 email → email 1.5, paid 0.5.
 */
const H = 3_600_000;
const D = 24 * H;
const day0 = Date.UTC(2024, 2, 1);
let wh: DuckDbWarehouse;
let n = 0;
const registry = createRegistry([funnelModel as unknown as Model]);
const ev = (
  t: number,
  name: string,
  who: { user?: string; anon?: string },
  channel: string,
  props?: object,
) => ({
  workspace_id: "ws1",
  event_id: `e${n++}`,
  event_name: name,
  event_ts: new Date(day0 + t),
  received_at: new Date(day0 + t),
  user_id: who.user ?? null,
  anonymous_id: who.anon ?? null,
  session_id: null,
  channel,
  properties: props ?? null,
  ingest_path: "seed",
});

beforeAll(async () => {
  wh = await openDuckDbWarehouse({ path: ":memory:" });
  await wh.insert("standard_events", [
    ev(10 * H, "view_item", { user: "u1" }, "social"),
    ev(10.5 * H, "add_to_cart", { user: "u1" }, "social", { plan: "pro" }),
    ev(11 * H, "page_view", { user: "u1" }, "paid"),
    ev(12 * H, "purchase", { user: "u1" }, "email"),
    ev(11 * H, "view_item", { anon: "a2" }, "paid"),
    ev(D + 11 * H, "add_to_cart", { user: "u2", anon: "a2" }, "paid", { plan: "pro" }),
    ev(3 * D + 11 * H, "purchase", { user: "u2" }, "paid"),
    ev(D + 9 * H, "view_item", { user: "u3" }, "paid"),
    ev(D + 10 * H, "view_item", { user: "u3" }, "paid"),
    ev(D + 8 * H, "add_to_cart", { user: "u4" }, "email"),
    ev(D + 12 * H, "view_item", { user: "u4" }, "organic"),
    ev(D + 12 * H + 600_000, "add_to_cart", { user: "u4" }, "email", { plan: "basic" }),
    ev(D + 12 * H + 1_200_000, "purchase", { user: "u4" }, "email"),
    ev(2 * D, "purchase", { user: "u5" }, "social"),
    ev(2 * D + H, "view_item", { user: "u5" }, "social"),
    ev(9 * D, "view_item", { user: "u6" }, "social"),
  ]);
});
afterAll(async () => wh.close());

const base = {
  steps: [{ event_name: "view_item" }, { event_name: "add_to_cart" }, { event_name: "purchase" }],
  start: "2024-03-01",
  end: "2024-03-05",
  window_days: 2,
};
const run = (params: Record<string, unknown>): Promise<ResultEnvelope> =>
  runModelLocally(wh, "ws1", "funnel", params, { registry });

describe("funnel", () => {
  it("counts users, conversion, drop-off and median times per step", async () => {
    const r = await run({ ...base, breakdown: "channel" });
    expect(r.estimates.map((e) => e.estimate)).toEqual([5, 3, 2]);
    expect(r.estimates.map((e) => e.conversion_rate)).toEqual([1, 0.6, 0.4]);
    expect(r.estimates.map((e) => e.step_conversion)).toEqual([1, 0.6, 2 / 3]);
    expect(r.estimates.map((e) => e.drop_off)).toEqual([0, 2, 1]);
    expect(r.estimates.map((e) => e.median_seconds_from_previous)).toEqual([null, 1800, 3000]);
    expect(r.estimates[0]).toMatchObject({ term: "step_1", label: "1. view_item" });
    expect(r.n_obs).toBe(5);
    const b = r.diagnostics.breakdown as { rows: { value: string; users: number[] }[] };
    expect(Object.fromEntries(b.rows.map((x) => [x.value, x.users]))).toEqual({
      social: [2, 1, 1],
      paid: [2, 1, 0],
      organic: [1, 1, 1],
    });
  });

  it("attributes step-to-step progress to channels and reconciles", async () => {
    const r = await run(base);
    const a = r.diagnostics.attribution as {
      reconciles: boolean;
      steps: { progressed: number; channels: { value: string; credit: number }[] }[];
    };
    expect(a.reconciles).toBe(true);
    const credit = a.steps.map((s) => Object.fromEntries(s.channels.map((c) => [c.value, c.credit])));
    expect(credit).toEqual([
      { social: 1, paid: 1, email: 1 },
      { email: 1.5, paid: 0.5 },
    ]);
    expect(a.steps.map((s) => s.progressed)).toEqual([3, 2]);
  });

  it("applies property filters to a step", async () => {
    const steps = [...base.steps];
    steps[1] = {
      event_name: "add_to_cart",
      filters: [{ property: "plan", op: "eq", value: "pro" }],
    } as never;
    const r = await run({ ...base, steps, attribution: null });
    expect(r.estimates.map((e) => e.estimate)).toEqual([5, 2, 1]);
    expect(r.diagnostics.attribution).toBeUndefined();
  });

  it("a longer window lets u2's late purchase count", async () => {
    const r = await run({ ...base, window_days: 4 });
    expect(r.estimates.map((e) => e.estimate)).toEqual([5, 3, 3]);
  });

  it("fails with insufficient_data when nobody enters", async () => {
    const err = await run({ ...base, start: "2024-04-01", end: "2024-04-02" }).catch((e) => e);
    expect(err).toBeInstanceOf(LocalRunError);
    expect((err as LocalRunError).code).toBe("insufficient_data");
  });
});
