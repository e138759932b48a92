/**
 * Parameters of the `did` model. Two sources share one estimator:
 *  - events (default): a unit × period panel aggregated from `standard_events`;
 *  - table: a table already in the warehouse (the CLI loads a CSV into DuckDB as one).
 */
import { z } from "zod";

const isoDate = z.iso.date();

/** Dotted JSON path inside `properties`, e.g. "geo" or "store.region". Never interpolated unchecked. */
const propertyPath = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/, "a dotted path of identifiers");

/** A column of a user table. Quoted with the dialect's quoteIdent, so any non-empty name works. */
const columnName = z.string().min(1).max(256);

const reservedTerm = /^(att|lead_\d+|lag_\d+)$/;

export const outcomeSpecSchema = z.object({
  kind: z.enum(["event_count", "revenue_sum", "distinct_users"]),
  /** Only events with this name count; all events when omitted. */
  event_name: z.string().min(1).optional(),
});
export type OutcomeSpec = z.infer<typeof outcomeSpecSchema>;

/** Columns of standard_events that can define a unit. */
export const unitColumns = [
  "user_id",
  "anonymous_id",
  "session_id",
  "channel",
  "campaign",
  "source",
  "medium",
  "utm_source",
  "utm_medium",
  "utm_campaign",
] as const;

export const unitSpecSchema = z.union([z.enum(unitColumns), z.object({ property: propertyPath })]);
export type UnitSpec = z.infer<typeof unitSpecSchema>;

export const seTypeSchema = z.enum(["cr1", "hc1", "classical"]);

export const eventStudySchema = z.object({
  /** Lead terms lead_<leads> … lead_2; period −1 is the reference. */
  leads: z.number().int().min(1).max(104),
  /** Lag terms lag_0 … lag_<lags>. */
  lags: z.number().int().min(0).max(104),
  /**
   * "bin": lead_<leads> also takes every earlier relative period and lag_<lags> every later one.
   * "trim": treated observations outside [−leads, lags] are dropped from the event-study sample.
   */
  endpoints: z.enum(["bin", "trim"]).default("bin"),
});
export type EventStudyParams = z.infer<typeof eventStudySchema>;

const commonShape = {
  /**
   * "2x2": y on treated, post and treated×post (plus covariates), no fixed effects.
   * "twfe": y on D with unit and time fixed effects (within transformation).
   * Default: "twfe" when there is a unit and a time dimension, otherwise "2x2".
   */
  design: z.enum(["2x2", "twfe"]).optional(),
  /** Default: cr1 clustered by unit (or by `source.cluster`); hc1 when there is nothing to cluster on. */
  se: seTypeSchema.optional(),
  event_study: eventStudySchema.optional(),
  alpha: z.number().gt(0).lt(1).default(0.05),
};

export const eventCovariateSchema = outcomeSpecSchema.extend({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an identifier"),
});

export const commonTreatmentSchema = z.object({
  treated_units: z.array(z.string().min(1)).min(1),
  /** First day of treatment; its period and all later ones are "post". */
  start: isoDate,
});
export const staggeredTreatmentSchema = z.object({
  /** Unit → first treated day. Units not listed are never treated. */
  first_treated: z.record(z.string().min(1), isoDate),
});

export const eventsParamsSchema = z.object({
  source: z.object({ kind: z.literal("events") }).default({ kind: "events" }),
  outcome: outcomeSpecSchema,
  unit: unitSpecSchema,
  period: z.enum(["day", "week", "month"]),
  /** Inclusive first and last day (UTC). */
  start: isoDate,
  end: isoDate,
  treatment: z.union([commonTreatmentSchema, staggeredTreatmentSchema]),
  covariates: z.array(eventCovariateSchema).max(20).optional(),
  ...commonShape,
});

export const tableSourceSchema = z.object({
  kind: z.literal("table"),
  /** A table in the warehouse's default schema. */
  table: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an unqualified table name"),
  outcome: columnName,
  /** 0/1 treated-group indicator. */
  treated: columnName.optional(),
  /** 0/1 post-period indicator. */
  post: columnName.optional(),
  unit: columnName.optional(),
  /** Integer-valued period (e.g. year); needed for TWFE and event studies. */
  time: columnName.optional(),
  /** First treated period per row's unit, in `time` units; NULL for never-treated units. */
  first_treated: columnName.optional(),
  /** Cluster column; defaults to `unit`. */
  cluster: columnName.optional(),
});

export const tableParamsSchema = z.object({
  source: tableSourceSchema,
  covariates: z.array(columnName).max(50).optional(),
  ...commonShape,
});

/**
 * A failed union only says "Invalid input"; name the problems of the branch the input asked for
 * (source.kind "table", else events) so API and CLI users see which field is wrong.
 */
function unionMessage(issue: {
  input?: unknown;
  errors?: { path: PropertyKey[]; message: string }[][];
}): string | undefined {
  if (!issue.errors) return undefined;
  const kind = (issue.input as { source?: { kind?: unknown } } | null | undefined)?.source?.kind;
  const branch = issue.errors[kind === "table" ? 0 : 1] ?? [];
  if (branch.length === 0) return undefined;
  return branch.map((i) => `${i.path.map(String).join(".") || "params"}: ${i.message}`).join("; ");
}

export const didParamsSchema = z
  .union([tableParamsSchema, eventsParamsSchema], {
    error: (iss) => unionMessage(iss as Parameters<typeof unionMessage>[0]),
  })
  .superRefine((p, ctx) => {
    const covNames =
      p.source.kind === "table"
        ? ((p as z.infer<typeof tableParamsSchema>).covariates ?? [])
        : ((p as z.infer<typeof eventsParamsSchema>).covariates ?? []).map((c) => c.name);
    const seen = new Set<string>();
    covNames.forEach((name, i) => {
      if (reservedTerm.test(name)) {
        ctx.addIssue({
          code: "custom",
          path: ["covariates", i],
          message: `"${name}" is a reserved term name`,
        });
      }
      if (seen.has(name)) {
        ctx.addIssue({ code: "custom", path: ["covariates", i], message: `duplicate covariate "${name}"` });
      }
      seen.add(name);
    });
    if (p.design === "2x2" && p.event_study) {
      ctx.addIssue({ code: "custom", path: ["event_study"], message: "an event study needs design twfe" });
    }
    if (p.source.kind === "events") {
      const e = p as z.infer<typeof eventsParamsSchema>;
      if (e.end < e.start) ctx.addIssue({ code: "custom", path: ["end"], message: "end is before start" });
      if ("first_treated" in e.treatment && e.design === "2x2") {
        ctx.addIssue({
          code: "custom",
          path: ["design"],
          message: "staggered adoption (first_treated) needs design twfe",
        });
      }
    } else {
      const s = p.source as z.infer<typeof tableSourceSchema>;
      const hasPanel = s.unit !== undefined && s.time !== undefined;
      if (!s.first_treated && (!s.treated || !s.post)) {
        ctx.addIssue({
          code: "custom",
          path: ["source"],
          message: "give treated and post columns, or a first_treated column with unit and time",
        });
      }
      if (s.first_treated && !hasPanel) {
        ctx.addIssue({
          code: "custom",
          path: ["source", "first_treated"],
          message: "first_treated needs unit and time",
        });
      }
      if (p.design === "twfe" && !hasPanel) {
        ctx.addIssue({
          code: "custom",
          path: ["design"],
          message: "design twfe needs unit and time columns",
        });
      }
      if (p.event_study && !hasPanel) {
        ctx.addIssue({
          code: "custom",
          path: ["event_study"],
          message: "an event study needs unit and time columns",
        });
      }
      if (s.first_treated && p.design === "2x2") {
        ctx.addIssue({
          code: "custom",
          path: ["design"],
          message: "staggered adoption (first_treated) needs design twfe",
        });
      }
    }
  });

export type DidParams = z.infer<typeof didParamsSchema>;
export type EventsDidParams = z.infer<typeof eventsParamsSchema>;
export type TableDidParams = z.infer<typeof tableParamsSchema>;
export type TableSource = z.infer<typeof tableSourceSchema>;

export function isTableParams(p: DidParams): p is TableDidParams {
  return p.source.kind === "table";
}
