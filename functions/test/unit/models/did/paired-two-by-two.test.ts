import { describe, expect, it } from "vitest";
import { decodePairs, mayBePaired } from "../../../../src/models/did/paired-two-by-two";

/**
 * decodePairs' proof on hand-made join groups (the SQL side runs in one-pass-two-by-two.test.ts,
 * against the general path). A group is (tr_pre, tr_post) with its pair count and sums.
 */
const sums = { a: 1, b: 2, aa: 3, ab: 4, bb: 5 };
const group = (tr_pre: number | null, tr_post: number | null, n: number, n_with_post: number) => ({
  tr_pre,
  tr_post,
  n,
  ...sums,
  n_with_post,
});

describe("decodePairs", () => {
  it("a balanced panel: the per-mask rows of the grouped pass (3 control, 12 treated)", () => {
    const rows = [group(0, 0, 6, 20), group(1, 1, 4, 20)];
    expect(decodePairs(rows, { n_raw: 20 })).toEqual([
      { m: 3, n_units: 6, ...sums },
      { m: 12, n_units: 4, ...sums },
    ]);
  });

  it("an unmatched row (a NULL side) or a NULL treated: null", () => {
    expect(decodePairs([group(0, 0, 6, 13), group(1, null, 1, 13)], { n_raw: 13 })).toBeNull();
    expect(decodePairs([group(0, 0, 6, 13), group(null, 1, 1, 13)], { n_raw: 13 })).toBeNull();
    expect(decodePairs([group(null, null, 6, 12)], { n_raw: 12 })).toBeNull();
  });

  it("a unit with two treatment values: null", () => {
    expect(decodePairs([group(0, 0, 5, 12), group(0, 1, 1, 12)], { n_raw: 12 })).toBeNull();
  });

  it("fan-out (a unit with two rows in a period): more pairs than half the rows, null", () => {
    // Units a=1,b=2 and a=1,b=1: 3 pairs from 5 rows.
    expect(decodePairs([group(0, 0, 3, 5)], { n_raw: 5 })).toBeNull();
  });

  it("fan-out hidden by a row without a post value: null although 2·pairs equals all rows", () => {
    // One unit with a=1,b=2 (2 pairs, 3 rows) and a row with a NULL post: 4 rows, 2·2 pairs.
    expect(decodePairs([group(0, 0, 2, 3)], { n_raw: 4 })).toBeNull();
  });

  it("a balanced panel plus a row without a post value: null (the general path drops and warns)", () => {
    expect(decodePairs([group(0, 0, 2, 4)], { n_raw: 5 })).toBeNull();
  });

  it("no pairs at all: null", () => {
    expect(decodePairs([], { n_raw: 0 })).toBeNull();
  });
});

describe("mayBePaired", () => {
  it("tries the join unless DuckDB's distinct count shows mostly one row per unit", () => {
    expect(mayBePaired({ n_raw: 2000, u_stats: "[Approx Unique: 1000]" })).toBe(true);
    expect(mayBePaired({ n_raw: 2000, u_stats: "[Approx Unique: 1600]" })).toBe(false);
    expect(mayBePaired({ n_raw: 2000, u_stats: "No Stats" })).toBe(true);
  });
});
