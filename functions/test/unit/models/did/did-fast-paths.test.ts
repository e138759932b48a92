import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDidParams } from "../../../../src/models/did/run";
import { tablePanel } from "../../../../src/models/did/panel";
import { describeQuery, summarizeDescribe } from "../../../../src/models/did/diagnostics";
import { twfeDesign, twoByTwoDesign, type Design } from "../../../../src/models/did/design";
import { fitRegression, type RegressionResult } from "../../../../src/models/did/regression";
import type { QueryContext } from "../../../../src/models/did/sql";
import type { TableDidParams } from "../../../../src/models/did/params";
import type { SeType } from "../../../../src/stats";
import { loadFixture, memoryWarehouse, type TestWarehouse } from "./helpers";

/**
 * The fast paths (2×2 cross-products from the described cells; balanced TWFE in one grouped pass
 * with the CR1-by-unit meat expanded from per-unit moments) give the same numbers as the general
 * two-pass SQL, and fall back to the exact pass when the expansion would cancel too much.
 */
let wh: TestWarehouse;
beforeAll(async () => {
  wh = await memoryWarehouse();
  await loadFixture(wh, "panel_balanced.csv", "balanced");
  // Unit effects up to ~1e8 on a within-noise of order 1: one-pass centring would cancel ~16 digits.
  await wh.query({
    label: "setup",
    sql: `CREATE TABLE clustered AS SELECT *, hash(unit) % 10 AS region FROM balanced`,
  });
  await wh.query({
    label: "setup",
    sql: `CREATE TABLE huge AS SELECT unit, t, treated, post, x1, y + 1e6 * (hash(unit) % 97) AS y FROM balanced`,
  });
});
afterAll(async () => wh.close());

async function fitBoth(
  table: string,
  design: (covs: string[]) => Design,
  se: SeType,
  covariates: string[] = [],
  cluster?: string,
) {
  const params = parseDidParams({
    source: {
      kind: "table",
      table,
      outcome: "y",
      unit: "unit",
      time: "t",
      treated: "treated",
      post: "post",
      ...(cluster ? { cluster } : {}),
    },
    covariates,
  }) as TableDidParams;
  const panel = tablePanel(params, wh.dialect);
  const described = summarizeDescribe((await wh.query(describeQuery(panel, wh.dialect))).rows);
  const labels: string[] = [];
  const run = (q: Parameters<TestWarehouse["query"]>[0]) => {
    labels.push(q.label);
    return wh.query(q);
  };
  const base: QueryContext = {
    dialect: wh.dialect,
    panelCtes: panel.ctes,
    params: panel.params,
    clusterIsUnit: panel.clusterIsUnit,
  };
  const d = design(panel.covariates);
  const fast = await fitRegression(run, { ...base, fastWithin: true, described }, d, { se, alpha: 0.05 });
  const fastLabels = [...labels];
  labels.length = 0;
  const slow = await fitRegression(run, base, d, { se, alpha: 0.05 });
  return { fast, slow, fastLabels, slowLabels: [...labels] };
}

function expectSame(a: RegressionResult, b: RegressionResult, rel = 1e-9): void {
  expect(a.n).toBe(b.n);
  expect(a.k).toBe(b.k);
  expect(a.nClusters).toBe(b.nClusters);
  expect(a.fixedEffects).toBe(b.fixedEffects);
  const close = (x: number, y: number, what: string) =>
    expect(Math.abs(x - y), `${what}: ${x} vs ${y}`).toBeLessThanOrEqual(rel * Math.max(Math.abs(y), 1e-300));
  a.beta.forEach((v, j) => close(v, b.beta[j], `beta ${j}`));
  a.covariance.vcov.forEach((row, j) =>
    row.forEach((v, l) => close(v, b.covariance.vcov[j][l], `vcov ${j},${l}`)),
  );
  // The 2×2 CR1 cell pass skips the SSR (CR1 does not use it); every other path has it.
  if (a.ssr !== null && b.ssr !== null) close(a.ssr as number, b.ssr as number, "ssr");
}

describe("DID fast paths match the general SQL", () => {
  for (const se of ["cr1", "hc1", "classical"] as const) {
    it(`2x2 from cells, se ${se}`, async () => {
      const r = await fitBoth("balanced", twoByTwoDesign, se);
      expectSame(r.fast, r.slow);
      expect(r.fastLabels).not.toContain("did_cross_products");
      expect(r.slowLabels).toContain("did_cross_products");
      // CR1: the two-sum cell pass replaces the general meat pass.
      if (se === "cr1") expect(r.fastLabels).toEqual(["did_cell_scores"]);
    });
    it(`balanced TWFE in one grouped pass, se ${se}`, async () => {
      const r = await fitBoth("balanced", twfeDesign, se, ["x1"]);
      expectSame(r.fast, r.slow);
      expect(r.fast.fixedEffects).toBe("twoway_balanced");
      expect(r.fastLabels[0]).toBe("did_within_moments");
      expect(r.fastLabels).not.toContain("did_design_shape");
      // cr1 by unit and classical need no second pass; hc1 does.
      if (se === "hc1") expect(r.fastLabels).toContain("did_meat");
      else expect(r.fastLabels).toEqual(["did_within_moments"]);
    });
  }

  it("balanced TWFE clustered on a coarser column: one-pass cross-products, exact meat pass", async () => {
    const r = await fitBoth("clustered", twfeDesign, "cr1", [], "region");
    expect(r.fastLabels).toEqual(["did_within_moments", "did_meat"]);
    expect(r.fast.nClusters).toBe(10);
    expectSame(r.fast, r.slow);
  });

  it("falls back to the exact row-level pass when centring would cancel too much", async () => {
    const r = await fitBoth("huge", twfeDesign, "cr1");
    expect(r.fastLabels).toEqual(["did_within_moments", "did_cross_products", "did_meat"]);
    expect(r.fast.fixedEffects).toBe("twoway_balanced");
    expectSame(r.fast, r.slow, 1e-12);
  });
});
