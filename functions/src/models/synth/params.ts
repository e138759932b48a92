/**
 * Parameters of the `synth` model. Two sources share one estimator:
 *  - events (default): a geo × period panel aggregated in the warehouse from `standard_events`
 *    (unit = properties.geo unless said otherwise);
 *  - table: a unit × period table already in the warehouse (the CLI loads a CSV as one).
 */
import { z } from "zod";

const isoDate = z.iso.date();
const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an identifier");
const propertyPath = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/, "a dotted path of identifiers");
const columnName = z.string().min(1).max(256);
/** A period: a value of the time column (number or text such as an ISO date), or an ISO date for events. */
export const periodValueSchema = z.union([z.number(), z.string().min(1)]);
export type PeriodValue = z.infer<typeof periodValueSchema>;

export const metricSchema = z.object({
  kind: z.enum(["event_count", "revenue_sum", "distinct_users"]),
  event_name: z.string().min(1).optional(),
});
export type Metric = z.infer<typeof metricSchema>;

export const unitColumns = [
  "channel",
  "campaign",
  "source",
  "medium",
  "utm_source",
  "utm_medium",
  "utm_campaign",
] as const;

export const eventsSourceSchema = z.object({
  kind: z.literal("events"),
  outcome: metricSchema,
  unit: z.union([z.enum(unitColumns), z.object({ property: propertyPath })]).default({ property: "geo" }),
  period: z.enum(["day", "week", "month"]).default("day"),
  start: isoDate,
  end: isoDate,
  /** Further per-unit-period metrics usable as ADH predictors (by name). */
  covariates: z
    .array(metricSchema.extend({ name: identifier }))
    .max(20)
    .optional(),
});

export const tableSourceSchema = z.object({
  kind: z.literal("table"),
  table: identifier,
  unit: columnName,
  /** Period column: numbers (e.g. years) or anything that sorts (dates). */
  time: columnName,
  outcome: columnName,
});

/** An ADH predictor: the mean of `variable` over [from, to] (default: the whole pre period). */
export const predictorSchema = z.union([
  columnName,
  z.object({
    variable: columnName,
    from: periodValueSchema.optional(),
    to: periodValueSchema.optional(),
    name: z.string().min(1).optional(),
  }),
]);
export type PredictorParam = z.infer<typeof predictorSchema>;

export const synthParamsSchema = z
  .object({
    source: z.discriminatedUnion("kind", [eventsSourceSchema, tableSourceSchema]),
    treated_units: z.array(z.string().min(1)).min(1),
    /** First treated period (table: a value of the time column; events: an ISO date). */
    treatment_start: periodValueSchema,
    /** outcome: simplex weights fit to all pre-period outcomes; adh: predictors with data-driven V; augmented: outcome SC + ridge correction. */
    method: z.enum(["outcome", "adh", "augmented"]).default("outcome"),
    predictors: z.array(predictorSchema).max(50).optional(),
    inference: z.enum(["placebo", "conformal"]).default("placebo"),
    /** Several treated units: fit their average (GeoLift's convention) or each one separately. */
    multiple: z.enum(["aggregate", "per_unit"]).default("aggregate"),
    /** Restrict the donor pool to these units. */
    donors: z.array(z.string().min(1)).optional(),
    exclude_donors: z.array(z.string().min(1)).optional(),
    /** Donors with missing outcomes: dropped with a warning (default) or an error. */
    donor_gaps: z.enum(["drop", "error"]).default("drop"),
    /** Augmented SC ridge penalty; chosen by cross-validation when omitted. */
    ridge_lambda: z.number().positive().optional(),
    /** Conformal test statistic exponent q (CWZ 2021 use q = 1 by default). */
    conformal_q: z.union([z.literal(1), z.literal(2)]).default(1),
    alpha: z.number().gt(0).lt(1).default(0.05),
  })
  .superRefine((p, ctx) => {
    if (p.method === "adh" && !(p.predictors && p.predictors.length > 0)) {
      ctx.addIssue({ code: "custom", path: ["predictors"], message: "method adh needs predictors" });
    }
    if (p.predictors && p.method !== "adh") {
      ctx.addIssue({
        code: "custom",
        path: ["predictors"],
        message: "predictors are used by method adh only",
      });
    }
    if (p.source.kind === "events") {
      if (p.source.end < p.source.start)
        ctx.addIssue({ code: "custom", path: ["source", "end"], message: "end is before start" });
      if (typeof p.treatment_start !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(p.treatment_start)) {
        ctx.addIssue({
          code: "custom",
          path: ["treatment_start"],
          message: "an ISO date (YYYY-MM-DD) for the events source",
        });
      }
    }
    const seen = new Set<string>();
    p.treated_units.forEach((u, i) => {
      if (seen.has(u))
        ctx.addIssue({ code: "custom", path: ["treated_units", i], message: `duplicate unit "${u}"` });
      seen.add(u);
    });
  });

export type SynthParams = z.infer<typeof synthParamsSchema>;
