/**
 * Parameters of `geo_design`: which treatment market sets to test, how long, and for what effect.
 */
import { z } from "zod";
import { eventsSourceSchema, tableSourceSchema } from "../synth/params";

export const geoDesignParamsSchema = z
  .object({
    source: z.discriminatedUnion("kind", [eventsSourceSchema, tableSourceSchema]),
    /** Markets that may be treated (default: every unit). Others still serve as donors. */
    candidates: z.array(z.string().min(1)).optional(),
    /** Markets every treatment set must contain. */
    include: z.array(z.string().min(1)).default([]),
    /** Markets never treated (they remain donors). */
    exclude: z.array(z.string().min(1)).default([]),
    /** Numbers of treated markets to consider. */
    treatment_sizes: z.array(z.number().int().min(1).max(50)).min(1).default([1, 2]),
    /** Test length in periods. */
    test_length: z.number().int().min(1),
    /** Expected relative effect (0.05 = +5%) for the power ranking. */
    expected_effect: z
      .number()
      .gt(-1)
      .refine((x) => x !== 0, "non-zero"),
    /** Relative effects for the power curve and MDE (default 0 … 4 × expected, 16 steps). */
    effect_grid: z.array(z.number().gt(-1)).min(1).max(60).optional(),
    alpha: z.number().gt(0).lt(1).default(0.1),
    power_target: z.number().gt(0).lt(1).default(0.8),
    /** Historical test windows per set (the most recent ones, sampled with the seed if more exist). */
    n_windows: z.number().int().min(1).max(200).default(20),
    /** Pre-period length before each simulated window (default: everything before it, at least 2×test_length). */
    min_pre_periods: z.number().int().min(2).optional(),
    /** Candidate sets scored by pre-period fit (all if the combinations fit, else seeded samples). */
    max_sets: z.number().int().min(1).max(100000).default(2000),
    /** Best-fitting sets per size that go on to the power simulation. */
    top_sets: z.number().int().min(1).max(200).default(10),
    /** Per-market test cost, and/or a cost per incremental unit of outcome (GeoLift's CPIC). */
    market_costs: z.record(z.string(), z.number().nonnegative()).optional(),
    cost_per_incremental: z.number().nonnegative().optional(),
    budget: z.number().nonnegative().optional(),
    seed: z.number().int().default(1),
    /** worker_threads when the runtime allows; the answer does not depend on it. */
    parallel: z.boolean().default(true),
  })
  .superRefine((p, ctx) => {
    const inc = new Set(p.include);
    p.exclude.forEach((u, i) => {
      if (inc.has(u))
        ctx.addIssue({ code: "custom", path: ["exclude", i], message: `"${u}" is also in include` });
    });
    if (p.budget !== undefined && !p.market_costs && p.cost_per_incremental === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["budget"],
        message: "a budget needs market_costs or cost_per_incremental",
      });
    }
  });

export type GeoDesignParams = z.infer<typeof geoDesignParamsSchema>;
