import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeDescribeKey, describeQuery, summarizeDescribe } from "../../../../src/models/did/diagnostics";
import { tablePanel } from "../../../../src/models/did/panel";
import { parseDidParams } from "../../../../src/models/did/run";
import type { TableDidParams } from "../../../../src/models/did/params";
import { memoryWarehouse, type TestWarehouse } from "./helpers";

/**
 * The describe pass keys every row by one small integer (usable / missing outcome / treated and post
 * each 0, 1 or other): its summary must count exactly what the former five-column key counted. The
 * expected numbers below are counted by hand from the rows inserted here.
 */
let wh: TestWarehouse;
beforeAll(async () => {
  wh = await memoryWarehouse();
  await wh.query({
    label: "setup",
    sql: `CREATE TABLE d (unit VARCHAR, t INTEGER, y DOUBLE, treated DOUBLE, post DOUBLE);
      INSERT INTO d VALUES
        ('a', 1, 1.0, 0, 0), ('a', 2, 2.0, 0, 1),
        ('b', 1, 3.0, 1, 0), ('b', 2, 5.0, 1, 1), ('b', 3, 7.0, 1, 1),
        ('c', 1, NULL, 1, 0),
        (NULL, 1, 4.0, 0, 0),
        ('e', 2, 9.0, 2, 1),
        ('f', 1, -1.0, 0, 0.5)`,
  });
});
afterAll(async () => wh.close());

async function summary(time: boolean) {
  const params = parseDidParams({
    source: {
      kind: "table",
      table: "d",
      outcome: "y",
      unit: "unit",
      treated: "treated",
      post: "post",
      ...(time ? { time: "t" } : {}),
    },
  }) as TableDidParams;
  const panel = tablePanel(params, wh.dialect);
  return summarizeDescribe((await wh.query(describeQuery(panel, wh.dialect))).rows);
}

describe("describe pass", () => {
  it("decodes every key", () => {
    expect(decodeDescribeKey(0)).toEqual({ ok: false, ymiss: false, tr: null, post: null });
    expect(decodeDescribeKey(1)).toEqual({ ok: false, ymiss: true, tr: null, post: null });
    const codes = [0, 1, -1];
    for (let a = 0; a < 3; a++)
      for (let b = 0; b < 3; b++)
        expect(decodeDescribeKey(2 + 3 * a + b)).toEqual({
          ok: true,
          ymiss: false,
          tr: codes[a],
          post: codes[b],
        });
  });

  for (const time of [false, true]) {
    it(`counts usable, missing and out-of-range rows${time ? " per period" : ""}`, async () => {
      const { shape, cells } = await summary(time);
      expect(shape).toMatchObject({
        n_raw: 9,
        n_missing_outcome: 1,
        n: 7,
        n_treated_rows: 3,
        n_control_rows: 3,
        n_bad_treated: 1,
        n_bad_post: 1,
        n_post: 4,
        n_pre: 2,
        n_treated_post: 2,
        y_min: -1,
        y_max: 9,
        n_periods: time ? 3 : 0,
      });
      const byCell = (tr: number, post: number) =>
        cells
          .filter((c) => c.tr === tr && c.post === post)
          .reduce((s, c) => [s[0] + c.n, s[1] + c.sy], [0, 0]);
      expect(byCell(0, 0)).toEqual([1, 1]);
      expect(byCell(0, 1)).toEqual([1, 2]);
      expect(byCell(1, 0)).toEqual([1, 3]);
      expect(byCell(1, 1)).toEqual([2, 12]);
      if (time)
        expect(
          cells
            .filter((c) => c.tr === 1 && c.post === 1)
            .map((c) => c.t)
            .sort(),
        ).toEqual([2, 3]);
      else expect(cells.every((c) => c.t === null)).toBe(true);
    });
  }
});
