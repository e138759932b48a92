/** Parameters of the `power` model: sample size / MDE / runtime of a planned experiment. */
import { z } from "zod";

export const powerParamsSchema = z
  .object({
    metric: z.discriminatedUnion("type", [
      z.object({
        type: z.literal("mean"),
        /** Control mean, for the relative MDE. */
        baseline_mean: z.number().optional(),
        /** Unit-level standard deviation of the metric. */
        sd: z.number().positive(),
      }),
      z.object({ type: z.literal("proportion"), baseline_rate: z.number().gt(0).lt(1) }),
    ]),
    /** Effect to detect → sample size and runtime. Give either this or `units`/`days` (→ MDE). */
    mde: z
      .object({ absolute: z.number().optional(), relative: z.number().optional() })
      .refine((m) => (m.absolute === undefined) !== (m.relative === undefined), "give absolute or relative")
      .optional(),
    /** Total units available (all arms) → MDE. */
    units: z.number().int().positive().optional(),
    /** Runtime in days → units from the workspace traffic → MDE. */
    days: z.number().int().positive().max(3650).optional(),
    alpha: z.number().gt(0).lt(1).default(0.05),
    power: z.number().gt(0).lt(1).default(0.8),
    /** Arms including control. */
    arms: z.number().int().min(2).max(20).default(2),
    /** Traffic weights, control first (length = arms). Default equal. */
    split: z.array(z.number().positive()).optional(),
    /** CUPED's expected variance reduction (ρ² of the pre/post correlation). */
    variance_reduction: z.number().min(0).lt(1).optional(),
    /** Bonferroni across the arms − 1 comparisons (default when arms > 2). */
    correction: z.enum(["bonferroni", "none"]).default("bonferroni"),
    /** Daily traffic: a fixed number of new units per day, or the workspace's history in standard_events. */
    traffic: z
      .union([
        z.object({ daily_units: z.number().positive() }),
        z.object({
          unit: z.enum(["user_id", "anonymous_id", "session_id"]).default("user_id"),
          /** Only units with this event count as eligible traffic. */
          event_name: z.string().min(1).optional(),
          lookback_days: z.number().int().min(1).max(365).default(28),
        }),
      ])
      .optional(),
    /** Share of the eligible traffic that enters the experiment. */
    traffic_fraction: z.number().gt(0).max(1).default(1),
  })
  .superRefine((p, ctx) => {
    const targets = [p.mde !== undefined, p.units !== undefined, p.days !== undefined].filter(Boolean).length;
    if (targets !== 1) {
      ctx.addIssue({ code: "custom", path: ["mde"], message: "give exactly one of mde, units or days" });
    }
    if (p.split && p.split.length !== p.arms) {
      ctx.addIssue({ code: "custom", path: ["split"], message: `give ${p.arms} weights, control first` });
    }
    if (p.days !== undefined && !p.traffic) {
      ctx.addIssue({ code: "custom", path: ["traffic"], message: "days needs traffic" });
    }
    if (p.mde?.relative !== undefined && p.metric.type === "mean" && p.metric.baseline_mean === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["metric", "baseline_mean"],
        message: "a relative MDE needs baseline_mean",
      });
    }
  });

export type PowerParams = z.infer<typeof powerParamsSchema>;
