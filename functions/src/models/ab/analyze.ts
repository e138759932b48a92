/**
 * The `ab` model's run: per-arm sufficient statistics from the warehouse, then per treatment arm
 * the comparison with control (frequentist or Bayesian; CUPED; sequential), the multiple-testing
 * correction, and the guardrails (SRM, pre-exposure bias, sample size, zero variance).
 */
import type { Estimate } from "../../contracts/result";
import {
  adjustPValues,
  betaPosterior,
  compareBetaPosteriors,
  confidenceSequence,
  cupedFillValue,
  cupedTheta,
  fillMissingCovariate,
  normalComparison,
  normalPosterior,
  partialPooling,
  type BayesianComparison,
  type CupedFit,
} from "../../stats/experiments";
import { ModelFailure, type ModelContext, type ModelOutput } from "../model";
import { compareArms, type Comparison } from "./compare";
import { preExposureCheck, sampleSizeCheck, srmCheck, type PreBias, type Verdict } from "./guardrails";
import { addSums, emptySums, groupSums, num, type GroupSums } from "./moments";
import { metricType, type AbParams, type MetricType, type TableSource } from "./params";
import { csRho2, sequentialFields } from "./sequential";
import { armStatesByNameQuery, armStatesKeyedQuery, decodeStateRows } from "./states";
import {
  armMomentsKeyedQuery,
  armMomentsQuery,
  armProbeQuery,
  armStorageQuery,
  capQuantileQuery,
  DATABASE_FILE_QUERY,
  lookMomentsQuery,
  MAX_KEYED_ARMS,
  segmentMomentsQuery,
  unitsSql,
  type MomentShape,
  type UnitsSql,
} from "./sql";
import type { Dialect } from "../../warehouse/sql/dialect";
import type { Row, SqlQuery } from "../../warehouse/warehouse";

const MAX_LOOKS = 400;
const MAX_SEGMENTS = 200;

interface CupedState {
  fit: CupedFit;
  fill: number;
  coverage: number;
}

function fitCuped(arms: GroupSums[]): CupedState | null {
  const fill = cupedFillValue(arms);
  if (fill === null) return null;
  const filled = arms.map((a) => fillMissingCovariate(a, fill));
  const fit = cupedTheta(filled);
  if (!(fit.varX > 0)) return null;
  const n = arms.reduce((s, a) => s + a.n, 0);
  const nx = arms.reduce((s, a) => s + a.nX, 0);
  return { fit, fill, coverage: n > 0 ? nx / n : 0 };
}

function bayesian(
  p: AbParams,
  metric: MetricType,
  cmp: Comparison,
  t: GroupSums,
  c: GroupSums,
  cupedOn: boolean,
): BayesianComparison & { model: string } {
  if (metric === "proportion" && !cupedOn) {
    const prior = p.prior?.beta ?? { alpha: 1, beta: 1 };
    const r = compareBetaPosteriors(
      betaPosterior(t.sumY, t.n, prior),
      betaPosterior(c.sumY, c.n, prior),
      p.alpha,
    );
    return { ...r, model: `Beta-Binomial, Beta(${prior.alpha}, ${prior.beta}) prior per arm` };
  }
  const prior = p.prior?.normal ?? null;
  const post = normalPosterior(cmp.estimate, cmp.std_error, prior);
  return {
    ...normalComparison(post.mean, post.sd, p.alpha),
    model: prior ? `normal, N(${prior.mean}, ${prior.sd}²) prior on the difference` : "normal, flat prior",
  };
}

/**
 * The keyed pass's rows: from aggregate states (states.ts) when the metric is not a ratio and the
 * states decode (their calibration group checks out), else from plain sums.
 */
async function keyedRows(
  d: Dialect,
  units: UnitsSql,
  shape: MomentShape,
  arms: string[],
  rows: (q: SqlQuery) => Promise<Row[]>,
): Promise<Row[]> {
  if (!shape.ratio) {
    // A DuckDB that cannot cast an exported state to BLOB fails here: fall back, as on a bad layout.
    const states = await rows(armStatesKeyedQuery(units, d, shape, arms)).catch(() => null);
    const decoded = states && decodeStateRows(states, shape);
    if (decoded) return decoded;
  }
  return rows(armMomentsKeyedQuery(units, d, shape, arms));
}

/**
 * Per-arm moment rows (`v` = the arm, NULL for rows without one). On DuckDB with a table source, a
 * dictionary-compressed arm column (a checkpointed warehouse table) is grouped by the arm's string
 * from aggregate states; otherwise the arms are guessed from the table's first rows and the one pass
 * over the table is keyed by a small integer (see armMomentsKeyedQuery); should the pass find an arm
 * the guess missed, the string-keyed query answers instead. Elsewhere (events sources build their
 * units in the same query; BigQuery bills a probe like a scan) the string-keyed query.
 */
async function armMoments(
  p: AbParams,
  d: Dialect,
  units: UnitsSql,
  shape: MomentShape,
  rows: (q: SqlQuery) => Promise<Row[]>,
): Promise<Row[]> {
  if (p.source.kind === "table" && d.name === "duckdb") {
    // A dictionary-compressed arm column: the states grouped by the arm's string (states.ts).
    if (!shape.ratio && (await dictionaryArms(p.source, rows))) {
      const states = await rows(armStatesByNameQuery(units, shape)).catch(() => null);
      const decoded = states && decodeStateRows(states, shape);
      if (decoded) return decoded;
    }
    const arms = (await rows(armProbeQuery(p.source, d))).map((r) => String(r.v));
    if (arms.length > 0 && arms.length <= MAX_KEYED_ARMS) {
      const keyed = await keyedRows(d, units, shape, arms, rows);
      const other = keyed.find((r) => num(r.k) === arms.length + 1);
      if (!other || num(other.n_rows) === 0) {
        return keyed.map((r) => {
          const k = num(r.k);
          return { ...r, v: k < arms.length ? arms[k] : null };
        });
      }
    }
  }
  return rows(armMomentsQuery(units, d, shape));
}

/** Whether every stored segment of the arm column is dictionary-compressed (DuckDB file databases). */
async function dictionaryArms(s: TableSource, rows: (q: SqlQuery) => Promise<Row[]>): Promise<boolean> {
  const [db] = await rows(DATABASE_FILE_QUERY).catch(() => []);
  if (!db || db.path === null || db.path === undefined) return false;
  const [storage] = await rows(armStorageQuery(s)).catch(() => []);
  return (
    storage !== undefined && num(storage.segments) > 0 && num(storage.dictionary) === num(storage.segments)
  );
}

export async function runAb(ctx: ModelContext<AbParams>): Promise<ModelOutput> {
  const p = ctx.params;
  const d = ctx.warehouse.dialect;
  const metric = metricType(p);
  const warnings: string[] = [];
  const verdicts: Verdict[] = [];
  let warehouseMs = 0;
  const rows = async (q: SqlQuery) => {
    const t0 = performance.now();
    const r = await ctx.query(q);
    warehouseMs += performance.now() - t0;
    return r.rows;
  };

  await ctx.stage("querying the warehouse", 0.1);
  let units = unitsSql(p, d, ctx.workspaceId, null);
  let cap: number | null = null;
  if (p.cap) {
    if (p.cap.value !== undefined) cap = p.cap.value;
    else {
      const [r] = await rows(capQuantileQuery(units, d, p.cap.quantile as number));
      cap = r && r.cap !== null ? num(r.cap) : null;
    }
    if (cap !== null) {
      units = unitsSql(p, d, ctx.workspaceId, d.toFloat(d.param("ab_cap")));
      units.params.ab_cap = cap;
    }
  }
  const shape = {
    ratio: metric === "ratio",
    covariate: units.hasCovariate,
    proportion: metric === "proportion",
  };
  const armRows = await armMoments(p, d, units, shape, rows);
  await ctx.checkCancelled();
  const t0 = performance.now();

  const arms: Record<string, GroupSums> = {};
  let dropped = emptySums();
  for (const r of armRows) {
    const g = groupSums(r);
    if (r.v === null || r.v === undefined) dropped = addSums(dropped, g);
    else arms[String(r.v)] = g;
  }
  const names = Object.keys(arms).sort();
  if (!(p.control in arms)) {
    throw new ModelFailure(
      names.length === 0 ? "insufficient_data" : "invalid_params",
      names.length === 0
        ? "no exposed units with an arm"
        : `control arm ${JSON.stringify(p.control)} not found (arms: ${names.join(", ")})`,
    );
  }
  const treatments = names.filter((a) => a !== p.control);
  if (treatments.length === 0) throw new ModelFailure("insufficient_data", "only the control arm has units");
  const missing = names.reduce((s, a) => s + arms[a].nRows - arms[a].n, 0);
  if (dropped.nRows > 0) {
    warnings.push(
      p.source.kind === "events"
        ? `Dropped ${dropped.nRows} unit(s) exposed to more than one arm.`
        : `Dropped ${dropped.nRows} row(s) without an arm.`,
    );
  }
  if (missing > 0) warnings.push(`Dropped ${missing} unit(s) with a missing metric value.`);
  if (metric === "proportion") {
    const bad = names.reduce((s, a) => s + arms[a].nNot01, 0);
    if (bad > 0)
      throw new ModelFailure("invalid_params", `a proportion metric must be 0 or 1; ${bad} value(s) are not`);
  }
  for (const a of names) {
    if (arms[a].n < 2) {
      throw new ModelFailure(
        "insufficient_data",
        `arm ${JSON.stringify(a)} has ${arms[a].n} unit(s) with a metric value; at least 2 are needed`,
      );
    }
  }

  // Guardrails
  const counts = Object.fromEntries(names.map((a) => [a, arms[a].nRows]));
  const { srm, verdict: srmVerdict } = srmCheck(counts, p.planned_split);
  if (p.planned_split) {
    const unknown = names.filter((a) => !(a in (p.planned_split ?? {})));
    if (unknown.length > 0)
      throw new ModelFailure(
        "invalid_params",
        `planned_split has no weight for arm(s) ${unknown.join(", ")}`,
      );
  }
  if (srmVerdict) verdicts.push(srmVerdict);
  if (srm?.flagged) warnings.push(srmVerdict?.message ?? "sample-ratio mismatch");
  verdicts.push(sampleSizeCheck(arms));

  // CUPED
  let cuped: CupedState | null = null;
  let preBias: PreBias | null = null;
  if (units.hasCovariate && p.cuped) {
    if (metric === "ratio") warnings.push("CUPED is not applied to ratio metrics.");
    else {
      cuped = fitCuped(names.map((a) => arms[a]));
      if (!cuped)
        warnings.push("CUPED skipped: the pre-period covariate has no variance (or no unit has one).");
    }
    const pre = preExposureCheck(arms, p.control, treatments);
    if (pre.verdict) verdicts.push(pre.verdict);
    if (pre.bias && pre.bias.flagged.length > 0) warnings.push(pre.verdict?.message ?? "pre-exposure bias");
    preBias = pre.bias;
  }

  // Comparisons
  const comparisons: { arm: string; cmp: Comparison }[] = [];
  const zeroVar: string[] = [];
  for (const a of treatments) {
    const cmp = compareArms(metric, arms[a], arms[p.control], p.alpha, cuped);
    if (cmp) comparisons.push({ arm: a, cmp });
    else zeroVar.push(a);
  }
  if (zeroVar.length > 0) {
    const msg = `No variance to test ${zeroVar.join(", ")} against ${p.control}: the metric is constant in both arms${metric === "proportion" ? " (no or only conversions)" : ""}.`;
    if (comparisons.length === 0) throw new ModelFailure("insufficient_data", msg);
    warnings.push(msg);
    verdicts.push({ check: "zero_variance", status: "warning", message: msg });
  }

  const adjusted = adjustPValues(
    comparisons.map((c) => c.cmp.p_value),
    p.correction,
  );
  const totalUnits = names.reduce((s, a) => s + arms[a].n, 0);
  const estimates: Estimate[] = comparisons.map(({ arm, cmp }, i) => {
    const t = arms[arm];
    const c = arms[p.control];
    const units2 = t.n + c.n;
    const base: Estimate = {
      term: arm,
      estimate: cmp.estimate,
      std_error: cmp.std_error,
      ci_low: cmp.ci_low,
      ci_high: cmp.ci_high,
      p_value: cmp.p_value,
      df: Number.isFinite(cmp.df) ? cmp.df : null,
      relative_estimate: cmp.relative?.estimate ?? null,
      relative_std_error: cmp.relative?.std_error ?? null,
      relative_ci_low: cmp.relative?.ci_low ?? null,
      relative_ci_high: cmp.relative?.ci_high ?? null,
      treatment_mean: cmp.treatment_mean,
      control_mean: cmp.control_mean,
      n_treatment: t.n,
      n_control: c.n,
      adjusted_p_value: adjusted[i],
      method: cmp.method,
      ...(cmp.variance_reduction !== undefined ? { variance_reduction: cmp.variance_reduction } : {}),
    };
    if (p.sequential) {
      const seq = sequentialFields(p.sequential, cmp, units2, p.alpha, csRho2(p.sequential, p.alpha, units2));
      Object.assign(base, { ci_low: seq.ci_low, ci_high: seq.ci_high, p_value: seq.p_value }, seq.extra);
    }
    if (p.engine === "bayesian") {
      const b = bayesian(p, metric, cmp, t, c, cuped !== null);
      const scale = cmp.relative && cmp.std_error > 0 ? b.std_error / cmp.std_error : null;
      Object.assign(base, {
        estimate: b.estimate,
        std_error: b.std_error,
        ci_low: b.ci_low,
        ci_high: b.ci_high,
        p_value: null,
        interval: "credible",
        chance_to_beat_control: b.chance_to_beat_control,
        expected_loss: b.expected_loss,
        expected_loss_control: b.expected_loss_control,
        bayesian_model: b.model,
        frequentist_p_value: cmp.p_value,
        ...(cmp.relative && scale !== null
          ? (() => {
              const relMean = b.estimate / cmp.c.mean;
              const relSd = cmp.relative.std_error * scale;
              const z = (cmp.relative.ci_high - cmp.relative.estimate) / cmp.relative.std_error;
              return {
                relative_estimate: relMean,
                relative_std_error: relSd,
                relative_ci_low: relMean - z * relSd,
                relative_ci_high: relMean + z * relSd,
              };
            })()
          : {}),
      });
    }
    return base;
  });

  const diagnostics: Record<string, unknown> = {
    metric: { type: metric, ...(cap !== null ? { cap } : {}) },
    engine: p.engine,
    control: p.control,
    arms: names.map((a) => ({
      variant: a,
      units: arms[a].nRows,
      n: arms[a].n,
      mean: metric === "ratio" ? arms[a].sumY / arms[a].sumZ : arms[a].sumY / arms[a].n,
    })),
    correction: { method: p.correction, family_size: comparisons.length },
    guardrails: verdicts,
  };
  if (srm) diagnostics.srm = srm;
  if (preBias) diagnostics.pre_exposure = { ...preBias, threshold: 0.001 };
  if (cuped) {
    const withCmp = comparisons.filter((c) => c.cmp.variance_reduction !== undefined);
    // Overall reduction: Σ_a Var_adj(ȳ_a) over Σ_a Var_raw(ȳ_a), all arms.
    let adj = 0,
      raw = 0;
    for (const a of names) {
      const g = arms[a];
      const f = fillMissingCovariate(g, cuped.fill);
      const vy = (g.sumY2 - (g.sumY * g.sumY) / g.n) / (g.n - 1);
      const vx = (f.sumX2 - (f.sumX * f.sumX) / g.n) / (g.n - 1);
      const cxy = (f.sumXY - (f.sumX * g.sumY) / g.n) / (g.n - 1);
      const th = cuped.fit.theta;
      adj += Math.max(0, vy + th * th * vx - 2 * th * cxy) / g.n;
      raw += vy / g.n;
    }
    diagnostics.cuped = {
      theta: cuped.fit.theta,
      variance_reduction: raw > 0 ? 1 - adj / raw : 0,
      by_arm: Object.fromEntries(withCmp.map((c) => [c.arm, c.cmp.variance_reduction])),
      coverage: cuped.coverage,
      fill_value: cuped.fill,
      method: "θ = cov(x, y)/var(x) pooled over all arms; missing pre-period values filled with their mean",
    };
  }
  const statsMs0 = performance.now() - t0;

  // Sequential: the confidence sequence over the looks (exposure days / the time column).
  let statsMs1 = 0;
  if (p.sequential?.method === "confidence_sequence" && units.hasTime) {
    const looks = await rows(lookMomentsQuery(units, d, shape));
    const t1 = performance.now();
    diagnostics.sequential = confidenceSequenceSeries(p, metric, looks, names, treatments, warnings);
    statsMs1 = performance.now() - t1;
  } else if (p.sequential) {
    diagnostics.sequential = {
      method: p.sequential.method,
      ...(p.sequential.method === "confidence_sequence"
        ? { rho2: csRho2(p.sequential, p.alpha, totalUnits) }
        : {}),
    };
  }

  // Hierarchical lift across segments.
  if (units.hasSegment) {
    const segRows = await rows(segmentMomentsQuery(units, d, shape));
    const t2 = performance.now();
    diagnostics.hierarchical = hierarchical(p, metric, segRows, treatments, warnings);
    statsMs1 += performance.now() - t2;
  }

  diagnostics.timing = { warehouse_ms: warehouseMs, statistics_ms: statsMs0 + statsMs1 };
  return {
    estimates,
    diagnostics,
    n_obs: totalUnits,
    warnings,
  };
}

function confidenceSequenceSeries(
  p: AbParams,
  metric: MetricType,
  looks: Record<string, unknown>[],
  names: string[],
  treatments: string[],
  warnings: string[],
): Record<string, unknown> {
  const ts = [...new Set(looks.map((r) => num(r.t)))].sort((a, b) => a - b);
  if (ts.length > MAX_LOOKS) {
    warnings.push(`Confidence sequence over time: only the first ${MAX_LOOKS} looks are shown.`);
    ts.length = MAX_LOOKS;
  }
  const cum: Record<string, GroupSums> = Object.fromEntries(names.map((a) => [a, emptySums()]));
  const byT = new Map<number, Record<string, unknown>[]>();
  for (const r of looks) {
    const t = num(r.t);
    if (!byT.has(t)) byT.set(t, []);
    byT.get(t)?.push(r);
  }
  const series: Record<string, unknown>[] = [];
  // ρ is fixed for the whole sequence (tuned to the planned or, failing that, the final units).
  const totalAll = looks.reduce((s, r) => s + num(r.n), 0);
  const rho2 = csRho2(p.sequential, p.alpha, totalAll);
  for (const t of ts) {
    for (const r of byT.get(t) ?? []) {
      const a = String(r.v);
      if (a in cum) cum[a] = addSums(cum[a], groupSums(r));
    }
    const c = cum[p.control];
    for (const a of treatments) {
      const g = cum[a];
      if (g.n < 2 || c.n < 2) continue;
      const cupedState =
        p.cuped && metric !== "ratio" && g.nX + c.nX > 0 ? fitCuped(names.map((n) => cum[n])) : null;
      const cmp = compareArms(metric, g, c, p.alpha, cupedState);
      if (!cmp) continue;
      const cs = confidenceSequence(cmp.estimate, cmp.std_error, g.n + c.n, p.alpha, rho2);
      series.push({
        look: t,
        arm: a,
        units: g.n + c.n,
        estimate: cmp.estimate,
        ci_low: cs.ci_low,
        ci_high: cs.ci_high,
        p_value: cs.p_value,
        fixed_ci_low: cmp.ci_low,
        fixed_ci_high: cmp.ci_high,
      });
    }
  }
  return {
    method: "confidence_sequence",
    reference: "Waudby-Smith et al. (2024) asymptotic CS, Howard et al. (2021) normal-mixture boundary",
    rho2,
    looks: series,
  };
}

function hierarchical(
  p: AbParams,
  metric: MetricType,
  segRows: Record<string, unknown>[],
  treatments: string[],
  warnings: string[],
): Record<string, unknown> {
  const bySeg = new Map<string, Record<string, GroupSums>>();
  for (const r of segRows) {
    const s = String(r.s);
    if (!bySeg.has(s)) bySeg.set(s, {});
    (bySeg.get(s) as Record<string, GroupSums>)[String(r.v)] = groupSums(r);
  }
  if (bySeg.size > MAX_SEGMENTS) {
    warnings.push(`Hierarchical lift skipped: more than ${MAX_SEGMENTS} segments.`);
    return {};
  }
  const out: Record<string, unknown> = {};
  const skipped = new Set<string>();
  for (const a of treatments) {
    const segs = [];
    for (const [s, arms] of [...bySeg.entries()].sort()) {
      const t = arms[a];
      const c = arms[p.control];
      const cmp = t && c && t.n >= 2 && c.n >= 2 ? compareArms(metric, t, c, p.alpha, null) : null;
      if (!cmp) {
        skipped.add(s);
        continue;
      }
      segs.push({ segment: s, estimate: cmp.estimate, std_error: cmp.std_error });
    }
    const pooled = partialPooling(segs, p.alpha);
    if (pooled) out[a] = pooled;
  }
  if (skipped.size > 0) {
    warnings.push(
      `Hierarchical lift: skipped segment(s) ${[...skipped].join(", ")} (fewer than 2 units in an arm, or no variance).`,
    );
  }
  return {
    method: "normal random effects, DerSimonian–Laird τ², empirical-Bayes (BLUP) segment lifts",
    by_arm: out,
  };
}
