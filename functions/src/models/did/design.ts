/**
 * Regression designs over the canonical panel columns (see panel.ts): which regressors, as SQL
 * expressions, and whether unit and time fixed effects are swept out.
 */
import type { EventStudyParams } from "./params";

export interface Regressor {
  /** Term name in the result (att, lead_2, lag_0, a covariate name) or an internal name (_cons…). */
  name: string;
  expr: string;
  /** Reported as an estimate (internal terms such as the intercept are not). */
  report: boolean;
}

export interface Design {
  kind: "2x2" | "twfe" | "event_study";
  regressors: Regressor[];
  /** Unit and time fixed effects, absorbed by the within transformation. */
  fixedEffects: boolean;
  /** Rows of the panel that enter this regression (event-study trimming). */
  filter?: string;
  /** Terms tested jointly for pre-trends. */
  leadTerms: string[];
}

function covariateRegressors(names: string[]): Regressor[] {
  return names.map((name, i) => ({ name, expr: `c_${i}`, report: true }));
}

/** y = b0 + b1·treated + b2·post + att·treated·post (+ γ'x) + e. */
export function twoByTwoDesign(covariates: string[]): Design {
  return {
    kind: "2x2",
    regressors: [
      { name: "_cons", expr: "1.0", report: false },
      { name: "_treated", expr: "tr", report: false },
      { name: "_post", expr: "post", report: false },
      { name: "att", expr: "tr * post", report: true },
      ...covariateRegressors(covariates),
    ],
    fixedEffects: false,
    leadTerms: [],
  };
}

/** y_it = α_i + λ_t + att·D_it (+ γ'x_it) + e_it. */
export function twfeDesign(covariates: string[]): Design {
  return {
    kind: "twfe",
    regressors: [{ name: "att", expr: "d", report: true }, ...covariateRegressors(covariates)],
    fixedEffects: true,
    leadTerms: [],
  };
}

/**
 * y_it = α_i + λ_t + Σ_{k≠−1} β_k·1[t − ft_i = k] (+ γ'x_it) + e_it, relative time k in
 * [−leads, lags], period −1 the reference. Never-treated units have every dummy 0.
 * "bin" folds k < −leads into lead_<leads> and k > lags into lag_<lags>; "trim" drops treated
 * observations outside the window instead.
 */
export function eventStudyDesign(es: EventStudyParams, covariates: string[]): Design {
  const rel = "(t - ft)";
  const dummy = (cond: string) => `CASE WHEN ft IS NOT NULL AND ${cond} THEN 1.0 ELSE 0.0 END`;
  const bin = es.endpoints === "bin";
  const regressors: Regressor[] = [];
  const leadTerms: string[] = [];
  for (let k = es.leads; k >= 2; k--) {
    const name = `lead_${k}`;
    regressors.push({
      name,
      expr: dummy(bin && k === es.leads ? `${rel} <= ${-k}` : `${rel} = ${-k}`),
      report: true,
    });
    leadTerms.push(name);
  }
  for (let k = 0; k <= es.lags; k++) {
    regressors.push({
      name: `lag_${k}`,
      expr: dummy(bin && k === es.lags ? `${rel} >= ${k}` : `${rel} = ${k}`),
      report: true,
    });
  }
  regressors.push(...covariateRegressors(covariates));
  return {
    kind: "event_study",
    regressors,
    fixedEffects: true,
    filter: bin ? undefined : `(ft IS NULL OR (${rel} >= ${-es.leads} AND ${rel} <= ${es.lags}))`,
    leadTerms,
  };
}
