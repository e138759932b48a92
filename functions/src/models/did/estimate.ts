/**
 * The `did` model's run: check the panel, describe it, estimate the main DID term (`att`) and,
 * if asked, the event study with its joint pre-trend test.
 */
import type { Estimate } from "../../contracts/result";
import { waldTest, type SeType, type WaldTest } from "../../stats";
import { ModelFailure, type ModelContext, type ModelOutput } from "../model";
import { eventStudyDesign, twfeDesign, twoByTwoDesign, type Design } from "./design";
import {
  cellMeansFromCells,
  describeQuery,
  summarizeDescribe,
  treatedUnitsQuery,
  trendsFromCells,
} from "./diagnostics";
import { eventsPanel, tablePanel, type PanelSql } from "./panel";
import { onePassApplies, runOnePass } from "./one-pass-two-by-two";
import { isTableParams, type DidParams } from "./params";
import { fitRegression, num, type RegressionResult, type RunQuery } from "./regression";
import type { QueryContext } from "./sql";

/** Below this many clusters CR1 tends to over-reject (Cameron & Miller 2015, §VI). */
export const FEW_CLUSTERS = 30;

export const K_CONVENTION =
  "K counts every parameter of the equivalent dummy-variable regression: with fixed effects " +
  "K = slopes + U + T - 1 (intercept, U-1 unit and T-1 time dummies), as statsmodels OLS with " +
  "C(unit) + C(time) does. Stata reghdfe / xtreg,fe with vce(cluster unit) drop the unit effects " +
  "nested in the clusters from K; R plm's 'sss' counts only the slopes.";

export const REFERENCE =
  "statsmodels 0.13.5: smf.ols(y ~ terms [+ C(unit) + C(time)]).fit(cov_type='cluster', " +
  "cov_kwds={'groups': unit}, use_t=True) | fit(cov_type='HC1', use_t=True) | fit()";

export async function runDid(ctx: ModelContext<DidParams>): Promise<ModelOutput> {
  const p = ctx.params;
  const dialect = ctx.warehouse.dialect;
  const warnings: string[] = [];
  const run: RunQuery = (q) => ctx.query(q);
  let warehouseMs = 0;
  const timed = async (q: Parameters<RunQuery>[0]) => {
    const t0 = performance.now();
    const res = await run(q);
    warehouseMs += performance.now() - t0;
    return res.rows;
  };

  let panel: PanelSql = isTableParams(p) ? tablePanel(p, dialect) : eventsPanel(p, dialect, ctx.workspaceId);
  const designKind = p.design ?? (panel.hasUnit && panel.hasTime ? "twfe" : "2x2");
  let se: SeType;
  if (p.se) {
    se = p.se;
    if (se === "cr1" && !panel.hasCluster) {
      throw new ModelFailure("invalid_params", "se cr1 needs a cluster: give source.unit or source.cluster");
    }
  } else if (panel.hasCluster) {
    se = "cr1";
  } else {
    se = "hc1";
    warnings.push(
      "No unit or cluster column: standard errors are HC1 (heteroskedasticity-robust), not clustered.",
    );
  }

  await ctx.stage("checking the panel", 0.1);
  // A clean 2×2 table panel is described and scored in one scan (one-pass-two-by-two.ts); otherwise
  // one scan describes the panel: its shape, the cell means, the trends and the 2×2 cross-products.
  const onePass =
    isTableParams(p) && onePassApplies(p, { designKind, se, warehouseKind: ctx.warehouse.kind })
      ? await runOnePass(timed, p, dialect)
      : null;
  const described = onePass?.described ?? summarizeDescribe(await timed(describeQuery(panel, dialect)));
  const s = described.shape;
  const n = s.n ?? 0;
  const missingOutcome = s.n_missing_outcome ?? 0;
  const missingOther = (s.n_raw ?? 0) - n - missingOutcome;
  if (missingOutcome > 0) warnings.push(`Dropped ${missingOutcome} row(s) with a missing outcome.`);
  if (missingOther > 0)
    warnings.push(
      `Dropped ${missingOther} row(s) with a missing unit, time, treatment, cluster or covariate value.`,
    );
  if (n === 0)
    throw new ModelFailure(
      "insufficient_data",
      "no rows to analyse (after dropping rows with missing values)",
    );
  if ((s.n_bad_treated ?? 0) > 0 || (panel.timing === "common" && (s.n_bad_post ?? 0) > 0)) {
    throw new ModelFailure("invalid_params", "the treated and post columns must be 0 or 1");
  }
  if ((s.n_treated_rows ?? 0) === 0)
    throw new ModelFailure("insufficient_data", "no treated units in the data");
  if ((s.n_control_rows ?? 0) === 0) {
    if (panel.timing === "common")
      throw new ModelFailure("insufficient_data", "no control (untreated) units in the data");
    warnings.push(
      "No never-treated units: the effect is identified only from differences in adoption timing.",
    );
  }
  if (panel.hasTime && (s.n_periods ?? 0) < 2) {
    throw new ModelFailure(
      "insufficient_data",
      `only ${s.n_periods} period in the data; DID needs at least two`,
    );
  }
  if ((s.n_pre ?? 0) === 0 && panel.timing === "common") {
    throw new ModelFailure("insufficient_data", "no pre-treatment observations");
  }
  if ((s.n_post ?? 0) === 0 || (s.n_treated_post ?? 0) === 0) {
    throw new ModelFailure("insufficient_data", "no treated observations in the post period");
  }
  // The one-pass 2×2 leaves y_min/y_max null: it runs only when the outcome varies.
  if (s.y_min !== null && s.y_min === s.y_max) {
    throw new ModelFailure("insufficient_data", `the outcome does not vary (every value is ${s.y_min})`);
  }
  if (panel.requestedTreatedUnits) {
    const found = new Set((await timed(treatedUnitsQuery(panel))).map((r) => String(r.u)));
    const missing = panel.requestedTreatedUnits.filter((u) => !found.has(u));
    if (missing.length > 0) {
      const shown = missing.slice(0, 10).join(", ") + (missing.length > 10 ? ", …" : "");
      warnings.push(
        `${missing.length} treated unit(s) have no events in the window and are left out: ${shown}.`,
      );
    }
  }
  if (panel.timing === "staggered" && designKind === "twfe") {
    warnings.push(
      "Staggered adoption: the TWFE att is a weighted average of 2x2 comparisons that can put negative weight " +
        "on some effects when effects change over time (Goodman-Bacon 2021); read it with the event study.",
    );
  }
  if (se === "hc1" && designKind === "twfe") {
    warnings.push(
      "HC1 with unit fixed effects is inconsistent in short panels (Stock & Watson 2008); prefer cr1.",
    );
  }

  // Event studies on a table with treated/post columns need the common adoption period.
  if (p.event_study && isTableParams(p) && panel.timing === "common") {
    const first = s.first_post_t;
    const last = s.last_pre_t;
    if (first === null || (last !== null && last >= first)) {
      throw new ModelFailure(
        "invalid_params",
        "an event study needs first_treated, or a post column that switches on at one common period",
      );
    }
    panel = tablePanel(p, dialect, { commonAdoption: first });
  }
  await ctx.checkCancelled();

  await ctx.stage("describing the panel", 0.3);
  const diagnostics: Record<string, unknown> = {};
  if (panel.timing === "common") {
    const cells = cellMeansFromCells(described.cells);
    const cell = (tr: number, post: number) => cells.find((r) => num(r.tr) === tr && num(r.post) === post);
    const labels: [number, number, string, string][] = [
      [1, 0, "treated", "pre"],
      [1, 1, "treated", "post"],
      [0, 0, "control", "pre"],
      [0, 1, "control", "post"],
    ];
    const means = labels.map(([tr, post, group, period]) => {
      const c = cell(tr, post);
      return { group, period, mean: c ? num(c.mean) : null, n: c ? num(c.n) : 0 };
    });
    const empty = means.filter((m) => m.n === 0);
    if (empty.length > 0 && designKind === "2x2") {
      throw new ModelFailure(
        "insufficient_data",
        `no observations for ${empty.map((m) => `${m.group} units in the ${m.period} period`).join(" and ")}`,
      );
    }
    diagnostics.cell_means = means;
    if (empty.length === 0) {
      const [t0, t1, c0, c1] = means.map((m) => m.mean as number);
      diagnostics.did_from_cell_means = t1 - t0 - (c1 - c0);
    }
  }
  if (panel.hasTime) {
    const rows = trendsFromCells(described.cells);
    const byT = new Map<
      number,
      {
        period: string | number;
        t: number;
        treated_mean: number | null;
        control_mean: number | null;
        treated_n: number;
        control_n: number;
      }
    >();
    for (const r of rows) {
      const t = num(r.t);
      const entry = byT.get(t) ?? {
        period: panel.label(t),
        t,
        treated_mean: null,
        control_mean: null,
        treated_n: 0,
        control_n: 0,
      };
      if (num(r.tr) === 1) {
        entry.treated_mean = num(r.mean);
        entry.treated_n = num(r.n);
      } else {
        entry.control_mean = num(r.mean);
        entry.control_n = num(r.n);
      }
      byT.set(t, entry);
    }
    diagnostics.parallel_trends = [...byT.values()].sort((a, b) => a.t - b.t);
  }
  await ctx.checkCancelled();

  await ctx.stage("estimating", 0.5);
  const qctx: QueryContext = {
    dialect,
    panelCtes: panel.ctes,
    params: panel.params,
    clusterIsUnit: panel.clusterIsUnit,
    fastWithin: ctx.warehouse.kind === "duckdb",
    described,
    ...(onePass ? { cellScores: onePass.scores } : {}),
  };
  const mainDesign: Design =
    designKind === "2x2" ? twoByTwoDesign(panel.covariates) : twfeDesign(panel.covariates);
  const main = await fitRegression(run, qctx, mainDesign, { se, alpha: p.alpha });
  const estimates: Estimate[] = reported(main);
  if (main.nClusters !== null && main.nClusters < FEW_CLUSTERS) {
    warnings.push(
      `Only ${main.nClusters} clusters: CR1 standard errors can be too small with fewer than ~${FEW_CLUSTERS} clusters ` +
        "(Cameron & Miller 2015); consider a wild cluster bootstrap.",
    );
  }
  let computeMs = main.timing.computeMs;
  warehouseMs += main.timing.warehouseMs;

  let eventStudy: Record<string, unknown> | undefined;
  if (p.event_study) {
    await ctx.checkCancelled();
    await ctx.stage("estimating the event study", 0.75);
    const design = eventStudyDesign(p.event_study, panel.covariates);
    const es = await fitRegression(run, qctx, design, { se, alpha: p.alpha });
    computeMs += es.timing.computeMs;
    warehouseMs += es.timing.warehouseMs;
    estimates.push(
      ...reported(es)
        .filter((e) => /^(lead|lag)_/.test(e.term))
        .map((e) => ({
          ...e,
          relative_period: e.term.startsWith("lead_") ? -Number(e.term.slice(5)) : Number(e.term.slice(4)),
        })),
    );
    let pretrend: (WaldTest & { null_hypothesis: string; form: string }) | null = null;
    if (design.leadTerms.length > 0) {
      const idx = design.leadTerms.map((t) => es.names.indexOf(t));
      pretrend = {
        null_hypothesis: `${design.leadTerms.join(" = ")} = 0`,
        form:
          "Wald test with the model covariance: chi2 = b'V^-1 b ~ chi2(q); F = chi2/q ~ F(q, df) with df = " +
          `${es.covariance.dfRule}; the F form is the primary one (statsmodels wald_test(use_f=True))`,
        ...waldTest(es.beta, es.covariance.vcov, idx, es.covariance.df),
      };
      if (![pretrend.chi2_stat, pretrend.f_p_value, pretrend.chi2_p_value].every(Number.isFinite)) {
        throw new ModelFailure("numerical_error", "the pre-trend Wald statistic is not finite");
      }
    }
    eventStudy = {
      reference_period: -1,
      leads: p.event_study.leads,
      lags: p.event_study.lags,
      endpoints: p.event_study.endpoints,
      ...sampleDiagnostics(es),
      pretrend_test: pretrend,
    };
  }

  const out: Record<string, unknown> = {
    design: designKind,
    timing: panel.timing,
    ...sampleDiagnostics(main),
    se: seDiagnostics(main, panel.clusterName),
    reference: REFERENCE,
    dropped_rows: { missing_outcome: missingOutcome, missing_other: missingOther },
    ...diagnostics,
    ...(eventStudy ? { event_study: eventStudy } : {}),
    timing_ms: { warehouse: round(warehouseMs), compute: round(computeMs) },
  };
  if (designKind === "2x2") {
    out.two_by_two = Object.fromEntries(
      main.table
        .filter((r) => r.term.startsWith("_"))
        .map((r) => [r.term.slice(1) === "cons" ? "intercept" : r.term.slice(1), r.estimate]),
    );
  }
  return { estimates, diagnostics: out, n_obs: main.n, warnings };
}

function reported(r: RegressionResult): Estimate[] {
  return r.table
    .filter((row) => r.design.regressors.find((x) => x.name === row.term)?.report)
    .map((row) => ({ ...row }));
}

function sampleDiagnostics(r: RegressionResult): Record<string, unknown> {
  return {
    n_obs: r.n,
    n_units: r.nUnits,
    n_periods: r.nPeriods,
    n_clusters: r.nClusters,
    k: r.k,
    df_resid: r.n - r.k,
    fixed_effects:
      r.fixedEffects === "none"
        ? { method: "none" }
        : r.fixedEffects === "twoway_balanced"
          ? {
              method: "two-way within transformation y - mean_i - mean_t + mean (balanced panel)",
              absorbed: (r.nUnits ?? 0) + (r.nPeriods ?? 0) - 1,
            }
          : {
              method:
                "unit within transformation + time effects partialled out exactly (Frisch-Waugh-Lovell) (unbalanced panel)",
              absorbed: (r.nUnits ?? 0) + (r.nPeriods ?? 0) - 1,
            },
    balanced:
      r.fixedEffects === "twoway_balanced" ? true : r.fixedEffects === "twoway_unbalanced" ? false : null,
  };
}

function seDiagnostics(r: RegressionResult, cluster: string | null): Record<string, unknown> {
  const c = r.covariance;
  return {
    type: c.type,
    small_sample_factor: c.factorFormula,
    factor: c.factor,
    df: c.df,
    df_rule: c.dfRule,
    distribution: "t",
    ...(c.type === "cr1" ? { cluster, n_clusters: r.nClusters } : {}),
    k: r.k,
    k_convention: K_CONVENTION,
  };
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
