/**
 * The `power` model: how many units — and, from the workspace's traffic, how many days — a
 * planned experiment needs to detect an effect, or which effect a given size/runtime can detect.
 * Normal-approximation power of each treatment-vs-control comparison (statsmodels NormalIndPower
 * convention, see stats/experiments/power.ts); Bonferroni α/(arms − 1) across treatments; CUPED
 * scales the units by (1 − variance_reduction).
 */
import type { Estimate } from "../../contracts/result";
import { cohenH, rateFromH, solveControlUnits, solveEffectSize } from "../../stats/experiments";
import { ModelFailure, type ModelContext, type ModelOutput } from "../model";
import type { PowerParams } from "./params";
import { dailyNewUnitsQuery, daysToReach, trafficProfile, unitsAfter, type TrafficProfile } from "./traffic";

const row = (term: string, estimate: number, extra: Record<string, unknown> = {}): Estimate => ({
  term,
  estimate,
  std_error: null,
  ci_low: null,
  ci_high: null,
  p_value: null,
  ...extra,
});

export async function runPower(ctx: ModelContext<PowerParams>): Promise<ModelOutput> {
  const p = ctx.params;
  const warnings: string[] = [];
  const weights = p.split ?? Array.from({ length: p.arms }, () => 1);
  const total = weights.reduce((a, b) => a + b, 0);
  const share0 = weights[0] / total;
  const ratios = weights.slice(1).map((w) => w / weights[0]);
  const comparisons = p.arms - 1;
  const alpha = p.correction === "bonferroni" && comparisons > 1 ? p.alpha / comparisons : p.alpha;
  const vr = p.variance_reduction ?? 0;
  const metric = p.metric;

  // Traffic
  let traffic: TrafficProfile | null = null;
  let dailyFixed: number | null = null;
  if (p.traffic && "daily_units" in p.traffic) dailyFixed = p.traffic.daily_units;
  else if (p.traffic) {
    await ctx.stage("querying traffic", 0.2);
    const t = p.traffic;
    const res = await ctx.query(
      dailyNewUnitsQuery(ctx.warehouse.dialect, ctx.workspaceId, t.unit, t.lookback_days, t.event_name),
    );
    traffic = trafficProfile(res.rows.map((r) => Number(r.n)));
    if (traffic.days_observed === 0)
      throw new ModelFailure("insufficient_data", "no traffic in the lookback window");
    if (traffic.days_observed < 7) warnings.push(`Only ${traffic.days_observed} day(s) of traffic history.`);
  }
  const fraction = p.traffic_fraction;
  const daysFor = (units: number): number | null => {
    if (dailyFixed !== null) return Math.ceil(units / (dailyFixed * fraction));
    if (traffic) return daysToReach(traffic, units / fraction);
    return null;
  };

  const diagnostics: Record<string, unknown> = {
    method:
      "two-sided normal-approximation power per treatment vs control (statsmodels NormalIndPower); " +
      (metric.type === "mean" ? "effect size d = Δ/σ" : "effect size Cohen's h = 2 asin√p_t − 2 asin√p_c") +
      "; CUPED scales units by (1 − variance_reduction)",
    alpha_per_comparison: alpha,
    comparisons,
    split: weights.map((w) => w / total),
    variance_reduction: vr,
    ...(traffic
      ? {
          traffic: {
            days_observed: traffic.days_observed,
            recent_daily_new: traffic.recent_daily_new,
            daily_cumulative: traffic.cumulative,
          },
        }
      : {}),
  };

  const estimates: Estimate[] = [];
  if (p.mde) {
    let effect: number;
    let absolute: number;
    if (metric.type === "mean") {
      absolute = p.mde.absolute ?? (p.mde.relative as number) * (metric.baseline_mean as number);
      effect = absolute / metric.sd;
    } else {
      absolute = p.mde.absolute ?? (p.mde.relative as number) * metric.baseline_rate;
      const pt = metric.baseline_rate + absolute;
      if (!(pt > 0 && pt < 1))
        throw new ModelFailure("invalid_params", "baseline_rate + mde must be within (0, 1)");
      effect = cohenH(metric.baseline_rate, pt);
    }
    if (!(Math.abs(effect) > 0)) throw new ModelFailure("invalid_params", "the MDE must be non-zero");
    const controlRaw = Math.max(...ratios.map((k) => solveControlUnits(effect, k, alpha, p.power)));
    const totalRaw = controlRaw / share0;
    const totalCuped = totalRaw * (1 - vr);
    const totalUnits = Math.ceil(totalCuped);
    const days = daysFor(totalUnits);
    estimates.push(
      row("total_units", totalUnits, { without_cuped: Math.ceil(totalRaw), exact: totalCuped }),
      row("control_units", Math.ceil(controlRaw * (1 - vr)), {
        exact: controlRaw * (1 - vr),
        without_cuped: Math.ceil(controlRaw),
      }),
      ...weights
        .slice(1)
        .map((w, i) => row(`treatment_units_${i + 1}`, Math.ceil((totalCuped * w) / total), { arm: i + 1 })),
      row("effect_size", effect, { mde_absolute: absolute }),
    );
    if (days !== null) {
      const daysRaw = daysFor(Math.ceil(totalRaw));
      estimates.push(row("runtime_days", days, { without_cuped: daysRaw }));
    }
  } else {
    let units = p.units;
    if (p.days !== undefined) {
      units =
        dailyFixed !== null
          ? p.days * dailyFixed * fraction
          : unitsAfter(traffic as TrafficProfile, p.days) * fraction;
    }
    const n = units as number;
    const nControl = n * share0;
    if (!(nControl >= 2)) throw new ModelFailure("insufficient_data", "fewer than 2 control units");
    const mdeFor = (eff: number) => {
      const effect = Math.max(...ratios.map((k) => solveEffectSize(eff, k, alpha, p.power)));
      if (metric.type === "mean") return { effect, absolute: effect * metric.sd, base: metric.baseline_mean };
      return {
        effect,
        absolute: rateFromH(metric.baseline_rate, effect) - metric.baseline_rate,
        base: metric.baseline_rate,
      };
    };
    const withCuped = mdeFor(nControl / (1 - vr));
    const raw = mdeFor(nControl);
    const rel = (m: { absolute: number; base?: number }) => (m.base ? m.absolute / m.base : null);
    estimates.push(
      row("mde_absolute", withCuped.absolute, { without_cuped: raw.absolute, effect_size: withCuped.effect }),
      ...(rel(withCuped) !== null
        ? [row("mde_relative", rel(withCuped) as number, { without_cuped: rel(raw) })]
        : []),
      row("total_units", Math.floor(n)),
    );
  }
  return { estimates, diagnostics, n_obs: 0, warnings };
}
