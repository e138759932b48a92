import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DuckDbWarehouse } from "../../../../src/warehouse/duckdb";
import {
  byModel,
  FIXTURES,
  loadPaths,
  memoryWarehouse,
  removalEffects,
  run,
  type RemovalEffect,
} from "./helpers";

/**
 * random_paths.csv: 300 distinct paths over 6 channels (lengths 1–6, 30% repeats), and
 * random_paths.reference.json from scripts/reference/attribution_reference.py (numpy 2.4.6):
 * Markov removal effects from numpy.linalg.inv(I − Q) with removed states redirected to (null),
 * Shapley by the all-coalitions definition, heuristics by a per-journey loop.
 */
interface MarkovRef {
  states: number;
  conversion_probability: number;
  value_per_journey: number;
  removal_effects: RemovalEffect[];
}
const ref = JSON.parse(readFileSync(join(FIXTURES, "random_paths.reference.json"), "utf8")) as {
  totals: { conversions: number; value: number; nulls: number };
  markov_order1: MarkovRef;
  markov_order1_collapsed: MarkovRef;
  markov_order2: MarkovRef;
  markov_order3_collapsed: MarkovRef;
  shapley_conversions: Record<string, number>;
  shapley_value: Record<string, number>;
  heuristics: Record<string, Record<string, { conversions: number; value: number }>>;
};

let wh: DuckDbWarehouse;
const source = {
  kind: "table",
  table: "rp",
  path: "path",
  conversions: "total_conversions",
  value: "total_conversion_value",
  nulls: "total_null",
};

beforeAll(async () => {
  wh = await memoryWarehouse();
  await loadPaths(wh, "random_paths.csv", "rp");
});
afterAll(async () => wh.close());

function expectMarkov(
  got: RemovalEffect[],
  diag: { conversion_probability: number; value_per_journey: number; states: number },
  want: MarkovRef,
) {
  expect(diag.states).toBe(want.states);
  expect(diag.conversion_probability).toBeCloseTo(want.conversion_probability, 13);
  expect(diag.value_per_journey / want.value_per_journey).toBeCloseTo(1, 12);
  expect(got.map((e) => e.channel)).toEqual(want.removal_effects.map((e) => e.channel));
  got.forEach((e, i) => {
    const w = want.removal_effects[i];
    expect(e.removal_effect).toBeCloseTo(w.removal_effect, 12);
    expect(e.removal_effect_value).toBeCloseTo(w.removal_effect_value, 12);
    expect(e.conversion_probability_without).toBeCloseTo(w.conversion_probability_without, 13);
  });
}

describe("attribution against independent references", () => {
  it("Markov order 1 equals numpy's fundamental-matrix computation", async () => {
    const r = await run(wh, { source, models: ["markov"] });
    expectMarkov(removalEffects(r), r.diagnostics.markov as MarkovRef, ref.markov_order1);
    // P(conversion) of the empirical chain = conversions / journeys
    const t = ref.totals;
    expect((r.diagnostics.markov as MarkovRef).conversion_probability).toBeCloseTo(
      t.conversions / (t.conversions + t.nulls),
      14,
    );
  });

  it("Markov order 2, order 1 collapsed and order 3 collapsed equal numpy", async () => {
    for (const [markov, want] of [
      [{ order: 2 }, ref.markov_order2],
      [{ order: 1, collapse_repeats: true }, ref.markov_order1_collapsed],
      [{ order: 3, collapse_repeats: true }, ref.markov_order3_collapsed],
    ] as const) {
      const r = await run(wh, { source, models: ["markov"], markov });
      expectMarkov(removalEffects(r), r.diagnostics.markov as MarkovRef, want);
    }
  });

  it("collapsing repeats leaves first-order removal effects unchanged", async () => {
    const plain = removalEffects(await run(wh, { source, models: ["markov"] }));
    const collapsed = removalEffects(
      await run(wh, { source, models: ["markov"], markov: { order: 1, collapse_repeats: true } }),
    );
    plain.forEach((e, i) => {
      expect(collapsed[i].removal_effect).toBeCloseTo(e.removal_effect, 13);
      expect(collapsed[i].removal_effect_value).toBeCloseTo(e.removal_effect_value, 13);
    });
  });

  it("Shapley equals the all-coalitions definition, for conversions and value", async () => {
    const r = await run(wh, { source, models: ["shapley", "shapley_ordered"] });
    const m = byModel(r);
    for (const [ch, phi] of Object.entries(ref.shapley_conversions)) {
      expect(m.shapley[ch].c).toBeCloseTo(phi, 10);
      expect(m.shapley[ch].v).toBeCloseTo(ref.shapley_value[ch], 9);
      expect(m.shapley_ordered[ch].c).toBeCloseTo(phi, 10);
    }
    // the ordered variant's ranks add up to the channel's value
    for (const e of r.estimates.filter((x) => x.model === "shapley_ordered")) {
      const ranks = e.by_rank as number[];
      expect(ranks.reduce((a, b) => a + b, 0)).toBeCloseTo(e.estimate, 10);
    }
  });

  it("heuristics equal a per-journey loop", async () => {
    const m = byModel(await run(wh, { source, models: ["first", "last", "linear", "position"] }));
    for (const [model, chans] of Object.entries(ref.heuristics)) {
      for (const [ch, want] of Object.entries(chans)) {
        expect(m[model][ch].c).toBeCloseTo(want.conversions, 10);
        expect(m[model][ch].v).toBeCloseTo(want.value, 9);
      }
    }
  });

  it("every model's per-channel totals reconcile with the input", async () => {
    const r = await run(wh, { source });
    expect(r.diagnostics.reconciles).toBe(true);
    for (const model of new Set(r.estimates.map((e) => String(e.model)))) {
      const rows = r.estimates.filter((e) => e.model === model);
      expect(rows.reduce((a, e) => a + e.estimate, 0)).toBeCloseTo(ref.totals.conversions, 9);
      expect(rows.reduce((a, e) => a + (e.value as number), 0)).toBeCloseTo(ref.totals.value, 7);
    }
    expect(r.warnings.some((w) => w.includes("time_decay skipped"))).toBe(true);
  });

  it("is deterministic: the same input gives the same output", async () => {
    const a = await run(wh, { source, models: ["markov"], markov: { order: 2 } });
    const b = await run(wh, { source, models: ["markov"], markov: { order: 2 } });
    expect(a.estimates).toEqual(b.estimates);
    expect(removalEffects(a)).toEqual(removalEffects(b));
  });
});
