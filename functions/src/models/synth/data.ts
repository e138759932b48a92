/**
 * From the warehouse rows to a validated dense panel. Everything that could make the optimiser
 * fail later is checked here, up front, with a typed error naming the unit, period or variable:
 * unknown treated units, duplicate unit-periods, too few pre or post periods, gaps in the
 * treated series, donors with gaps (dropped or an error), predictors without data.
 */
import { ModelFailure } from "../model";
import type { PeriodValue, SynthParams } from "./params";

export interface RawPanel {
  units: string[];
  labels: string[];
  /** unit → series (NaN where missing) */
  y: Map<string, Float64Array>;
  vars: Map<string, Map<string, Float64Array>>;
  nRows: number;
}

const num = (v: unknown): number => {
  if (v === null || v === undefined) return NaN;
  const x = typeof v === "bigint" ? Number(v) : Number(v);
  return Number.isFinite(x) ? x : NaN;
};

export function buildPanel(
  rows: Record<string, unknown>[],
  variables: string[],
  periods?: { index: number; label: string }[],
): RawPanel {
  const units = [...new Set(rows.map((r) => String(r.u)))].sort();
  let labels: string[];
  let col: (r: Record<string, unknown>) => number;
  if (periods) {
    labels = periods.map((p) => p.label);
    const pos = new Map(periods.map((p, k) => [p.index, k]));
    col = (r) => pos.get(num(r.ti)) ?? -1;
  } else {
    const byRank = new Map<number, string>();
    for (const r of rows) byRank.set(num(r.ti), String(r.tl));
    const ranks = [...byRank.keys()].sort((a, b) => a - b);
    labels = ranks.map((k) => byRank.get(k) as string);
    const pos = new Map(ranks.map((k, i) => [k, i]));
    col = (r) => pos.get(num(r.ti)) ?? -1;
  }
  const T = labels.length;
  const fill = periods ? 0 : NaN; // events: a unit-period without events is a real zero
  const mk = () => new Map(units.map((u) => [u, new Float64Array(T).fill(fill)]));
  const y = mk();
  const vars = new Map(variables.map((v) => [v, mk()]));
  const seen = new Set<string>();
  for (const r of rows) {
    const u = String(r.u);
    const t = col(r);
    if (t < 0) continue;
    const key = `${u}\u0000${t}`;
    if (seen.has(key)) {
      throw new ModelFailure(
        "invalid_params",
        `unit ${JSON.stringify(u)} has more than one row for period ${labels[t]}: aggregate to one row per unit and period first`,
      );
    }
    seen.add(key);
    (y.get(u) as Float64Array)[t] = num(r.y);
    variables.forEach(
      (v, i) => (((vars.get(v) as Map<string, Float64Array>).get(u) as Float64Array)[t] = num(r[`v_${i}`])),
    );
  }
  return { units, labels, y, vars, nRows: rows.length };
}

/** Index of the first period at or after `start` (numeric comparison when both are numbers). */
export function periodPosition(labels: string[], start: PeriodValue): number {
  const numeric =
    labels.every((l) => l.trim() !== "" && Number.isFinite(Number(l))) && Number.isFinite(Number(start));
  for (let k = 0; k < labels.length; k++) {
    if (numeric ? Number(labels[k]) >= Number(start) : labels[k] >= String(start)) return k;
  }
  return labels.length;
}

export interface Predictor {
  name: string;
  variable: string;
  from: number;
  to: number;
}

export interface SynthData {
  labels: string[];
  t0: number;
  treated: string[];
  /** Per treated unit: its outcome series. */
  treatedY: Float64Array[];
  donors: string[];
  donorY: Float64Array[];
  predictors: Predictor[];
  /** Per predictor: the treated units' values and the donors' values (window means). */
  treatedX: number[][];
  donorX: number[][];
  warnings: string[];
  droppedDonors: { unit: string; reason: string }[];
  nObs: number;
}

const list = (xs: string[], n = 8) =>
  xs
    .slice(0, n)
    .map((x) => JSON.stringify(x))
    .join(", ") + (xs.length > n ? `, … (${xs.length} in all)` : "");

export function validatePanel(panel: RawPanel, p: SynthParams): SynthData {
  const warnings: string[] = [];
  const { units, labels } = panel;
  if (units.length === 0 || labels.length === 0)
    throw new ModelFailure("insufficient_data", "the panel has no rows");
  const missingTreated = p.treated_units.filter((u) => !panel.y.has(u));
  if (missingTreated.length > 0) {
    throw new ModelFailure(
      "invalid_params",
      `treated unit(s) ${list(missingTreated)} not in the data (units: ${list(units)})`,
    );
  }
  const t0 = periodPosition(labels, p.treatment_start);
  const T = labels.length;
  if (t0 < 2) {
    throw new ModelFailure(
      "insufficient_data",
      `only ${t0} pre-treatment period(s) before ${p.treatment_start}: synthetic control needs at least 2 (and many more to be credible)`,
    );
  }
  if (t0 >= T)
    throw new ModelFailure(
      "insufficient_data",
      `no post-treatment periods: the last period is ${labels[T - 1]}, treatment starts at ${p.treatment_start}`,
    );
  if (t0 < 5)
    warnings.push(
      `only ${t0} pre-treatment periods: the pre-period fit says little about the counterfactual`,
    );

  const treatedY = p.treated_units.map((u) => panel.y.get(u) as Float64Array);
  p.treated_units.forEach((u, i) => {
    const gaps = labels.filter((_, t) => Number.isNaN(treatedY[i][t]));
    if (gaps.length > 0)
      throw new ModelFailure(
        "insufficient_data",
        `treated unit ${JSON.stringify(u)} has no outcome in period(s) ${list(gaps, 5)}`,
      );
  });

  const treatedSet = new Set(p.treated_units);
  const include = p.donors ? new Set(p.donors) : null;
  const exclude = new Set(p.exclude_donors ?? []);
  if (include) {
    const unknown = [...include].filter((u) => !panel.y.has(u));
    if (unknown.length) throw new ModelFailure("invalid_params", `donor(s) ${list(unknown)} not in the data`);
  }
  const dropped: { unit: string; reason: string }[] = [];
  let donors = units.filter((u) => !treatedSet.has(u) && (!include || include.has(u)) && !exclude.has(u));
  donors = donors.filter((u) => {
    const s = panel.y.get(u) as Float64Array;
    const gaps = labels.filter((_, t) => Number.isNaN(s[t]));
    if (gaps.length === 0) return true;
    if (p.donor_gaps === "error") {
      throw new ModelFailure(
        "insufficient_data",
        `donor ${JSON.stringify(u)} has no outcome in period(s) ${list(gaps, 5)} (donor_gaps: "error")`,
      );
    }
    dropped.push({ unit: u, reason: `missing outcome in ${gaps.length} period(s), first ${gaps[0]}` });
    return false;
  });

  // Predictors (ADH): window means over available years (Synth's na.rm = TRUE convention).
  const predictors: Predictor[] = (p.predictors ?? []).map((pr) => {
    const spec = typeof pr === "string" ? { variable: pr } : pr;
    const from = spec.from === undefined ? 0 : periodPosition(labels, spec.from);
    const toPos = spec.to === undefined ? t0 - 1 : lastAtOrBefore(labels, spec.to);
    const name =
      (typeof pr !== "string" && pr.name) ||
      (spec.from === undefined && spec.to === undefined
        ? spec.variable
        : `${spec.variable}[${spec.from ?? labels[0]}..${spec.to ?? labels[t0 - 1]}]`);
    if (!panel.vars.has(spec.variable))
      throw new ModelFailure(
        "invalid_params",
        `predictor variable ${JSON.stringify(spec.variable)} is not in the data`,
      );
    if (from > toPos || toPos < 0)
      throw new ModelFailure("invalid_params", `predictor ${name}: the window has no periods`);
    if (toPos >= t0)
      throw new ModelFailure(
        "invalid_params",
        `predictor ${name}: its window reaches into the post-treatment period (from ${labels[t0]})`,
      );
    return { name, variable: spec.variable, from, to: toPos };
  });
  const windowMean = (u: string, pr: Predictor): number => {
    const s = (panel.vars.get(pr.variable) as Map<string, Float64Array>).get(u) as Float64Array;
    let sum = 0;
    let n = 0;
    for (let t = pr.from; t <= pr.to; t++) {
      if (Number.isNaN(s[t])) continue;
      sum += s[t];
      n++;
    }
    return n > 0 ? sum / n : NaN;
  };
  const treatedX = p.treated_units.map((u) =>
    predictors.map((pr) => {
      const v = windowMean(u, pr);
      if (Number.isNaN(v))
        throw new ModelFailure(
          "insufficient_data",
          `treated unit ${JSON.stringify(u)} has no value of predictor ${pr.name}`,
        );
      return v;
    }),
  );
  let donorX = donors.map((u) => predictors.map((pr) => windowMean(u, pr)));
  if (predictors.length > 0) {
    const keep: boolean[] = donors.map((u, j) => {
      const bad = predictors.filter((_, k) => Number.isNaN(donorX[j][k])).map((pr) => pr.name);
      if (bad.length === 0) return true;
      dropped.push({ unit: u, reason: `no value of predictor(s) ${bad.join(", ")}` });
      return false;
    });
    donors = donors.filter((_, j) => keep[j]);
    donorX = donorX.filter((_, j) => keep[j]);
  }
  if (dropped.length > 0)
    warnings.push(
      `dropped ${dropped.length} donor(s): ${dropped
        .slice(0, 5)
        .map((d) => `${d.unit} (${d.reason})`)
        .join("; ")}${dropped.length > 5 ? "; …" : ""}`,
    );
  if (donors.length < 2) {
    throw new ModelFailure(
      "insufficient_data",
      `only ${donors.length} usable donor unit(s): synthetic control needs at least 2`,
    );
  }
  return {
    labels,
    t0,
    treated: p.treated_units,
    treatedY,
    donors,
    donorY: donors.map((u) => panel.y.get(u) as Float64Array),
    predictors,
    treatedX,
    donorX,
    warnings,
    droppedDonors: dropped,
    nObs: (donors.length + p.treated_units.length) * T,
  };
}

function lastAtOrBefore(labels: string[], v: PeriodValue): number {
  const numeric = labels.every((l) => Number.isFinite(Number(l))) && Number.isFinite(Number(v));
  let k = -1;
  labels.forEach((l, i) => {
    if (numeric ? Number(l) <= Number(v) : l <= String(v)) k = i;
  });
  return k;
}
