import type { EventInput } from "../contracts/event";
import { Random } from "./random";

/**
 * The demo data set, with effects we know, so every analysis on it can be checked against the truth:
 *
 * - 20 geos (geo_01 … geo_20) over `days` days ending at `end`. Each geo has its own baseline
 *   purchase rate and all share a common weekly pattern and trend (parallel trends hold by construction).
 * - Campaign `spring_sale` runs in geo_01 … geo_05 from day `treatmentDay` on, adding exactly
 *   `trueLift` expected purchases per geo per day: the true DID ATT on daily purchase counts.
 * - Traffic arrives through several channels (paid search, paid social, email, organic, referral,
 *   direct), each with its own conversion propensity, so attribution has something to find.
 */
export interface DemoConfig {
  workspaceId: string;
  seed: number;
  days: number;
  end: Date;
  treatmentDay: number;
  trueLift: number;
  geos: number;
  treatedGeos: number;
}

/** The demo's shape; its last day is yesterday (UTC) so the data always sits inside the ingestion window. */
export function demoConfig(now = new Date(), overrides: Partial<DemoConfig> = {}): DemoConfig {
  const yesterday = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - 1));
  return {
    workspaceId: "demo",
    seed: 20261126,
    days: 56,
    end: yesterday,
    treatmentDay: 28,
    trueLift: 6,
    geos: 20,
    treatedGeos: 5,
    ...overrides,
  };
}

export const DEMO_CAMPAIGN = "spring_sale";

export function geoName(i: number): string {
  return `geo_${String(i + 1).padStart(2, "0")}`;
}

export function demoTruth(cfg: DemoConfig) {
  const start = new Date(cfg.end.getTime() - (cfg.days - 1) * 86_400_000);
  return {
    treated_units: Array.from({ length: cfg.treatedGeos }, (_, i) => geoName(i)),
    control_units: Array.from({ length: cfg.geos - cfg.treatedGeos }, (_, i) => geoName(i + cfg.treatedGeos)),
    start: start.toISOString().slice(0, 10),
    end: cfg.end.toISOString().slice(0, 10),
    treatment_start: new Date(start.getTime() + cfg.treatmentDay * 86_400_000).toISOString().slice(0, 10),
    true_att_purchases_per_geo_day: cfg.trueLift,
    campaign: DEMO_CAMPAIGN,
  };
}

const CHANNELS = [
  { weight: 0.25, context: { utm_source: "google", utm_medium: "cpc", utm_campaign: "brand" }, conv: 1.3 },
  {
    weight: 0.15,
    context: { utm_source: "facebook", utm_medium: "paid_social", utm_campaign: "prospecting" },
    conv: 0.8,
  },
  {
    weight: 0.12,
    context: { utm_source: "newsletter", utm_medium: "email", utm_campaign: "weekly" },
    conv: 1.6,
  },
  { weight: 0.2, context: { referrer: "https://www.google.com/" }, conv: 1.0 },
  { weight: 0.08, context: { referrer: "https://blog.example.org/review" }, conv: 0.9 },
  { weight: 0.2, context: {}, conv: 1.1 },
] as const;

/** Generates the demo events day by day (a generator, so memory stays small). */
export function* demoEvents(cfg: DemoConfig): Generator<EventInput> {
  const rnd = new Random(cfg.seed);
  const start = cfg.end.getTime() - (cfg.days - 1) * 86_400_000;
  const baseline = Array.from({ length: cfg.geos }, () => 20 + rnd.int(30));
  const cumulative: number[] = [];
  let acc = 0;
  for (const c of CHANNELS) cumulative.push((acc += c.weight));
  let seq = 0;
  for (let day = 0; day < cfg.days; day++) {
    const dayStart = start + day * 86_400_000;
    const weekly = [1.0, 0.95, 0.95, 1.0, 1.1, 1.25, 1.2][new Date(dayStart).getUTCDay()];
    const trend = day * 0.15;
    for (let g = 0; g < cfg.geos; g++) {
      const geo = geoName(g);
      const treated = g < cfg.treatedGeos && day >= cfg.treatmentDay;
      const mean = baseline[g] * weekly + trend + (treated ? cfg.trueLift : 0);
      const purchases = rnd.poisson(mean);
      const visits = purchases * 4 + rnd.poisson(mean * 2);
      for (let v = 0; v < visits; v++) {
        const r = rnd.next();
        const ch =
          CHANNELS[
            Math.max(
              0,
              cumulative.findIndex((c) => r < c),
            )
          ];
        const user = `u_${geo}_${rnd.int(5000)}`;
        // Visits end an hour before midnight so a purchase (≤ 31 min later) stays on the same day.
        const ts = new Date(dayStart + rnd.int(82_800_000)).toISOString();
        const context =
          treated && rnd.next() < 0.3
            ? { utm_source: "google", utm_medium: "cpc", utm_campaign: DEMO_CAMPAIGN }
            : ch.context;
        const buys = v < purchases;
        yield {
          event_id: `${cfg.workspaceId}-${seq++}`,
          event_name: "page_view",
          timestamp: ts,
          user_id: user,
          session_id: `s_${user}_${day}`,
          properties: { geo, path: buys ? "/checkout" : "/products" },
          context: { page_url: "https://shop.example.com/products", ...context },
        };
        if (buys) {
          const revenue = Math.round((20 + rnd.next() * 80) * 100) / 100;
          yield {
            event_id: `${cfg.workspaceId}-${seq++}`,
            event_name: "purchase",
            timestamp: new Date(Date.parse(ts) + 60_000 + rnd.int(1_800_000)).toISOString(),
            user_id: user,
            session_id: `s_${user}_${day}`,
            properties: { geo, items: 1 + rnd.int(3) },
            context: { page_url: "https://shop.example.com/checkout", ...context },
            revenue,
            currency: "USD",
            order_id: `o-${seq}`,
          };
        }
      }
    }
  }
}
