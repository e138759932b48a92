import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDidOnWarehouse } from "../../../../src/models/did";
import {
  expectClose,
  expectMatchesReference,
  loadFixture,
  memoryWarehouse,
  refCase,
  reference,
  type TestWarehouse,
} from "./helpers";

/**
 * The model through the `source: table` route on DuckDB, against statsmodels 0.13.5
 * (scripts/reference/did_reference.py → test/fixtures/did/reference.json).
 */
let wh: TestWarehouse;
beforeAll(async () => {
  wh = await memoryWarehouse();
  await loadFixture(wh, "panel_balanced.csv", "balanced");
});
afterAll(async () => wh.close());

const balanced2x2 = {
  kind: "table",
  table: "balanced",
  outcome: "y",
  treated: "treated",
  post: "post",
  unit: "unit",
} as const;
const balancedPanel = { ...balanced2x2, time: "t" } as const;

describe("did on a balanced panel (table source)", () => {
  for (const se of ["cr1", "hc1", "classical"] as const) {
    it(`2x2, se ${se}, matches statsmodels`, async () => {
      const out = await runDidOnWarehouse(wh, { source: balanced2x2, design: "2x2", se });
      expectMatchesReference(out.estimates, refCase(`balanced_2x2_${se}`), `2x2 ${se}`);
      expect(out.n_obs).toBe(refCase(`balanced_2x2_${se}`).n_obs);
    });
    it(`2x2 with a covariate, se ${se}, matches statsmodels`, async () => {
      const out = await runDidOnWarehouse(wh, { source: balanced2x2, design: "2x2", se, covariates: ["x1"] });
      expectMatchesReference(out.estimates, refCase(`balanced_2x2_cov_${se}`), `2x2 cov ${se}`);
    });
    it(`TWFE, se ${se}, matches statsmodels with unit and time dummies`, async () => {
      const out = await runDidOnWarehouse(wh, { source: balancedPanel, se });
      const ref = refCase(`balanced_twfe_${se}`);
      expectMatchesReference(out.estimates, ref, `twfe ${se}`);
      expect(out.diagnostics.k).toBe(ref.k);
      expect(out.diagnostics.df_resid).toBe(ref.df_resid);
      expect(out.diagnostics.balanced).toBe(true);
    });
    it(`TWFE with a covariate, se ${se}, matches statsmodels`, async () => {
      const out = await runDidOnWarehouse(wh, { source: balancedPanel, se, covariates: ["x1"] });
      expectMatchesReference(out.estimates, refCase(`balanced_twfe_cov_${se}`), `twfe cov ${se}`);
    });
  }

  it("defaults to TWFE with CR1 by unit and names the convention", async () => {
    const out = await runDidOnWarehouse(wh, { source: balancedPanel });
    expectMatchesReference(out.estimates, refCase("balanced_twfe_cr1"), "default");
    const se = out.diagnostics.se as Record<string, unknown>;
    expect(se.type).toBe("cr1");
    expect(se.small_sample_factor).toBe("G/(G-1) * (N-1)/(N-K)");
    expect(se.df).toBe(39);
    expect(se.df_rule).toBe("G-1");
    expect(se.cluster).toBe("unit");
    expect(out.diagnostics.design).toBe("twfe");
  });

  it("reports cell means and the parallel-trends series", async () => {
    const out = await runDidOnWarehouse(wh, { source: balancedPanel });
    const cells = reference.cases.balanced_cell_means as {
      treated: number;
      post: number;
      mean: number;
      n: number;
    }[];
    const got = out.diagnostics.cell_means as { group: string; period: string; mean: number; n: number }[];
    for (const c of cells) {
      const g = got.find(
        (x) => x.group === (c.treated ? "treated" : "control") && x.period === (c.post ? "post" : "pre"),
      );
      expectClose(g?.mean, c.mean, 1e-12, "cell mean");
      expect(g?.n).toBe(c.n);
    }
    const trends = reference.cases.balanced_trends as { treated: number; t: number; mean: number }[];
    const series = out.diagnostics.parallel_trends as {
      t: number;
      treated_mean: number;
      control_mean: number;
    }[];
    expect(series.map((s) => s.t)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (const tr of trends) {
      const s = series.find((x) => x.t === tr.t);
      expectClose(tr.treated ? s?.treated_mean : s?.control_mean, tr.mean, 1e-12, "trend mean");
    }
    // With a balanced panel and common timing the TWFE att equals the DID of the cell means.
    expectClose(out.diagnostics.did_from_cell_means, out.estimates[0].estimate, 1e-9, "cell-mean DID");
  });
});
