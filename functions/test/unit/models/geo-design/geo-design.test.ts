import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ResultEnvelope } from "../../../../src/contracts/result";
import { geoDesignModel, geoDesignParamsSchema, designMarkets } from "../../../../src/models/geo-design";
import { candidateSets, binomial } from "../../../../src/models/geo-design/sets";
import type { Model } from "../../../../src/models/model";
import { createRegistry } from "../../../../src/models/registry";
import { runModelLocally } from "../../../../src/runs/local-runner";
import { openDuckDbWarehouse } from "../../../../src/warehouse/duckdb";

/** 12 geos × 60 days with weekly seasonality of geo-specific amplitude and deterministic noise. */
const GEN = `CREATE TABLE geo AS SELECT 'g' || lpad(CAST(i AS VARCHAR), 2, '0') AS geo, d AS day,
  100 + 10 * i + 5 * sin(d / 7.0) * (1 + i / 10.0) + ((hash(i * 1000 + d) % 1000) / 1000.0 - 0.5) * 4 AS sales
  FROM range(12) r(i), range(60) s(d)`;

const registry = createRegistry([geoDesignModel as unknown as Model]);
let wh: Awaited<ReturnType<typeof openDuckDbWarehouse>>;
beforeAll(async () => {
  wh = await openDuckDbWarehouse({ path: ":memory:" });
  await wh.query({ label: "gen", sql: GEN });
});
afterAll(async () => wh.close());

const params = (extra: Record<string, unknown> = {}) => ({
  source: { kind: "table", table: "geo", unit: "geo", time: "day", outcome: "sales" },
  test_length: 7,
  expected_effect: 0.05,
  treatment_sizes: [1, 2],
  top_sets: 4,
  n_windows: 8,
  parallel: false,
  ...extra,
});
const run = (extra: Record<string, unknown> = {}) =>
  runModelLocally(wh, "ws", "geo_design", params(extra), { registry });
type Ranked = {
  markets: string[];
  power: number;
  mde: number | null;
  scaled_pre_rmspe: number;
  power_curve: { effect: number; power: number }[];
  rank: number;
};
const ranked = (r: ResultEnvelope) => r.diagnostics.ranked as Ranked[];

describe("geo_design", () => {
  it("ranks market sets by power, then MDE, then fit; power grows with the effect", async () => {
    const r = await run();
    const list = ranked(r);
    expect(list.length).toBe(8);
    for (let i = 1; i < list.length; i++) expect(list[i - 1].power).toBeGreaterThanOrEqual(list[i].power);
    const curve = list[0].power_curve;
    expect(curve[curve.length - 1].power).toBeGreaterThanOrEqual(curve[0].power);
    expect(r.estimates[0]).toMatchObject({ term: "power", markets: list[0].markets });
    expect(r.diagnostics.feasible).toBe(true);
    expect((r.diagnostics.optimizer as { converged: boolean }).converged).toBe(true);
  });

  it("is deterministic: a rerun gives the same answer", async () => {
    const a = await run({ max_sets: 5, seed: 3 });
    const b = await run({ max_sets: 5, seed: 3 });
    expect(a.diagnostics.ranked).toEqual(b.diagnostics.ranked);
  });

  it("worker_threads give exactly the inline answer", async () => {
    const units = Array.from({ length: 10 }, (_, i) => `m${i}`);
    const labels = Array.from({ length: 40 }, (_, t) => String(t));
    const series = (u: string) => {
      const i = Number(u.slice(1));
      return Float64Array.from(
        { length: 40 },
        (_, t) => 50 + i * 3 + Math.sin(t / 3 + i) * 2 + ((i * 7919 + t * 104729) % 13) / 13,
      );
    };
    const p = geoDesignParamsSchema.parse({ ...params(), parallel: true, top_sets: 6, n_windows: 5 });
    const inline = await designMarkets(units, labels, series, { ...p, parallel: false });
    const threaded = await designMarkets(units, labels, series, p, {
      workerPath: join(__dirname, "../../../../src/models/geo-design/worker.ts"),
      execArgv: ["--require", "tsx/cjs"],
      minWork: 0,
    });
    expect((threaded.diagnostics.parallel as { mode: string }).mode).toBe("worker_threads");
    expect(threaded.diagnostics.ranked).toEqual(inline.diagnostics.ranked);
  }, 60_000);

  it("respects include and exclude lists", async () => {
    const r = await run({ include: ["g03"], exclude: ["g04", "g05"], treatment_sizes: [2] });
    for (const s of ranked(r)) {
      expect(s.markets).toContain("g03");
      expect(s.markets).not.toContain("g04");
      expect(s.markets).not.toContain("g05");
    }
  });

  it("no feasible market set is a result, not an error", async () => {
    const r = await run({
      budget: 10,
      market_costs: Object.fromEntries(
        Array.from({ length: 12 }, (_, i) => [`g${String(i).padStart(2, "0")}`, 100]),
      ),
    });
    expect(r.diagnostics.feasible).toBe(false);
    expect(r.diagnostics.reason).toMatch(/over the budget/);
    expect(r.estimates).toEqual([]);
  });

  it("budgets via cost per incremental unit keep cheap sets only", async () => {
    const r = await run({ budget: 39, cost_per_incremental: 1, treatment_sizes: [1, 2] });
    // cost = 0.05 × Σ of the last 7 days' outcome; the level is 100 + 10 i plus ≈ +5 (1 + i/10) of
    // seasonality in those days: g00 ≈ 36.7, g01 ≈ 40.4, so only {g00} fits 39.
    expect(ranked(r).map((s) => s.markets)).toEqual([["g00"]]);
    expect((ranked(r)[0] as unknown as { cost: number }).cost).toBeLessThanOrEqual(39);
  });

  it("too short a history is a typed error", async () => {
    await expect(run({ test_length: 40 })).rejects.toMatchObject({ code: "insufficient_data" });
  });

  it("candidate sets: all combinations, or seeded distinct samples", () => {
    expect(candidateSets([0, 1, 2, 3], [9], 3, 100, 1)).toHaveLength(binomial(4, 2));
    const a = candidateSets([...Array(30).keys()], [], 3, 50, 7);
    expect(a).toHaveLength(50);
    expect(new Set(a.map((s) => s.join())).size).toBe(50);
    expect(candidateSets([...Array(30).keys()], [], 3, 50, 7)).toEqual(a);
  });
});
