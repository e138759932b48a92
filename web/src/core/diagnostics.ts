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
    if (!num(p.treated) && !num(p.control)) continue;
    points.push({ period: p.period, treated: numOrNull(p.treated), control: numOrNull(p.control) });
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
  statistic: number;
  p_value: number;
  df: number | null;
}

export interface EventStudy {
  coefficients: EventStudyCoefficient[];
  pretrend_test: PretrendTest | null;
}

export function eventStudy(diagnostics: unknown): EventStudy | null {
  if (!isObject(diagnostics) || !isObject(diagnostics.event_study)) return null;
  const es = diagnostics.event_study;
  const coefficients: EventStudyCoefficient[] = [];
  if (Array.isArray(es.coefficients)) {
    for (const c of es.coefficients) {
      if (!isObject(c) || !num(c.relative_period) || !num(c.estimate)) continue;
      coefficients.push({
        term: typeof c.term === "string" ? c.term : `period ${c.relative_period}`,
        relative_period: c.relative_period,
        estimate: c.estimate,
        ci_low: numOrNull(c.ci_low),
        ci_high: numOrNull(c.ci_high),
      });
    }
  }
  coefficients.sort((a, b) => a.relative_period - b.relative_period);
  const t = es.pretrend_test;
  const pretrend_test =
    isObject(t) && num(t.statistic) && num(t.p_value)
      ? { statistic: t.statistic, p_value: t.p_value, df: numOrNull(t.df) }
      : null;
  if (!coefficients.length && !pretrend_test) return null;
  return { coefficients, pretrend_test };
}

/** Diagnostics that no chart draws, shown as plain key/value rows (numbers and short strings only). */
export function scalarDiagnostics(diagnostics: unknown): Array<[string, string | number | boolean]> {
  if (!isObject(diagnostics)) return [];
  const charted = new Set(["parallel_trends", "event_study"]);
  return Object.entries(diagnostics).filter(
    (e): e is [string, string | number | boolean] =>
      !charted.has(e[0]) &&
      (typeof e[1] === "number" ||
        typeof e[1] === "boolean" ||
        (typeof e[1] === "string" && e[1].length <= 200)),
  );
}
