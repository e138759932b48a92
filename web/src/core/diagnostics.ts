/**
 * Shape guards for model diagnostics. Diagnostics are free-form per model (`Record<string, unknown>`), so
 * every chart reads them through one of these: a diagnostic that is absent or malformed gives null and
 * its chart is simply not drawn.
 */
import { isObject } from "./jsonschema";

const num = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const numOrNull = (v: unknown): number | null => (num(v) ? v : null);

export interface TrendPoint {
  period: string | number;
  treated: number | null;
  control: number | null;
}

export function parallelTrends(diagnostics: unknown): TrendPoint[] | null {
  if (!isObject(diagnostics)) return null;
  const raw = diagnostics.parallel_trends;
  const list = Array.isArray(raw) ? raw : isObject(raw) && Array.isArray(raw.series) ? raw.series : null;
  if (!list) return null;
  const points: TrendPoint[] = [];
  for (const p of list) {
    if (!isObject(p)) continue;
    if (typeof p.period !== "string" && !num(p.period)) continue;
    // The did model writes treated_mean / control_mean (with _n counts); treated / control are accepted too.
    const treated = numOrNull(p.treated_mean ?? p.treated);
    const control = numOrNull(p.control_mean ?? p.control);
    if (treated === null && control === null) continue;
    points.push({ period: p.period, treated, control });
  }
  return points.length ? points : null;
}

export interface EventStudyCoefficient {
  term: string;
  relative_period: number;
  estimate: number;
  ci_low: number | null;
  ci_high: number | null;
}

export interface PretrendTest {
  /** "F" (the did model's primary form), "chi2", or null when the test does not say. */
  kind: "F" | "chi2" | null;
  statistic: number;
  p_value: number;
  /** Degrees of freedom: [numerator, denominator] for F, [q] for chi2, or one number. */
  df: number[];
  null_hypothesis: string | null;
}

export interface EventStudy {
  coefficients: EventStudyCoefficient[];
  pretrend_test: PretrendTest | null;
}

function coefficientOf(c: unknown): EventStudyCoefficient | null {
  if (!isObject(c) || !num(c.relative_period) || !num(c.estimate)) return null;
  return {
    term: typeof c.term === "string" ? c.term : `period ${c.relative_period}`,
    relative_period: c.relative_period,
    estimate: c.estimate,
    ci_low: numOrNull(c.ci_low),
    ci_high: numOrNull(c.ci_high),
  };
}

export function pretrendTest(t: unknown): PretrendTest | null {
  if (!isObject(t)) return null;
  const str = (v: unknown) => (typeof v === "string" ? v : null);
  if (num(t.f_stat) && num(t.f_p_value)) {
    const df = [t.f_df_num, t.f_df_denom].filter(num);
    return {
      kind: "F",
      statistic: t.f_stat,
      p_value: t.f_p_value,
      df,
      null_hypothesis: str(t.null_hypothesis),
    };
  }
  if (num(t.chi2_stat) && num(t.chi2_p_value)) {
    const df = [t.chi2_df ?? t.q].filter(num);
    return {
      kind: "chi2",
      statistic: t.chi2_stat,
      p_value: t.chi2_p_value,
      df,
      null_hypothesis: str(t.null_hypothesis),
    };
  }
  if (num(t.statistic) && num(t.p_value)) {
    return {
      kind: null,
      statistic: t.statistic,
      p_value: t.p_value,
      df: num(t.df) ? [t.df] : [],
      null_hypothesis: str(t.null_hypothesis),
    };
  }
  return null;
}

/**
 * The event study of a result. The did model reports its lead_/lag_ coefficients as estimates (with a
 * `relative_period`) and the pre-trend Wald test under `diagnostics.event_study.pretrend_test`;
 * `diagnostics.event_study.coefficients` is read too. The reference period (−1, fixed at 0) is added.
 */
export function eventStudy(diagnostics: unknown, estimates: readonly unknown[] = []): EventStudy | null {
  const es = isObject(diagnostics) && isObject(diagnostics.event_study) ? diagnostics.event_study : null;
  const coefficients: EventStudyCoefficient[] = [];
  const seen = new Set<number>();
  const add = (c: EventStudyCoefficient | null) => {
    if (!c || seen.has(c.relative_period)) return;
    seen.add(c.relative_period);
    coefficients.push(c);
  };
  for (const e of estimates) add(coefficientOf(e));
  if (es && Array.isArray(es.coefficients)) for (const c of es.coefficients) add(coefficientOf(c));
  const reference = es && num(es.reference_period) ? es.reference_period : -1;
  if (coefficients.length && !seen.has(reference)) {
    coefficients.push({
      term: "reference",
      relative_period: reference,
      estimate: 0,
      ci_low: null,
      ci_high: null,
    });
  }
  coefficients.sort((a, b) => a.relative_period - b.relative_period);
  const pretrend_test = es ? pretrendTest(es.pretrend_test) : null;
  if (!coefficients.length && !pretrend_test) return null;
  return { coefficients, pretrend_test };
}

const isScalar = (v: unknown): v is string | number | boolean =>
  typeof v === "number" || typeof v === "boolean" || (typeof v === "string" && v.length <= 200);

/** Diagnostics shown as plain key/value rows (numbers, booleans and short strings), minus `exclude`. */
export function scalarDiagnostics(
  diagnostics: unknown,
  exclude: Iterable<string> = [],
): Array<[string, string | number | boolean]> {
  if (!isObject(diagnostics)) return [];
  const skip = new Set(exclude);
  return Object.entries(diagnostics).filter(
    (e): e is [string, string | number | boolean] => !skip.has(e[0]) && isScalar(e[1]),
  );
}

/** The other diagnostics (objects, lists, long strings), minus `exclude`: shown as JSON. */
export function structuredDiagnostics(
  diagnostics: unknown,
  exclude: Iterable<string> = [],
): Array<[string, unknown]> {
  if (!isObject(diagnostics)) return [];
  const skip = new Set(exclude);
  return Object.entries(diagnostics).filter(
    ([k, v]) => !skip.has(k) && v !== null && v !== undefined && !isScalar(v),
  );
}
