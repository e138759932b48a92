/**
 * The `funnel` model's run: users reaching each step, conversion from step 1 and from the previous
 * step, drop-off, median time between steps, an optional breakdown, and the partial-funnel
 * attribution of each step-to-step progress to channels (or campaigns).
 */
import type { Estimate } from "../../contracts/result";
import { reconcile } from "../../stats/attribution";
import { ModelFailure, type ModelContext, type ModelOutput } from "../model";
import type { FunnelParams } from "./params";
import { funnelCtes, progressQuery, stepsQuery } from "./sql";

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export const FUNNEL_CONVENTIONS =
  "Ordered, first-completion funnel: a person (user_id, else the user_id linked to their anonymous_id, else " +
  "the anonymous_id) enters at their first step-1 event in [start, end]; step i+1 counts at their first " +
  "matching event strictly after step i and within window_days of entering. Median times are exact " +
  "(DuckDB median) or approximate (BigQuery APPROX_QUANTILES). Progress i→i+1 is credited equally to the " +
  "distinct attribution values on the person's events after step i up to and including step i+1.";

export async function runFunnel(ctx: ModelContext<FunnelParams>): Promise<ModelOutput> {
  const p = ctx.params;
  const d = ctx.warehouse.dialect;
  const f = funnelCtes(p, d, ctx.workspaceId);
  let warehouseMs = 0;
  const timed = async (q: Parameters<typeof ctx.query>[0]) => {
    const t0 = performance.now();
    const res = await ctx.query<Record<string, unknown>>(q);
    warehouseMs += performance.now() - t0;
    return res.rows;
  };
  await ctx.stage("building the funnel", 0.2);
  const [stepRows, progRows] = await Promise.all([
    timed(stepsQuery(f, d, p.breakdown !== undefined)),
    p.attribution ? timed(progressQuery(f, d, p.attribution)) : Promise.resolve([]),
  ]);
  await ctx.checkCancelled();
  const total = stepRows.find((r) => Number(r.is_total) === 1);
  const users = p.steps.map((_, i) => num(total?.[`users_${i + 1}`]) ?? 0);
  if (users[0] === 0) {
    throw new ModelFailure(
      "insufficient_data",
      `nobody entered the funnel: no "${p.steps[0].event_name}" events between ${p.start} and ${p.end}`,
    );
  }
  const labels = p.steps.map((s, i) => s.label ?? `${i + 1}. ${s.event_name}`);
  const estimates: Estimate[] = p.steps.map((s, i) => {
    const prev = i === 0 ? users[0] : users[i - 1];
    const med = i === 0 ? null : num(total?.[`med_${i + 1}`]);
    return {
      term: `step_${i + 1}`,
      label: labels[i],
      event_name: s.event_name,
      estimate: users[i],
      conversion_rate: users[i] / users[0],
      step_conversion: prev > 0 ? users[i] / prev : null,
      drop_off: prev - users[i],
      drop_off_rate: prev > 0 ? (prev - users[i]) / prev : null,
      median_seconds_from_previous: med,
      std_error: null,
      ci_low: null,
      ci_high: null,
      p_value: null,
    };
  });
  const warnings: string[] = [];
  if (users[users.length - 1] === 0) warnings.push("Nobody completed the last step within the window.");

  const diagnostics: Record<string, unknown> = {
    conventions: FUNNEL_CONVENTIONS,
    window_days: p.window_days,
    steps: p.steps.map((s, i) => ({ label: labels[i], event_name: s.event_name, filters: s.filters })),
  };
  if (p.breakdown) {
    diagnostics.breakdown = {
      dimension: p.breakdown,
      rows: stepRows
        .filter((r) => Number(r.is_total) === 0)
        .map((r) => {
          const u = p.steps.map((_, i) => num(r[`users_${i + 1}`]) ?? 0);
          return {
            value: String(r.dim),
            users: u,
            conversion_rate: u[0] > 0 ? u[u.length - 1] / u[0] : null,
            median_seconds_from_previous: p.steps.map((_, i) => (i === 0 ? null : num(r[`med_${i + 1}`]))),
          };
        })
        .sort((a, b) => b.users[0] - a.users[0] || a.value.localeCompare(b.value)),
    };
  }
  if (p.attribution) {
    const steps = p.steps.slice(1).map((_, i) => {
      const rows = progRows
        .filter((r) => Number(r.step) === i + 1)
        .map((r) => ({ value: String(r.v), credit: Number(r.credit), touched: Number(r.touched) }))
        .sort((a, b) => b.credit - a.credit || a.value.localeCompare(b.value));
      const progressed = users[i + 1];
      const rec = reconcile(
        progressed,
        rows.map((r) => r.credit),
      );
      return {
        from: labels[i],
        to: labels[i + 1],
        progressed,
        reconciles: rec.reconciles,
        channels: rows.map((r) => ({ ...r, share: progressed > 0 ? r.credit / progressed : null })),
      };
    });
    diagnostics.attribution = {
      dimension: p.attribution,
      method: "equal credit to the distinct values touched between the two steps (later step included)",
      reconciles: steps.every((s) => s.reconciles),
      steps,
    };
  }
  diagnostics.timing_ms = { warehouse: warehouseMs };
  return { estimates, diagnostics, n_obs: users[0], warnings };
}
