import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tableJourneys } from "../../../../src/models/attribution/journeys";
import { totalsQuery, transitionsQuery } from "../../../../src/models/attribution/queries";
import type { DuckDbWarehouse } from "../../../../src/warehouse/duckdb";
import { memoryWarehouse } from "./helpers";

/**
 * The warehouse's transition windows and fixed-point sums against a brute force in TypeScript, on
 * paths shorter than, equal to and longer than the chain order (the DuckDB windows are built from
 * list slices plus a separate branch for the windows that reach before the start).
 */
const PATHS: { path: string[]; conv: number; val: number; nulls: number }[] = [
  { path: ["a"], conv: 1, val: 2.5, nulls: 0 },
  { path: ["b", "a"], conv: 0, val: 0, nulls: 3 },
  { path: ["a", "a", "b"], conv: 2, val: 0.1, nulls: 1 },
  { path: ["c", "b", "a", "c"], conv: 1, val: 7.25, nulls: 0 },
  { path: ["a", "b", "c", "a", "b", "c", "c"], conv: 0, val: 0, nulls: 2 },
  { path: ["b", "b", "b", "b", "b"], conv: 3, val: 1e-7, nulls: 1 },
  { path: ["c", "a", "b"], conv: 0, val: 0, nulls: 0 },
];

function collapse(p: string[]): string[] {
  return p.filter((x, i) => i === 0 || x !== p[i - 1]);
}

/** Σ (conv + nulls) per window "c_0|…|c_k" ("" for NULL), and (conv, nulls, val) per last state. */
function bruteForce(order: number, coll: boolean) {
  const w = new Map<string, number>();
  const fin = new Map<string, [number, number, number]>();
  for (const r of PATHS) {
    if (r.conv + r.nulls <= 0) continue;
    const p = coll && order > 1 ? collapse(r.path) : r.path;
    for (let i = 0; i < p.length; i++) {
      const win = Array.from({ length: order + 1 }, (_, x) => p[i - order + x] ?? "");
      if (coll && order === 1 && win[0] !== "" && win[0] === win[1]) continue;
      const key = win.join("|");
      w.set(key, (w.get(key) ?? 0) + r.conv + r.nulls);
    }
    const last = Array.from({ length: order }, (_, x) => p[p.length - order + x] ?? "").join("|");
    const f = fin.get(last) ?? [0, 0, 0];
    fin.set(last, [f[0] + r.conv, f[1] + r.nulls, f[2] + r.val]);
  }
  return { w, fin };
}

describe("transition windows and exact sums (DuckDB)", () => {
  let wh: DuckDbWarehouse;
  beforeAll(async () => {
    wh = await memoryWarehouse();
    await wh.exec(`CREATE TABLE wpaths (path VARCHAR[], c DOUBLE, v DOUBLE, n DOUBLE)`);
    const lit = (p: string[]) => `[${p.map((x) => `'${x}'`).join(", ")}]::VARCHAR[]`;
    await wh.exec(
      `INSERT INTO wpaths VALUES ${PATHS.map((r) => `(${lit(r.path)}, ${r.conv}, ${r.val}, ${r.nulls})`).join(", ")}`,
    );
  });
  afterAll(async () => {
    await wh.close();
  });

  const source = {
    kind: "table" as const,
    table: "wpaths",
    path: "path",
    conversions: "c",
    value: "v",
    nulls: "n",
    separator: ">",
  };

  it("order 1–5, with and without collapsing repeats, equal the brute force", async () => {
    const j = tableJourneys(source, wh.dialect, { pathIsList: true, timesIsList: false });
    for (const order of [1, 2, 3, 4, 5]) {
      for (const coll of [false, true]) {
        const rows = (await wh.query(transitionsQuery(j, wh.dialect, order, coll, "integer"))).rows;
        const cs = Array.from({ length: order + 1 }, (_, x) => `c_${x}`);
        const got = new Map<string, number>();
        const gotFin = new Map<string, [number, number, number]>();
        for (const r of rows as Record<string, unknown>[]) {
          if (Number(r.e) === 0) got.set(cs.map((c) => (r[c] as string | null) ?? "").join("|"), Number(r.w));
          else
            gotFin.set(
              cs
                .slice(1)
                .map((c) => (r[c] as string | null) ?? "")
                .join("|"),
              [Number(r.tc), Number(r.tn), Number(r.tv)],
            );
        }
        const want = bruteForce(order, coll);
        expect(new Map([...got].sort()), `order ${order} collapse ${coll}`).toEqual(
          new Map([...want.w].sort()),
        );
        expect([...gotFin.keys()].sort()).toEqual([...want.fin.keys()].sort());
        for (const [k, [c, n, v]] of want.fin) {
          const g = gotFin.get(k)!;
          expect(g[0]).toBe(c);
          expect(g[1]).toBe(n);
          expect(g[2]).toBeCloseTo(v, 15);
        }
      }
    }
  });

  it("fixed-point totals skip zero terms without changing the sums", async () => {
    const j = tableJourneys(source, wh.dialect, { pathIsList: true, timesIsList: false });
    const [t] = (await wh.query(totalsQuery(j, wh.dialect))).rows as Record<string, unknown>[];
    expect(Number(t.conv)).toBe(7);
    expect(Number(t.nulls)).toBe(7);
    // Exact: 2.5 + 0.1 + 7.25 + 1e-7 each rounded to 10^-18, then summed without rounding error.
    const [ref] = (
      await wh.query({
        label: "ref",
        sql: `SELECT CAST(SUM(CAST(v AS DECIMAL(38, 18))) AS DOUBLE) AS v FROM wpaths`,
      })
    ).rows as Record<string, unknown>[];
    expect(Number(t.val)).toBe(Number(ref.v));
    expect(Number(t.conv_empty)).toBe(0);
  });
});
