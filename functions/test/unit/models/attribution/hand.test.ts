import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ResultEnvelope } from "../../../../src/contracts/result";
import type { DuckDbWarehouse } from "../../../../src/warehouse/duckdb";
import { byModel, loadPaths, memoryWarehouse, removalEffects, run } from "./helpers";

/**
 * hand.csv, worked on paper (provenance: the arithmetic in the comments; no software):
 *   a > b      2 conversions, value 20, 1 null, touch ages 3, 0 days
 *   b          1, 5, 2, age 0
 *   a > c > a  1, 10, 0, ages 14, 7, 0
 *   c          0, 0, 3
 */
let wh: DuckDbWarehouse;
let r: ResultEnvelope;
const source = {
  kind: "table",
  table: "hand",
  path: "path",
  conversions: "total_conversions",
  value: "total_conversion_value",
  nulls: "total_null",
  times: "ages",
};

beforeAll(async () => {
  wh = await memoryWarehouse();
  await loadPaths(wh, "hand.csv", "hand");
  r = await run(wh, { source });
});
afterAll(async () => wh.close());

const close = (x: number) => expect.closeTo(x, 12);

describe("attribution, hand-checked", () => {
  it("first and last touch", () => {
    const m = byModel(r);
    expect(m.first).toEqual({ a: { c: 3, v: 30 }, b: { c: 1, v: 5 }, c: { c: 0, v: 0 } });
    expect(m.last).toEqual({ a: { c: 1, v: 10 }, b: { c: 3, v: 25 }, c: { c: 0, v: 0 } });
  });

  it("linear: 1/n per touch, repeats included", () => {
    // a: 2·½ + 1·⅔ = 5/3; b: 2·½ + 1 = 2; c: ⅓. Value a: 10 + 20/3, b: 10 + 5, c: 10/3.
    const m = byModel(r).linear;
    expect(m.a).toEqual({ c: close(5 / 3), v: close(50 / 3) });
    expect(m.b).toEqual({ c: close(2), v: close(15) });
    expect(m.c).toEqual({ c: close(1 / 3), v: close(10 / 3) });
  });

  it("position-based 40/20/40 (two touches split 50/50)", () => {
    // a>b: ½ each ×2; b: 1; a>c>a: a .4 + .4, c .2. a: 1 + .8, b: 2, c: .2. Value a: 10 + 8, b: 15, c: 2.
    const m = byModel(r).position;
    expect(m.a).toEqual({ c: close(1.8), v: close(18) });
    expect(m.b).toEqual({ c: close(2), v: close(15) });
    expect(m.c).toEqual({ c: close(0.2), v: close(2) });
  });

  it("time decay with a 7-day half-life", () => {
    const h = (age: number) => 2 ** (-age / 7);
    const ab = { a: h(3) / (h(3) + h(0)), b: h(0) / (h(3) + h(0)) };
    const s3 = h(14) + h(7) + h(0);
    const aca = { a: (h(14) + h(0)) / s3, c: h(7) / s3 };
    const m = byModel(r).time_decay;
    expect(m.a).toEqual({ c: close(2 * ab.a + aca.a), v: close(20 * ab.a + 10 * aca.a) });
    expect(m.b).toEqual({ c: close(2 * ab.b + 1), v: close(20 * ab.b + 5) });
    expect(m.c).toEqual({ c: close(aca.c), v: close(10 * aca.c) });
  });

  it("Markov order 1: removal effects .625/.75/.125, conversions 5/3, 2, 1/3", () => {
    const re = Object.fromEntries(removalEffects(r).map((e) => [e.channel, e]));
    expect(re.a.removal_effect).toBeCloseTo(0.625, 13);
    expect(re.b.removal_effect).toBeCloseTo(0.75, 13);
    expect(re.c.removal_effect).toBeCloseTo(0.125, 13);
    const m = byModel(r).markov;
    expect(m.a.c).toBeCloseTo(5 / 3, 12);
    expect(m.b.c).toBeCloseTo(2, 12);
    expect(m.c.c).toBeCloseTo(1 / 3, 12);
    // value removal effects 45/70, 50/70, 9/70 of 35
    expect(m.a.v).toBeCloseTo((35 * 45) / 104, 11);
    expect(m.b.v).toBeCloseTo((35 * 50) / 104, 11);
    expect(m.c.v).toBeCloseTo((35 * 9) / 104, 11);
    const mk = r.diagnostics.markov as {
      conversion_probability: number;
      transition_matrix: { transitions: unknown[] };
    };
    expect(mk.conversion_probability).toBeCloseTo(0.4, 14);
    expect(mk.transition_matrix.transitions).toContainEqual({ from: "c", to: "a", probability: 0.25 });
  });

  it("Shapley: each channel set's conversions shared equally; ordered by rank of first touch", () => {
    const m = byModel(r);
    expect(m.shapley).toEqual({ a: { c: 1.5, v: 15 }, b: { c: 2, v: 15 }, c: { c: 0.5, v: 5 } });
    expect(m.shapley_ordered).toEqual(m.shapley);
    const ranks = Object.fromEntries(
      r.estimates.filter((e) => e.model === "shapley_ordered").map((e) => [e.term, e.by_rank]),
    );
    expect(ranks).toEqual({ a: [1.5], b: [1, 1], c: [0, 0.5] });
  });

  it("states that every model's totals reconcile with the input", () => {
    expect(r.diagnostics.reconciles).toBe(true);
    const rec = r.diagnostics.reconciliation as Record<
      string,
      { conversions: { input: number; attributed: number } }
    >;
    expect(Object.keys(rec)).toHaveLength(8);
    for (const x of Object.values(rec)) expect(x.conversions.attributed).toBeCloseTo(4, 12);
    expect(r.diagnostics.totals).toMatchObject({
      conversions: 4,
      value: 35,
      nulls: 6,
      attributable_conversions: 4,
    });
    expect(r.estimates.every((e) => e.std_error === null && Number.isFinite(e.estimate))).toBe(true);
  });

  it("reads the same paths from a list column", async () => {
    await wh.exec(
      `CREATE TABLE hand_list AS SELECT list_transform(string_split(path, '>'), x -> trim(x)) AS path, total_conversions,
         total_conversion_value, total_null FROM hand`,
    );
    const l = await run(wh, {
      source: { ...source, table: "hand_list", times: undefined },
      models: ["linear", "markov"],
    });
    expect(byModel(l).linear).toEqual(byModel(r).linear);
    expect(removalEffects(l)).toEqual(removalEffects(r));
  });
});
