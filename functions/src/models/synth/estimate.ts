/**
 * The `synth` estimator end to end: fit(s), inference, and the result rows.
 *
 * Conventions (also in the model description):
 *  - gap_t = treated_t − synthetic_t; att = mean of the post-period gaps; cumulative = their
 *    sum; lift_pct = 100 · cumulative / Σ_post synthetic.
 *  - Several treated units: "aggregate" fits their average series (and average predictors);
 *    "per_unit" fits each (the other treated units never serve as donors), reports att:<unit>
 *    rows, and att for the average of the unit gaps.
 *  - Intervals and p-values come from ONE procedure, named in diagnostics.inference.method:
 *    placebo-in-space RMSPE-ratio permutation (inverted for a constant effect) or conformal
 *    inference (CWZ 2021), inverted the same way. std_error is null: neither is a Wald test.
 *  - pre-fit: pre_rmspe; l2_imbalance = ‖y1,pre − Σγ y_pre‖₂ and scaled_l2_imbalance divides it
 *    by the imbalance of uniform weights (Ben-Michael, Feller & Rothstein 2021).
 */
import type { Estimate } from "../../contracts/result";
import {
  conformalInference,
  placeboBand,
  placeboInference,
  quantile,
  type PlaceboResult,
  type ConformalResult,
} from "../../stats/synth";
import { ModelFailure, type ModelOutput } from "../model";
import type { SynthData } from "./data";
import {
  conformalResiduals,
  fitSeries,
  placeboRun,
  scalePredictors,
  type AdhData,
  type SeriesFit,
} from "./fit";
import type { SynthParams } from "./params";

const mean = (xs: ArrayLike<number>, from = 0, to = xs.length) => {
  let s = 0;
  for (let t = from; t < to; t++) s += xs[t];
  return s / Math.max(to - from, 1);
};

function averageSeries(xs: Float64Array[]): Float64Array {
  const out = new Float64Array(xs[0].length);
  for (const x of xs) for (let t = 0; t < out.length; t++) out[t] += x[t] / xs.length;
  return out;
}

const round = (x: number) => (Number.isFinite(x) ? x : null);

export function estimateSynth(data: SynthData, p: SynthParams): ModelOutput {
  const warnings = [...data.warnings];
  const { t0, labels, donors, donorY } = data;
  const T = labels.length;
  const T1 = T - t0;

  // ADH predictors: treated rows are averaged for "aggregate".
  let adh: AdhData | undefined;
  let adhPerUnit: AdhData[] | undefined;
  const predictorNames = data.predictors.map((x) => x.name);
  let keptPredictors: number[] = [];
  if (p.method === "adh") {
    const avgX = predictorNames.map((_, k) => mean(data.treatedX.map((r) => r[k])));
    const scaled = scalePredictors(predictorNames, data.donorX, avgX);
    if (scaled.dropped.length)
      warnings.push(`predictor(s) without variation across units dropped: ${scaled.dropped.join(", ")}`);
    if (scaled.kept.length === 0)
      throw new ModelFailure("insufficient_data", "no predictor varies across units");
    adh = scaled.data;
    keptPredictors = scaled.kept;
    adhPerUnit = data.treatedX.map((x) => ({
      ...scaled.data,
      x1: scaled.kept.map((k, i) => x[k] / scaled.data.scale[i]),
    }));
  }

  const perUnit = p.multiple === "per_unit" && data.treated.length > 1;
  const series = perUnit ? data.treatedY : [averageSeries(data.treatedY)];
  const fits: SeriesFit[] = series.map((y, i) =>
    fitSeries(p.method, donorY, y, t0, { adh: perUnit ? adhPerUnit?.[i] : adh, lambda: p.ridge_lambda }),
  );
  for (const f of fits) {
    if (!f.qp.converged) {
      throw new ModelFailure(
        "numerical_error",
        `the weight optimiser did not converge (KKT residual ${f.qp.kkt_residual.toExponential(2)})`,
      );
    }
    if (f.outer && !f.outer.converged)
      warnings.push(
        `the V search (Nelder–Mead) stopped at its evaluation limit (${f.outer.evaluations} evaluations); weights are the best found`,
      );
  }
  const treatedAvg = averageSeries(series);
  const synthetic = averageSeries(fits.map((f) => f.synthetic));
  const gaps = averageSeries(fits.map((f) => f.gaps));
  const weights = averageSeries(fits.map((f) => f.weights));
  const att = mean(gaps, t0, T);
  const cumulative = att * T1;
  const synthPost = mean(synthetic, t0, T) * T1;

  // Inference: one procedure for both the p-value and the interval.
  const alpha = p.alpha;
  let place:
    { overall: PlaceboResult; units: PlaceboResult[]; run: ReturnType<typeof placeboRun> } | undefined;
  let conf: { overall: ConformalResult; units: ConformalResult[]; bandHalf: number } | undefined;
  const preRmspe = Math.sqrt(
    mean(
      gaps.map((g) => g * g),
      0,
      t0,
    ),
  );
  if (p.inference === "placebo") {
    const run = placeboRun(p.method, donorY, t0, {
      adh,
      lambda: fits[0].lambda?.lambda,
      treated: series,
      treatedX: perUnit ? adhPerUnit?.map((a) => a.x1) : adh ? [adh.x1] : undefined,
    });
    const ok = run.qp.map((q) => q.converged);
    const bad = ok.filter((x) => !x).length;
    if (bad > 0) warnings.push(`${bad} placebo fit(s) did not converge and were left out`);
    const placebos = run.gaps.flatMap((g, i) =>
      ok[i] ? [{ unit: donors[i], gaps: g, treatedWeight: run.treatedWeight[i] }] : [],
    );
    if (placebos.length < Math.ceil(1 / alpha) - 1) {
      warnings.push(
        `${placebos.length} placebos: the smallest attainable p-value is 1/${placebos.length + 1} = ${(1 / (placebos.length + 1)).toFixed(3)}, so no effect can be significant at alpha ${alpha}`,
      );
    }
    place = {
      overall: placeboInference(gaps, t0, placebos, alpha),
      units: perUnit ? fits.map((f) => placeboInference(f.gaps, t0, placebos, alpha)) : [],
      run,
    };
    if (place.overall.interval === "empty")
      warnings.push(
        "the placebo test rejects every constant effect: the post-period gaps vary far more than the placebos' (effects are not constant?)",
      );
  } else {
    const resid = series.map((y) => conformalResiduals(donorY, y, t0));
    const avgResid = (tau: number) => averageSeries(resid.map((r) => r(tau)));
    // Grid scale: the residual size of the conformal estimator itself (not the main fit's,
    // which for augmented SC can be ~0), so the grid step fits the test being inverted.
    const u1 = avgResid(att);
    const rms = Math.sqrt(mean(u1.map((x) => x * x)));
    const scale = Math.max(rms, 1e-9 * Math.max(...Array.from(treatedAvg, Math.abs)));
    const overall = conformalInference(avgResid, t0, T, alpha, att, scale, p.conformal_q);
    const units = perUnit
      ? resid.map((r, i) =>
          conformalInference(r, t0, T, alpha, mean(fits[i].gaps, t0, T), scale, p.conformal_q),
        )
      : [];
    const u0 = avgResid(att);
    const absPre = Array.from(u0.subarray(0, t0), Math.abs).sort((a, b) => a - b);
    conf = { overall, units, bandHalf: quantile(absPre, 1 - alpha) };
    if (1 / T > alpha)
      warnings.push(
        `${T} periods give ${T} permutations: the smallest attainable conformal p-value is 1/${T}`,
      );
    if (overall.widenedToZero)
      warnings.push(
        "the conformal acceptance set is not an interval; the reported interval was widened to include 0 (p(0) > alpha)",
      );
  }

  const ciOf = (r: PlaceboResult | ConformalResult | undefined): [number, number] | null => r?.ci ?? null;
  const row = (
    term: string,
    est: number,
    ci: [number, number] | null,
    pv: number | null,
    f: number,
    extra: Record<string, unknown> = {},
  ): Estimate => ({
    term,
    estimate: est,
    std_error: null,
    ci_low: ci ? ci[0] * f : null,
    ci_high: ci ? ci[1] * f : null,
    p_value: pv,
    inference: p.inference,
    ...extra,
  });
  const overall = place?.overall ?? conf?.overall;
  const pv = overall ? overall.pValue : null;
  const ci = ciOf(overall);
  const estimates: Estimate[] = [
    row("att", att, ci, pv, 1, { periods: T1 }),
    row("cumulative", cumulative, ci, pv, T1),
  ];
  if (synthPost > 0)
    estimates.push(row("lift_pct", (100 * cumulative) / synthPost, ci, pv, (100 * T1) / synthPost));
  else warnings.push("the synthetic post-period total is not positive: no percent lift");
  if (perUnit) {
    fits.forEach((f, i) => {
      const r = place?.units[i] ?? conf?.units[i];
      estimates.push(
        row(`att:${data.treated[i]}`, mean(f.gaps, t0, T), ciOf(r), r ? r.pValue : null, 1, {
          unit: data.treated[i],
        }),
      );
    });
  }
  for (const e of estimates) {
    if (!Number.isFinite(e.estimate)) throw new ModelFailure("numerical_error", `${e.term} is not finite`);
  }

  // Pre-fit and imbalance.
  const l2 = Math.sqrt(Array.from(gaps.subarray(0, t0)).reduce((s, g) => s + g * g, 0));
  const uniform = averageSeries(donorY);
  const l2Uniform = Math.sqrt(
    Array.from({ length: t0 }, (_, t) => (treatedAvg[t] - uniform[t]) ** 2).reduce((a, b) => a + b, 0),
  );

  const band = place
    ? placeboBand(
        place.run.gaps.map((g, i) => ({ unit: donors[i], gaps: g })),
        alpha,
      )
    : null;
  const diagnostics: Record<string, unknown> = {
    method: p.method,
    multiple: perUnit ? "per_unit" : "aggregate",
    treated_units: data.treated,
    treatment_start: labels[t0],
    n_pre: t0,
    n_post: T1,
    n_donors: donors.length,
    weights: Object.fromEntries(donors.map((d, j) => [d, weights[j]])),
    gaps: Object.fromEntries(labels.map((l, t) => [l, gaps[t]])),
    series: labels.map((l, t) => ({
      period: l,
      treated: treatedAvg[t],
      synthetic: synthetic[t],
      gap: gaps[t],
      ...(band ? { band_low: band.lo[t], band_high: band.hi[t] } : {}),
      ...(conf ? { band_low: -conf.bandHalf, band_high: conf.bandHalf } : {}),
    })),
    pre_rmspe: preRmspe,
    post_rmspe: Math.sqrt(
      mean(
        gaps.map((g) => g * g),
        t0,
        T,
      ),
    ),
    l2_imbalance: l2,
    scaled_l2_imbalance: l2Uniform > 0 ? l2 / l2Uniform : null,
    optimizer: {
      ...fits[0].qp,
      ...(perUnit ? { per_unit: fits.map((f, i) => ({ unit: data.treated[i], ...f.qp })) } : {}),
      ...(fits[0].outer ? { outer: fits[0].outer } : {}),
      ...(place
        ? {
            placebo: {
              n: place.run.qp.length,
              converged: place.run.qp.every((q) => q.converged),
              max_kkt_residual: Math.max(0, ...place.run.qp.map((q) => q.kkt_residual)),
            },
          }
        : {}),
    },
    dropped_donors: data.droppedDonors,
    inference: {
      method: p.inference,
      alpha,
      p_value: pv,
      ci,
      interval: overall?.interval ?? null,
      ...(conf
        ? {
            estimator: "outcome-only SC refit on all periods under H0 (CWZ 2021)",
            q: p.conformal_q,
            n_permutations: conf.overall.nPermutations,
          }
        : {}),
      ...(place
        ? {
            statistic: "post/pre RMSPE ratio",
            rank: place.overall.rank,
            n_units: place.overall.placebo.length + 1,
            ratio: round(place.overall.ratio),
          }
        : {}),
    },
  };
  if (place) {
    diagnostics.placebo = {
      p_value: place.overall.pValue,
      rank: place.overall.rank,
      ratio: round(place.overall.ratio),
      units: place.overall.placebo.map((r) => ({ ...r, ratio: round(r.ratio) })),
      gaps: Object.fromEntries(place.run.gaps.map((g, i) => [donors[i], Array.from(g)])),
    };
  }
  if (conf) {
    diagnostics.conformal = {
      p_value: conf.overall.pValue,
      ci: conf.overall.ci,
      q: p.conformal_q,
      n_permutations: conf.overall.nPermutations,
      evaluations: conf.overall.evaluations,
      band_half_width: conf.bandHalf,
    };
  }
  if (p.method === "adh" && adh) {
    const f = fits[0];
    const x1 =
      data.treatedX.length === 1 || perUnit
        ? data.treatedX[0]
        : predictorNames.map((_, k) => mean(data.treatedX.map((r) => r[k])));
    diagnostics.predictors = keptPredictors.map((k, i) => ({
      name: predictorNames[k],
      treated: x1[k],
      synthetic: data.donorX.reduce((s, r, j) => s + f.scWeights[j] * r[k], 0),
      donor_mean: mean(data.donorX.map((r) => r[k])),
      v: f.v?.[i] ?? null,
    }));
  }
  if (p.method === "augmented") {
    diagnostics.augmentation = {
      ...fits[0].lambda,
      sc_weights: Object.fromEntries(donors.map((d, j) => [d, fits[0].scWeights[j]])),
    };
    if (Array.from(weights).some((w) => w < 0))
      warnings.push(
        "augmented weights include negative values (extrapolation beyond the donors' convex hull)",
      );
  }
  if (perUnit) {
    diagnostics.per_unit = Object.fromEntries(
      fits.map((f, i) => [
        data.treated[i],
        {
          att: mean(f.gaps, t0, T),
          pre_rmspe: Math.sqrt(
            mean(
              f.gaps.map((g) => g * g),
              0,
              t0,
            ),
          ),
          weights: Object.fromEntries(donors.map((d, j) => [d, f.weights[j]])),
        },
      ]),
    );
  }
  return { estimates, diagnostics, n_obs: data.nObs, warnings };
}
