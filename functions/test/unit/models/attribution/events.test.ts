import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DuckDbWarehouse } from "../../../../src/warehouse/duckdb";
import { byModel, memoryWarehouse, run } from "./helpers";

/**
 * Journeys built in SQL from standard_events (hand-checked). Day 0 = 2024-03-01.
 *  u1: anonymous session (social, day 1) → logs in: session email (day 3) with a purchase of 50 →
 *      session paid (day 5) with a purchase of 20 → session organic (day 8), no purchase.
 *      Journeys: social > email (50), paid (20, only touches after the previous conversion),
 *      and organic as a non-converting journey.
 *  anon2 (never identified): social (day 2) and direct (day 2, excluded) → non-converting social.
 *  u3: display 40 days before (outside the 30-day lookback), email (day 4) with a purchase of 30 → email.
 *  u4: a purchase in a direct session only (direct excluded) → a conversion without touches (10).
 *  Noise: another workspace; a purchase after the window.
 */
const DAY = 86_400_000;
const day0 = Date.UTC(2024, 2, 1);
let wh: DuckDbWarehouse;
let n = 0;
const ev = (o: {
  ws?: string;
  name?: string;
  t: number;
  user?: string;
  anon?: string;
  session: string;
  channel: string;
  revenue?: number;
}) => ({
  workspace_id: o.ws ?? "ws1",
  event_id: `e${n++}`,
  event_name: o.name ?? "page_view",
  event_ts: new Date(day0 + o.t),
  received_at: new Date(day0 + o.t),
  user_id: o.user ?? null,
  anonymous_id: o.anon ?? null,
  session_id: o.session,
  channel: o.channel,
  revenue: o.revenue ?? null,
  ingest_path: "seed",
});

beforeAll(async () => {
  wh = await memoryWarehouse();
  const h = 3_600_000;
  await wh.insert("standard_events", [
    ev({ t: 1 * DAY, anon: "anon1", session: "s1", channel: "social" }),
    ev({ t: 1 * DAY + h, anon: "anon1", session: "s1", channel: "social" }),
    ev({ t: 3 * DAY, user: "u1", anon: "anon1", session: "s2", channel: "email" }),
    ev({
      t: 3 * DAY + h,
      user: "u1",
      anon: "anon1",
      session: "s2",
      channel: "email",
      name: "purchase",
      revenue: 50,
    }),
    ev({ t: 5 * DAY, user: "u1", session: "s3", channel: "paid" }),
    ev({ t: 5 * DAY + h, user: "u1", session: "s3", channel: "paid", name: "purchase", revenue: 20 }),
    ev({ t: 8 * DAY, user: "u1", session: "s4", channel: "organic" }),
    ev({ t: 2 * DAY, anon: "anon2", session: "s5", channel: "social" }),
    ev({ t: 2 * DAY + h, anon: "anon2", session: "s6", channel: "direct" }),
    ev({ t: -40 * DAY, user: "u3", session: "s7", channel: "display" }),
    ev({ t: 4 * DAY, user: "u3", session: "s8", channel: "email" }),
    ev({ t: 4 * DAY + h, user: "u3", session: "s8", channel: "email", name: "purchase", revenue: 30 }),
    ev({ t: 6 * DAY, user: "u4", session: "s9", channel: "direct", name: "purchase", revenue: 10 }),
    ev({
      ws: "ws2",
      t: 3 * DAY,
      user: "u1",
      session: "x1",
      channel: "email",
      name: "purchase",
      revenue: 999,
    }),
    ev({ t: 20 * DAY, user: "u1", session: "s10", channel: "paid", name: "purchase", revenue: 999 }),
  ]);
});
afterAll(async () => wh.close());

const source = {
  kind: "events",
  conversion_event: "purchase",
  start: "2024-03-01",
  end: "2024-03-10",
  lookback_days: 30,
  exclude: ["direct"],
};

describe("attribution from standard_events", () => {
  it("builds journeys with identity stitching, lookback, resets after conversions and non-converting paths", async () => {
    const r = await run(wh, { source }, "ws1");
    const m = byModel(r);
    expect(m.first).toEqual({
      email: { c: 1, v: 30 },
      paid: { c: 1, v: 20 },
      social: { c: 1, v: 50 },
      organic: { c: 0, v: 0 },
    });
    expect(m.last).toEqual({
      email: { c: 2, v: 80 },
      paid: { c: 1, v: 20 },
      social: { c: 0, v: 0 },
      organic: { c: 0, v: 0 },
    });
    expect(r.diagnostics.totals).toMatchObject({
      conversions: 4,
      value: 110,
      nulls: 2,
      attributable_conversions: 3,
      attributable_value: 100,
      unattributed_conversions: 1,
    });
    // 3 converting + 2 non-converting journeys; the empirical chain's P(conversion) is 3/5
    expect((r.diagnostics.markov as { conversion_probability: number }).conversion_probability).toBeCloseTo(
      0.6,
      14,
    );
    expect(r.warnings.join(" ")).toMatch(/1 conversion\(s\) had no touch/);
    expect(r.diagnostics.reconciles).toBe(true);
  });

  it("time decay uses the touch ages from event timestamps", async () => {
    const r = await run(wh, { source, models: ["time_decay"] }, "ws1");
    // social > email: ages 2 days + 1 hour and 1 hour
    const h = (a: number) => 2 ** (-a / 7);
    const aS = 2 + 1 / 24;
    const aE = 1 / 24;
    const wS = h(aS) / (h(aS) + h(aE));
    const m = byModel(r).time_decay;
    expect(m.social.c).toBeCloseTo(wS, 12);
    expect(m.email.c).toBeCloseTo(1 - wS + 1, 12);
    expect(m.paid.c).toBeCloseTo(1, 12);
  });

  it("a shorter lookback drops the older touch", async () => {
    const r = await run(wh, { source: { ...source, lookback_days: 1 }, models: ["first"] }, "ws1");
    expect(byModel(r).first.email).toEqual({ c: 2, v: 80 });
  });
});
