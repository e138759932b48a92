import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Design } from "../../../../src/models/did/design";
import { fitRegression, type RegressionResult } from "../../../../src/models/did/regression";
import type { FixedEffectsMethod } from "../../../../src/models/did/sql";
import { expectClose, FIXTURES, loadFixture, memoryWarehouse, refCase, type TestWarehouse } from "./helpers";

/**
 * A public data set with published results: Grunfeld's investment data (plm::Grunfeld, 10 firms ×
 * 20 years). Two-way within regression inv ~ value + capital through the warehouse engine.
 *  - published: Baltagi, Econometric Analysis of Panel Data, Table 3.1 (two-way within)
 *    value 0.118 (0.014), capital 0.358 (0.023);
 *  - R plm 2.6.2 (scripts/reference/grunfeld_plm.R): estimates, classical SEs, and the clustered
 *    sandwich without small-sample factor (vcovHC type "HC0", cluster = "group");
 *  - statsmodels 0.13.5 with C(firm) + C(year) dummies (did_reference.py): cr1, hc1, classical.
 */
const plm = JSON.parse(readFileSync(join(FIXTURES, "grunfeld_plm.json"), "utf8")) as {
  estimate: number[];
  std_error_classical: number[];
  df_residual: number;
  vcov_cluster_hc0: number[][];
  vcov_cluster_sss: number[][];
};

let wh: TestWarehouse;
beforeAll(async () => {
  wh = await memoryWarehouse();
  await loadFixture(wh, "grunfeld.csv", "grunfeld");
});
afterAll(async () => wh.close());

const panelCtes =
  `raw AS (SELECT CAST(firm AS STRING) AS u, CAST(firm AS STRING) AS g, CAST(year AS DOUBLE) AS t, ` +
  `CAST(inv AS DOUBLE) AS y, CAST(value AS DOUBLE) AS c_0, CAST(capital AS DOUBLE) AS c_1 FROM grunfeld),\n` +
  `panel AS (SELECT * FROM raw)`;

const design: Design = {
  kind: "twfe",
  regressors: [
    { name: "value", expr: "c_0", report: true },
    { name: "capital", expr: "c_1", report: true },
  ],
  fixedEffects: true,
  leadTerms: [],
};

async function fit(se: "cr1" | "hc1" | "classical", force?: FixedEffectsMethod): Promise<RegressionResult> {
  return fitRegression((q) => wh.query(q), { dialect: wh.dialect, panelCtes, params: {} }, design, {
    se,
    alpha: 0.05,
    ...(force ? { forceFixedEffects: force } : {}),
  });
}

describe("Grunfeld two-way fixed effects", () => {
  it("reproduces the published Baltagi Table 3.1 figures (3 decimals)", async () => {
    const r = await fit("classical");
    expect(r.beta[0]).toBeCloseTo(0.118, 3);
    expect(r.beta[1]).toBeCloseTo(0.358, 3);
    expect(r.table[0].std_error).toBeCloseTo(0.014, 3);
    expect(r.table[1].std_error).toBeCloseTo(0.023, 3);
  });

  it("matches R plm: estimates, classical SEs and residual df", async () => {
    const r = await fit("classical");
    expect(r.fixedEffects).toBe("twoway_balanced");
    expect(r.n - r.k).toBe(plm.df_residual);
    r.beta.forEach((b, j) => expectClose(b, plm.estimate[j], 1e-9, `plm estimate ${j}`));
    r.table.forEach((row, j) => expectClose(row.std_error, plm.std_error_classical[j], 1e-9, `plm se ${j}`));
  });

  it("has the same clustered sandwich as plm; only the small-sample factor differs by convention", async () => {
    const r = await fit("cr1");
    // Remove our factor G/(G-1)(N-1)/(N-K), K = 31: the raw sandwich equals plm's HC0 cluster vcov.
    const raw = r.covariance.vcov.map((row) => row.map((v) => v / r.covariance.factor));
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 2; j++) expectClose(raw[i][j], plm.vcov_cluster_hc0[i][j], 1e-9, `hc0 ${i}${j}`);
    // plm's "sss" uses K = 2 (slopes only): G/(G-1)(N-1)/(N-2).
    const sss = (10 / 9) * (199 / 198);
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 2; j++)
        expectClose(raw[i][j] * sss, plm.vcov_cluster_sss[i][j], 1e-9, `sss ${i}${j}`);
  });

  for (const se of ["cr1", "hc1", "classical"] as const) {
    it(`matches statsmodels with firm and year dummies, se ${se}`, async () => {
      const r = await fit(se);
      const ref = refCase(`grunfeld_twfe_${se}`);
      expect(r.k).toBe(ref.k);
      expect(r.covariance.df).toBe(ref.df_inference);
      for (const row of r.table) {
        const t = ref.terms[row.term];
        expectClose(row.estimate, t.estimate, 1e-6, `${se} ${row.term} estimate`);
        expectClose(row.std_error, t.std_error, 1e-6, `${se} ${row.term} se`);
        expectClose(row.p_value, t.p_value, 1e-6, `${se} ${row.term} p`);
        expectClose(row.ci_low, t.ci_low, 1e-6, `${se} ${row.term} ci_low`);
        expectClose(row.ci_high, t.ci_high, 1e-6, `${se} ${row.term} ci_high`);
      }
    });
  }

  it("the unbalanced (FWL) method gives the balanced method's numbers on a balanced panel", async () => {
    for (const se of ["cr1", "hc1", "classical"] as const) {
      const a = await fit(se, "twoway_balanced");
      const b = await fit(se, "twoway_unbalanced");
      expect(b.fixedEffects).toBe("twoway_unbalanced");
      a.table.forEach((row, j) => {
        expectClose(b.table[j].estimate, row.estimate, 1e-9, `${se} estimate`);
        expectClose(b.table[j].std_error, row.std_error, 1e-9, `${se} se`);
      });
      expectClose(b.ssr, a.ssr as number, 1e-9, "ssr");
    }
  });
});
