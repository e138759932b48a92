import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDidOnWarehouse } from "../../../../src/models/did";
import {
  expectClose,
  expectMatchesReference,
  loadFixture,
  memoryWarehouse,
  refCase,
  type EstimateLike,
  type RefCase,
  type TestWarehouse,
} from "./helpers";

/**
 * Staggered TWFE and event studies (leads/lags, reference −1, binned or trimmed endpoints) with
 * the joint pre-trend Wald test, against statsmodels' OLS with unit and time dummies and its
 * wald_test(use_f=True / False) on the same covariance.
 */
let wh: TestWarehouse;
beforeAll(async () => {
  wh = await memoryWarehouse();
  await loadFixture(wh, "panel_staggered.csv", "staggered");
  await loadFixture(wh, "panel_balanced.csv", "balanced");
});
afterAll(async () => wh.close());

const staggered = {
  kind: "table",
  table: "staggered",
  outcome: "y",
  unit: "unit",
  time: "t",
  first_treated: "first_treated",
} as const;

interface Pretrend {
  q: number;
  f_stat: number;
  f_df_num: number;
  f_df_denom: number;
  f_p_value: number;
  chi2_stat: number;
  chi2_df: number;
  chi2_p_value: number;
}

function expectPretrend(out: { diagnostics: Record<string, unknown> }, ref: RefCase, label: string): void {
  const es = out.diagnostics.event_study as { pretrend_test: Pretrend };
  const w = es.pretrend_test;
  const r = ref.pretrend!;
  expect(w.q).toBe(r.q);
  expect(w.f_df_num).toBe(r.f_df_num);
  expect(w.f_df_denom).toBe(r.f_df_denom);
  expect(w.chi2_df).toBe(r.chi2_df);
  expectClose(w.f_stat, r.f_stat, 1e-6, `${label} F`);
  expectClose(w.f_p_value, r.f_p_value, 1e-6, `${label} F p`);
  expectClose(w.chi2_stat, r.chi2_stat, 1e-6, `${label} chi2`);
  expectClose(w.chi2_p_value, r.chi2_p_value, 1e-6, `${label} chi2 p`);
}

describe("staggered adoption", () => {
  for (const se of ["cr1", "hc1", "classical"] as const) {
    it(`TWFE att, se ${se}`, async () => {
      const out = await runDidOnWarehouse(wh, { source: staggered, se });
      expectMatchesReference(out.estimates, refCase(`staggered_twfe_${se}`), `staggered ${se}`);
      expect(out.diagnostics.timing).toBe("staggered");
      expect(out.warnings.join(" ")).toMatch(/Goodman-Bacon/);
    });
  }

  for (const endpoints of ["bin", "trim"] as const) {
    for (const se of ["cr1", "hc1", "classical"] as const) {
      it(`event study (${endpoints}ned endpoints), se ${se}: coefficients and pre-trend Wald`, async () => {
        const out = await runDidOnWarehouse(wh, {
          source: staggered,
          se,
          event_study: { leads: 3, lags: 3, endpoints },
        });
        const ref = refCase(`staggered_event_${endpoints}_${se}`);
        const terms = out.estimates.filter((e) => e.term !== "att") as EstimateLike[];
        expect(terms.map((e) => e.term)).toEqual(["lead_3", "lead_2", "lag_0", "lag_1", "lag_2", "lag_3"]);
        expect(terms.map((e) => e.relative_period)).toEqual([-3, -2, 0, 1, 2, 3]);
        expectMatchesReference(out.estimates, ref, `event ${endpoints} ${se}`);
        expectPretrend(out, ref, `event ${endpoints} ${se}`);
        const es = out.diagnostics.event_study as { n_obs: number; k: number; balanced: boolean };
        expect(es.n_obs).toBe(ref.n_obs);
        expect(es.k).toBe(ref.k);
        // Trimming drops treated rows outside the window: the panel becomes unbalanced.
        expect(es.balanced).toBe(endpoints === "bin");
      });
    }
  }
});

describe("common-timing event study from treated/post columns", () => {
  it("derives the adoption period from the post column", async () => {
    const out = await runDidOnWarehouse(wh, {
      source: {
        kind: "table",
        table: "balanced",
        outcome: "y",
        treated: "treated",
        post: "post",
        unit: "unit",
        time: "t",
      },
      event_study: { leads: 3, lags: 2 },
    });
    const ref = refCase("balanced_event_common_cr1");
    expectMatchesReference(out.estimates, ref, "common event");
    expectPretrend(out, ref, "common event");
    // The static att is still there, from the TWFE regression.
    expectMatchesReference(out.estimates, refCase("balanced_twfe_cr1"), "common att");
  });
});
