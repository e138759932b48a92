import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDidOnWarehouse } from "../../../../src/models/did";
import {
  expectClose,
  expectMatchesReference,
  loadFixture,
  memoryWarehouse,
  reference,
  refCase,
  type TestWarehouse,
} from "./helpers";

/**
 * Unbalanced panel (20% of unit-periods absent or with a missing outcome): TWFE via unit
 * demeaning + exact FWL partialling of the time effects, against statsmodels with C(unit) + C(t).
 */
let wh: TestWarehouse;
beforeAll(async () => {
  wh = await memoryWarehouse();
  await loadFixture(wh, "panel_unbalanced.csv", "unbalanced");
});
afterAll(async () => wh.close());

const source = {
  kind: "table",
  table: "unbalanced",
  outcome: "y",
  unit: "unit",
  time: "t",
  first_treated: "first_treated",
} as const;

describe("TWFE on an unbalanced panel", () => {
  for (const se of ["cr1", "hc1", "classical"] as const) {
    it(`matches statsmodels with unit and time dummies, se ${se}`, async () => {
      const out = await runDidOnWarehouse(wh, { source, se, covariates: ["x1"] });
      const ref = refCase(`unbalanced_twfe_cov_${se}`);
      expectMatchesReference(out.estimates, ref, `unbalanced ${se}`);
      expect(out.n_obs).toBe(ref.n_obs);
      expect(out.diagnostics.k).toBe(ref.k);
      expect(out.diagnostics.balanced).toBe(false);
      expect((out.diagnostics.fixed_effects as { method: string }).method).toMatch(/Frisch-Waugh-Lovell/);
    });
  }

  it("drops rows with a missing outcome and says so", async () => {
    const out = await runDidOnWarehouse(wh, { source, covariates: ["x1"] });
    const missing = reference.cases.unbalanced_missing_outcome_rows as number;
    expect((out.diagnostics.dropped_rows as { missing_outcome: number }).missing_outcome).toBe(missing);
    expect(out.warnings).toContain(`Dropped ${missing} row(s) with a missing outcome.`);
  });

  it("event study with binned endpoints and its pre-trend test", async () => {
    const out = await runDidOnWarehouse(wh, { source, event_study: { leads: 2, lags: 3 } });
    const ref = refCase("unbalanced_event_bin_cr1");
    expectMatchesReference(out.estimates, ref, "unbalanced event");
    const w = (
      out.diagnostics.event_study as {
        pretrend_test: { f_stat: number; f_p_value: number; chi2_p_value: number };
      }
    ).pretrend_test;
    expectClose(w.f_stat, ref.pretrend!.f_stat, 1e-6, "F");
    expectClose(w.f_p_value, ref.pretrend!.f_p_value, 1e-6, "F p");
    expectClose(w.chi2_p_value, ref.pretrend!.chi2_p_value, 1e-6, "chi2 p");
  });
});

describe("the time Gram matrix of the FWL path", () => {
  it("wide (pivot per unit) and self-join queries give statsmodels' numbers", async () => {
    const { fitRegression } = await import("../../../../src/models/did/regression");
    const { twfeDesign } = await import("../../../../src/models/did/design");
    const { tablePanel } = await import("../../../../src/models/did/panel");
    const { parseDidParams } = await import("../../../../src/models/did/run");
    const params = parseDidParams({ source, covariates: ["x1"] });
    const panel = tablePanel(params as Parameters<typeof tablePanel>[0], wh.dialect);
    const ctx = { dialect: wh.dialect, panelCtes: panel.ctes, params: panel.params };
    const ref = refCase("unbalanced_twfe_cov_cr1");
    for (const wideGramMaxPeriods of [0, 64]) {
      const r = await fitRegression((q) => wh.query(q), ctx, twfeDesign(["x1"]), {
        se: "cr1",
        alpha: 0.05,
        wideGramMaxPeriods,
      });
      expect(r.fixedEffects).toBe("twoway_unbalanced");
      expectClose(r.table[0].estimate, ref.terms.att.estimate, 1e-6, `att (wide max ${wideGramMaxPeriods})`);
      expectClose(
        r.table[0].std_error,
        ref.terms.att.std_error,
        1e-6,
        `att se (wide max ${wideGramMaxPeriods})`,
      );
      expectClose(
        r.table[1].std_error,
        ref.terms.x1.std_error,
        1e-6,
        `x1 se (wide max ${wideGramMaxPeriods})`,
      );
    }
  });
});
