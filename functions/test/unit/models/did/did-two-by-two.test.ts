import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Matrix, inverse } from "ml-matrix";
import { runDidOnWarehouse } from "../../../../src/models/did";
import { expectClose, labelledWarehouse, loadFixture, memoryWarehouse, type TestWarehouse } from "./helpers";

/**
 * The 2×2 CR1 cell pass (two-by-two.ts: two score sums per cluster) against a direct row-level OLS
 * written here (dense X = [1, treated, post, treated·post], β = (X'X)⁻¹X'y, per-cluster scores
 * X_g'e_g, V = G/(G−1)·(N−1)/(N−K)·B M B — statsmodels' cov_type='cluster' formula), on panels the
 * cell algebra must handle exactly: unbalanced units, units seen in one period only, clusters coarser
 * than units; and the fallback to the general pass when a cluster mixes treated and control rows.
 */
let wh: TestWarehouse;
const labels: string[] = [];
const metered = () => labelledWarehouse(() => wh, labels);

beforeAll(async () => {
  wh = await memoryWarehouse();
  await loadFixture(wh, "panel_unbalanced.csv", "unbalanced");
  await loadFixture(wh, "panel_balanced.csv", "balanced");
  const setup = (sql: string) => wh.query({ label: "setup", sql });
  // The staggered fixture as a common-timing 2×2 (post from period 5 on), keeping its gaps and NAs.
  await setup(
    `CREATE TABLE unbal_2x2 AS SELECT unit, t, y, treated, CAST(t >= 5 AS INTEGER) AS post FROM unbalanced`,
  );
  // A fifth of the units keep only their pre rows, another fifth only their post rows.
  await setup(
    `CREATE TABLE one_period AS SELECT * FROM balanced
     WHERE NOT ((hash(unit) % 5 = 0 AND post = 1) OR (hash(unit) % 5 = 1 AND post = 0))`,
  );
  // The two periods around adoption: a clean 2-period panel, which the one-pass 2×2 takes.
  await setup(`CREATE TABLE two_period AS SELECT unit, treated, post, y FROM balanced WHERE t IN (4, 5)`);
  // Clusters coarser than units: within the treatment group (fast path) or across it (fallback).
  await setup(
    `CREATE TABLE regions AS SELECT *, treated * 10 + hash(unit) % 4 AS aligned, hash(unit) % 4 AS mixed FROM one_period`,
  );
});
afterAll(async () => wh.close());

/** Row-level OLS with CR1 by `cluster`: the independent reference. */
async function directCr1(table: string, cluster: string): Promise<{ att: number; se: number; g: number }> {
  const { rows } = await wh.query({
    label: "rows",
    sql: `SELECT CAST(${cluster} AS VARCHAR) AS g, y, treated, post FROM ${table} WHERE y IS NOT NULL`,
  });
  const X = new Matrix(
    rows.map((r) => [1, Number(r.treated), Number(r.post), Number(r.treated) * Number(r.post)]),
  );
  const y = Matrix.columnVector(rows.map((r) => Number(r.y)));
  const bread = inverse(X.transpose().mmul(X));
  const beta = bread.mmul(X.transpose().mmul(y));
  const e = y.sub(X.mmul(beta));
  const scores = new Map<string, number[]>();
  rows.forEach((r, i) => {
    const s = scores.get(String(r.g)) ?? [0, 0, 0, 0];
    for (let j = 0; j < 4; j++) s[j] += X.get(i, j) * e.get(i, 0);
    scores.set(String(r.g), s);
  });
  const meat = Matrix.zeros(4, 4);
  for (const s of scores.values()) meat.add(Matrix.columnVector(s).mmul(Matrix.rowVector(s)));
  const n = rows.length;
  const g = scores.size;
  const v = bread
    .mmul(meat)
    .mmul(bread)
    .mul(((g / (g - 1)) * (n - 1)) / (n - 4));
  return { att: beta.get(3, 0), se: Math.sqrt(v.get(3, 3)), g };
}

async function fit(table: string, cluster?: string) {
  labels.length = 0;
  const source = { kind: "table", table, outcome: "y", treated: "treated", post: "post", unit: "unit" };
  const out = await runDidOnWarehouse(metered(), {
    source: cluster ? { ...source, cluster } : source,
    design: "2x2",
    se: "cr1",
  });
  const att = out.estimates.find((e) => e.term === "att");
  // Only two_period is a clean 2-period panel; the one-pass 2×2 (its own tests) hands the others over.
  return {
    att,
    out,
    labels: table === "two_period" ? [...labels] : labels.filter((l) => !l.startsWith("did_2x2_")),
  };
}

describe("2x2 CR1 from two score sums per cluster", () => {
  it.each([
    ["unbalanced panel", "unbal_2x2", ["did_describe", "did_cell_scores"]],
    [
      "a clean two-period panel, in the paired one-pass 2x2",
      "two_period",
      ["did_2x2_probe", "did_2x2_pairs"],
    ],
  ])("%s: matches a direct OLS", async (_, table, passes) => {
    const r = await fit(table);
    const ref = await directCr1(table, "unit");
    expect(r.labels).toEqual(passes);
    expectClose(r.att?.estimate, ref.att, 1e-9, "att");
    expectClose(r.att?.std_error, ref.se, 1e-9, "se");
    expect(r.out.diagnostics.n_clusters).toBe(ref.g);
  });

  it("units observed in one period only: matches a direct OLS", async () => {
    const r = await fit("one_period");
    const ref = await directCr1("one_period", "unit");
    const { rows } = await wh.query({
      label: "check",
      sql: `SELECT COUNT(*) AS n FROM (SELECT unit FROM one_period GROUP BY unit HAVING MIN(post) = MAX(post))`,
    });
    expect(Number(rows[0].n)).toBeGreaterThan(0);
    expect(r.labels).toEqual(["did_describe", "did_cell_scores"]);
    expectClose(r.att?.estimate, ref.att, 1e-9, "att");
    expectClose(r.att?.std_error, ref.se, 1e-9, "se");
  });

  it("clusters coarser than units, treatment constant within each: matches a direct OLS", async () => {
    const r = await fit("regions", "aligned");
    const ref = await directCr1("regions", "aligned");
    expect(r.labels).toEqual(["did_describe", "did_cell_scores"]);
    expect(r.out.diagnostics.n_clusters).toBe(ref.g);
    expectClose(r.att?.std_error, ref.se, 1e-9, "se");
  });

  it("a cluster mixing treated and control rows falls back to the general pass", async () => {
    const r = await fit("regions", "mixed");
    const ref = await directCr1("regions", "mixed");
    expect(r.labels).toEqual(["did_describe", "did_cell_scores", "did_meat"]);
    expect(r.out.diagnostics.n_clusters).toBe(ref.g);
    expectClose(r.att?.std_error, ref.se, 1e-9, "se");
  });
});
