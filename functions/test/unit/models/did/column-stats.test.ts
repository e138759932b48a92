import { describe, expect, it } from "vitest";
import { statsApproxUnique, statsBounds } from "../../../../src/models/did/column-stats";

describe("statsApproxUnique", () => {
  it("reads the approximate distinct count, or nothing", () => {
    expect(statsApproxUnique("[Min: 0, Max: 9][Has Null: false][Approx Unique: 438962]")).toBe(438962);
    expect(statsApproxUnique("[Min: 0, Max: 9]")).toBeNull();
    expect(statsApproxUnique(undefined)).toBeNull();
  });
});

describe("statsBounds", () => {
  it("reads DuckDB's stats() text, booleans included, and nothing else", () => {
    expect(statsBounds("[Min: 0, Max: 1][Has Null: false, Has No Null: true][Approx Unique: 2]")).toEqual([
      0, 1,
    ]);
    expect(statsBounds("[Min: false, Max: true][Has Null: true, Has No Null: true]")).toEqual([0, 1]);
    expect(statsBounds("[Min: -3, Max: 12]")).toEqual([-3, 12]);
    expect(statsBounds("No Stats")).toBeNull();
    expect(statsBounds("[Min: abc, Max: 1]")).toBeNull();
    expect(statsBounds(null)).toBeNull();
  });
});
