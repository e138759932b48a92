/**
 * The ab model end to end (CSV → DuckDB table → SQL sufficient statistics → statistics) against
 * scipy 1.10.1 / statsmodels 0.13.5 numbers (scripts/reference/ab_reference.py) and R 4.2.2
 * (scripts/reference/ab_datasets.R) on public data (R datasets::sleep, prop.test's smokers).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DuckDbWarehouse } from "../../../../src/warehouse/duckdb";
import { AB_FIXTURES, close, expectFinite, reference, runAb, warehouseWith } from "./helpers";

const C = reference.cases;
/**
 * t p-values and quantiles come from jStat's incomplete beta, whose continued fraction stops at a
 * relative step of 3e-7 (src/stats/distributions.ts): they match scipy/R to ~1e-7 relative.
 */
const TP = 1e-6;
/** Fields that depend on a t tail or quantile. */
const TDEP = /p_value|ci_/;
let wh: DuckDbWarehouse;
beforeAll(async () => {
  wh = await warehouseWith({ units: "units.csv", sleep: "sleep.csv", smokers: "smokers.csv" });
});
afterAll(async () => wh.close());

const table = (extra: Record<string, unknown>) => ({
  kind: "table",
  table: "units",
  variant: "variant",
  ...extra,
});

describe("ab, frequentist", () => {
  it("Welch t on revenue per unit matches scipy ttest_ind(equal_var=False), relative lift by delta method", async () => {
    const r = await runAb(wh, { source: table({ outcome: "revenue" }), control: "control" });
    expectFinite(r);
    for (const arm of ["a", "b"]) {
      const e = r.estimates.find((x) => x.term === arm);
      const ref = C.welch_revenue[arm];
      for (const k of [
        "estimate",
        "std_error",
        "df",
        "p_value",
        "ci_low",
        "ci_high",
        "relative_estimate",
        "relative_ci_low",
        "relative_ci_high",
      ]) {
        close(e?.[k], ref[k], TDEP.test(k) ? TP : 1e-9, `${arm}.${k}`);
      }
    }
    // Holm across the two arms (statsmodels multipletests)
    r.estimates.forEach((e, i) => close(e.adjusted_p_value, C.corrections_revenue.holm[i], TP, "holm"));
    const srm = r.diagnostics.srm as { p_value: number; flagged: boolean };
    close(srm.p_value, C.srm_equal.p_value, 1e-9, "srm");
    expect(srm.flagged).toBe(false);
  });

  it("two-proportion z matches statsmodels proportions_ztest + confint_proportions_2indep(wald)", async () => {
    const r = await runAb(wh, {
      source: table({ outcome: "converted", metric: "proportion" }),
      control: "control",
    });
    for (const arm of ["a", "b"]) {
      const e = r.estimates.find((x) => x.term === arm);
      const ref = C.proportion_converted[arm];
      for (const k of [
        "estimate",
        "p_value",
        "ci_low",
        "ci_high",
        "relative_estimate",
        "relative_ci_low",
        "relative_ci_high",
      ]) {
        close(e?.[k], ref[k], 1e-9, `${arm}.${k}`);
      }
      expect(e?.df).toBeNull();
    }
  });

  it("ratio metric (revenue per session) matches the numpy delta method", async () => {
    const r = await runAb(wh, {
      source: table({ outcome: "revenue", metric: "ratio", denominator: "sessions" }),
      control: "control",
    });
    for (const arm of ["a", "b"]) {
      const e = r.estimates.find((x) => x.term === arm);
      const ref = C.ratio_revenue_per_session[arm];
      for (const k of [
        "estimate",
        "std_error",
        "p_value",
        "ci_low",
        "ci_high",
        "relative_estimate",
        "relative_ci_low",
        "relative_ci_high",
      ]) {
        close(e?.[k], ref[k], 1e-9, `${arm}.${k}`);
      }
    }
  });

  it("CUPED: θ, variance reduction and the adjusted Welch test match numpy + scipy on y − θ(x − x̄)", async () => {
    const r = await runAb(wh, {
      source: table({ outcome: "revenue", covariate: "pre_revenue" }),
      control: "control",
    });
    const cuped = r.diagnostics.cuped as Record<string, number>;
    const ref = C.cuped_revenue;
    close(cuped.theta, ref.theta, 1e-10, "theta");
    close(cuped.fill_value, ref.fill_value, 1e-12, "fill");
    close(cuped.coverage, ref.coverage, 1e-12, "coverage");
    close(cuped.variance_reduction, ref.variance_reduction, 1e-9, "variance_reduction");
    for (const arm of ["a", "b"]) {
      const e = r.estimates.find((x) => x.term === arm);
      for (const k of [
        "estimate",
        "std_error",
        "df",
        "p_value",
        "ci_low",
        "ci_high",
        "variance_reduction",
        "relative_estimate",
        "relative_ci_low",
      ]) {
        close(e?.[k], ref.arms[arm][k], TDEP.test(k) ? TP : 1e-9, `${arm}.${k}`);
      }
    }
    const pre = r.diagnostics.pre_exposure as { p_values: Record<string, number>; flagged: string[] };
    close(pre.p_values.a, C.pre_exposure.a, TP, "pre a");
    expect(pre.flagged).toEqual([]);
  });

  it("R datasets::sleep: Welch matches R t.test(var.equal = FALSE)", async () => {
    const ref = JSON.parse(readFileSync(join(AB_FIXTURES, "sleep_r_welch.json"), "utf8"));
    const r = await runAb(wh, {
      source: { kind: "table", table: "sleep", variant: "drug", outcome: "extra" },
      control: "drug1",
    });
    const e = r.estimates[0];
    close(e.estimate, ref.estimate, 1e-12, "estimate");
    close(e.df, ref.df, 1e-10, "df");
    close(e.p_value, ref.p_value, TP, "p");
    close(e.ci_low, ref.ci_low, TP, "ci_low");
    close(e.ci_high, ref.ci_high, TP, "ci_high");
    // 10 units per arm: a small-sample warning, not a failure
    expect(
      (r.diagnostics.guardrails as { check: string; status: string }[]).find((v) => v.check === "sample_size")
        ?.status,
    ).toBe("warning");
  });

  it("R prop.test's smokers data: Benjamini–Hochberg over three arms", async () => {
    const r = await runAb(wh, {
      source: { kind: "table", table: "smokers", variant: "group", outcome: "smoker", metric: "proportion" },
      control: "g1",
      correction: "bh",
      planned_split: { g1: 86, g2: 93, g3: 136, g4: 82 },
    });
    expect(r.estimates.map((e) => e.term)).toEqual(["g2", "g3", "g4"]);
    // BH by hand from the raw p-values (statsmodels fdr_bh is checked on fixed p-values in the stats tests)
    const p = r.estimates.map((e) => e.p_value as number);
    const order = [...p].sort((a, b) => a - b);
    const m = p.length;
    const expected = p.map((v) =>
      Math.min(...order.map((q, j) => (q >= v ? Math.min(1, (m * q) / (j + 1)) : 1))),
    );
    r.estimates.forEach((e, i) => close(e.adjusted_p_value, expected[i], 1e-12, "bh"));
    close((r.diagnostics.srm as { p_value: number }).p_value, 1, 1e-12, "srm exact split");
  });

  it("winsorisation caps the metric before the statistics", async () => {
    const r = await runAb(wh, {
      source: table({ outcome: "revenue" }),
      control: "control",
      cap: { value: 40 },
    });
    expect((r.diagnostics.metric as { cap: number }).cap).toBe(40);
    const q = await runAb(wh, {
      source: table({ outcome: "revenue" }),
      control: "control",
      cap: { quantile: 0.99 },
    });
    expect((q.diagnostics.metric as { cap: number }).cap).toBeGreaterThan(40);
    expectFinite(q);
  });
});
