/**
 * One treatment arm against control, from the two arms' sums: the absolute difference with its
 * interval and p-value, and the relative lift with its delta-method interval.
 *
 *  - mean:        Welch t (Welch–Satterthwaite df); relative interval with the same t quantile;
 *  - proportion:  two-proportion z (pooled SE for the test, unpooled for the interval);
 *  - ratio:       Σy/Σz per arm with delta-method variances, z test and interval;
 *  - with CUPED (mean and proportion): Welch on the adjusted metric y − θ(x − x̄).
 */
import {
  cupedAdjust,
  fillMissingCovariate,
  normalQuantile,
  normalTwoSidedP,
  ratioMetric,
  relativeLift,
  summarize,
  twoProportionTest,
  welchTest,
  type CupedFit,
  type DifferenceTest,
  type MeanWithVariance,
  type Summary,
} from "../../stats/experiments";
import { studentTQuantile } from "../../stats/distributions";
import type { MetricType } from "./params";
import type { GroupSums } from "./moments";

export interface Comparison extends DifferenceTest {
  method: string;
  control_mean: number;
  treatment_mean: number;
  relative: { estimate: number; std_error: number; ci_low: number; ci_high: number } | null;
  /** 1 − Var_adj(Δ)/Var_raw(Δ) when CUPED applied. */
  variance_reduction?: number;
  /** The arms' summaries the test used (adjusted under CUPED). */
  t: MeanWithVariance;
  c: MeanWithVariance;
}

const asMv = (s: Summary): MeanWithVariance => ({ mean: s.mean, variance: s.variance / s.n });
const raw = (g: GroupSums): Summary => summarize({ n: g.n, sum: g.sumY, sumSq: g.sumY2 });

function withRelative(
  test: DifferenceTest,
  t: MeanWithVariance,
  c: MeanWithVariance,
  crit: number,
): Comparison["relative"] {
  const rel = relativeLift(t, c);
  if (!rel || !Number.isFinite(rel.std_error)) return null;
  return {
    ...rel,
    ci_low: rel.estimate - crit * rel.std_error,
    ci_high: rel.estimate + crit * rel.std_error,
  };
}

/** Null when the comparison has no variance (reported by the caller as a typed failure or warning). */
export function compareArms(
  metric: MetricType,
  t: GroupSums,
  c: GroupSums,
  alpha: number,
  cuped: { fit: CupedFit; fill: number } | null,
): Comparison | null {
  if (metric === "ratio") {
    const rt = ratioMetric({
      n: t.n,
      sumY: t.sumY,
      sumY2: t.sumY2,
      sumZ: t.sumZ,
      sumZ2: t.sumZ2,
      sumYZ: t.sumYZ,
    });
    const rc = ratioMetric({
      n: c.n,
      sumY: c.sumY,
      sumY2: c.sumY2,
      sumZ: c.sumZ,
      sumZ2: c.sumZ2,
      sumYZ: c.sumYZ,
    });
    if (!rt || !rc) return null;
    const se = Math.sqrt(rt.variance + rc.variance);
    if (!(se > 0)) return null;
    const estimate = rt.mean - rc.mean;
    const crit = normalQuantile(1 - alpha / 2);
    const test: DifferenceTest = {
      estimate,
      std_error: se,
      statistic: estimate / se,
      df: Infinity,
      p_value: normalTwoSidedP(estimate / se),
      ci_low: estimate - crit * se,
      ci_high: estimate + crit * se,
    };
    return {
      ...test,
      method: "ratio of means, delta method (Deng et al. 2018), z test",
      control_mean: rc.mean,
      treatment_mean: rt.mean,
      relative: withRelative(test, rt, rc, crit),
      t: rt,
      c: rc,
    };
  }
  if (cuped) {
    const at = cupedAdjust(fillMissingCovariate(t, cuped.fill), cuped.fit);
    const ac = cupedAdjust(fillMissingCovariate(c, cuped.fill), cuped.fit);
    const test = welchTest(at, ac, alpha);
    if (!test) return null;
    const rawTest = welchTest(raw(t), raw(c), alpha);
    const crit = studentTQuantile(1 - alpha / 2, test.df);
    return {
      ...test,
      method: `CUPED-adjusted ${metric} (Deng et al. 2013), Welch t`,
      control_mean: ac.mean,
      treatment_mean: at.mean,
      relative: withRelative(test, asMv(at), asMv(ac), crit),
      variance_reduction: rawTest ? 1 - (test.std_error / rawTest.std_error) ** 2 : undefined,
      t: asMv(at),
      c: asMv(ac),
    };
  }
  if (metric === "proportion") {
    const test = twoProportionTest({ n: t.n, successes: t.sumY }, { n: c.n, successes: c.sumY }, alpha);
    if (!test) return null;
    const pt = t.sumY / t.n;
    const pc = c.sumY / c.n;
    const mt = { mean: pt, variance: (pt * (1 - pt)) / t.n };
    const mc = { mean: pc, variance: (pc * (1 - pc)) / c.n };
    return {
      ...test,
      method: "two-proportion z (pooled SE for the test, unpooled for the interval)",
      control_mean: pc,
      treatment_mean: pt,
      relative: withRelative(test, mt, mc, normalQuantile(1 - alpha / 2)),
      t: mt,
      c: mc,
    };
  }
  const st = raw(t);
  const sc = raw(c);
  const test = welchTest(st, sc, alpha);
  if (!test) return null;
  return {
    ...test,
    method: "Welch t (Welch–Satterthwaite df)",
    control_mean: sc.mean,
    treatment_mean: st.mean,
    relative: withRelative(test, asMv(st), asMv(sc), studentTQuantile(1 - alpha / 2, test.df)),
    t: asMv(st),
    c: asMv(sc),
  };
}
