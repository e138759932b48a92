/**
 * Parameters of the `ab` model (experiment analysis). Two sources share one analysis:
 *  - events (default): exposure from assignment events in `standard_events`
 *    (`event_name = exposure_event`, `properties.<experiment_property> = experiment`,
 *    `properties.<variant_property>` = the arm), the metric per unit in a window after the unit's
 *    first exposure and, for CUPED, the same metric in a pre-period window before it;
 *  - table: one row per unit in a warehouse table (the CLI loads a CSV into DuckDB as one).
 */
import { z } from "zod";

const isoDate = z.iso.date();
const propertyPath = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/, "a dotted path of identifiers");
const columnName = z.string().min(1).max(256);

/** How a unit's value is aggregated from its events in a window. */
export const measureSchema = z.object({
  aggregate: z.enum(["revenue_sum", "event_count", "session_count"]),
  /** Only events with this name count; all events when omitted. */
  event_name: z.string().min(1).optional(),
});
export type Measure = z.infer<typeof measureSchema>;

export const metricTypeSchema = z.enum(["mean", "proportion", "ratio"]);
export type MetricType = z.infer<typeof metricTypeSchema>;

export const eventsMetricSchema = z.object({
  /**
   * mean: the measure per unit (e.g. revenue per user); proportion: 1 when the measure is > 0
   * (e.g. converted); ratio: Σ numerator / Σ denominator over units (delta method).
   */
  type: metricTypeSchema,
  measure: measureSchema.optional(),
  numerator: measureSchema.optional(),
  denominator: measureSchema.optional(),
});

export const eventsSourceSchema = z.object({
  kind: z.literal("events"),
  experiment: z.string().min(1),
  exposure_event: z.string().min(1).default("experiment_exposure"),
  experiment_property: propertyPath.default("experiment"),
  variant_property: propertyPath.default("variant"),
  unit: z.enum(["user_id", "anonymous_id", "session_id"]).default("user_id"),
  /** Exposures from this day (inclusive, UTC); all when omitted. */
  start: isoDate.optional(),
  /** Exposures up to this day (inclusive, UTC). */
  end: isoDate.optional(),
  /** Days after the first exposure in which the metric counts. */
  window_days: z.number().int().min(1).max(365).default(14),
  /** Days before the first exposure for CUPED's pre-period metric; 0 turns CUPED off. */
  pre_period_days: z.number().int().min(0).max(365).default(14),
  /** Property of the exposure event to pool across (hierarchical lift), e.g. "geo". */
  segment_property: propertyPath.optional(),
  metric: eventsMetricSchema,
});

export const tableSourceSchema = z.object({
  kind: z.literal("table"),
  table: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an unqualified table name"),
  variant: columnName,
  outcome: columnName,
  metric: metricTypeSchema.default("mean"),
  /** Ratio metrics: the per-unit denominator (outcome is the numerator). */
  denominator: columnName.optional(),
  /** Pre-period value of the metric, for CUPED; NULL for units without pre-period data. */
  covariate: columnName.optional(),
  /** Segment column for the hierarchical (partial-pooling) lift. */
  segment: columnName.optional(),
  /** Integer look index (e.g. day of exposure) for the confidence sequence over time. */
  time: columnName.optional(),
});

const priorSchema = z.object({
  /** Beta prior of each arm's conversion rate (proportions). Default Beta(1, 1). */
  beta: z.object({ alpha: z.number().positive(), beta: z.number().positive() }).optional(),
  /** Normal prior of the absolute difference (means, ratios, CUPED). Default flat. */
  normal: z.object({ mean: z.number(), sd: z.number().positive() }).optional(),
});

export const sequentialSchema = z.discriminatedUnion("method", [
  z.object({
    method: z.literal("confidence_sequence"),
    /** Units (both arms) at which the sequence is tightest; fix it before looking. Default: units at this look. */
    planned_units: z.number().int().positive().optional(),
  }),
  z.object({
    method: z.literal("group_sequential"),
    /** Planned looks (equally spaced unless information_fractions is given). */
    looks: z.number().int().min(1).max(50),
    /** This look, 1-based. */
    look: z.number().int().min(1),
    information_fractions: z.array(z.number().gt(0).max(1)).optional(),
  }),
]);

export const abParamsSchema = z
  .object({
    source: z.discriminatedUnion("kind", [eventsSourceSchema, tableSourceSchema]),
    control: z.string().min(1),
    engine: z.enum(["frequentist", "bayesian"]).default("frequentist"),
    alpha: z.number().gt(0).lt(1).default(0.05),
    /** Across the treatment arms (and, in a run with several metrics, those too). */
    correction: z.enum(["none", "holm", "bh"]).default("holm"),
    /** Planned traffic weights by arm, for the SRM check. Default: equal. */
    planned_split: z.record(z.string(), z.number().positive()).optional(),
    /** Winsorisation: cap the unit-level metric at a value, or at a pooled quantile. */
    cap: z
      .object({ value: z.number().optional(), quantile: z.number().gt(0.5).lt(1).optional() })
      .refine((c) => (c.value === undefined) !== (c.quantile === undefined), "give value or quantile")
      .optional(),
    /** CUPED with the pre-period covariate when there is one. */
    cuped: z.boolean().default(true),
    prior: priorSchema.optional(),
    sequential: sequentialSchema.optional(),
  })
  .superRefine((p, ctx) => {
    const s = p.source;
    if (s.kind === "events") {
      const m = s.metric;
      if (m.type === "ratio" ? !m.numerator || !m.denominator : !m.measure) {
        ctx.addIssue({
          code: "custom",
          path: ["source", "metric"],
          message: m.type === "ratio" ? "a ratio metric needs numerator and denominator" : "give a measure",
        });
      }
      if (s.start && s.end && s.end < s.start) {
        ctx.addIssue({ code: "custom", path: ["source", "end"], message: "end is before start" });
      }
    } else if (s.metric === "ratio" && !s.denominator) {
      ctx.addIssue({
        code: "custom",
        path: ["source", "denominator"],
        message: "a ratio metric needs a denominator",
      });
    }
    const seq = p.sequential;
    if (seq?.method === "group_sequential") {
      if (seq.look > seq.looks) {
        ctx.addIssue({
          code: "custom",
          path: ["sequential", "look"],
          message: "look is after the last planned look",
        });
      }
      const f = seq.information_fractions;
      if (f && (f.length !== seq.looks || f.some((v, i) => i > 0 && !(v > f[i - 1])))) {
        ctx.addIssue({
          code: "custom",
          path: ["sequential", "information_fractions"],
          message: "give one increasing fraction per planned look",
        });
      }
    }
  });

export type AbParams = z.infer<typeof abParamsSchema>;
export type EventsSource = z.infer<typeof eventsSourceSchema>;
export type TableSource = z.infer<typeof tableSourceSchema>;

export function metricType(p: AbParams): MetricType {
  return p.source.kind === "events" ? p.source.metric.type : p.source.metric;
}
