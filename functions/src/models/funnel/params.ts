/**
 * Parameters of the `funnel` model: ordered steps (event names with optional filters) that a person
 * must complete in order within a window after entering step 1, over `standard_events`.
 */
import { z } from "zod";

const isoDate = z.iso.date();

/** Dotted JSON path inside `properties`, e.g. "plan" or "item.category". */
const propertyPath = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/, "a dotted path of identifiers");

export const FUNNEL_COLUMNS = [
  "channel",
  "campaign",
  "source",
  "medium",
  "utm_source",
  "utm_medium",
  "utm_campaign",
  "utm_content",
  "utm_term",
  "currency",
] as const;

const scalar = z.union([z.string(), z.number(), z.boolean()]);

export const filterSchema = z
  .object({
    property: propertyPath.optional(),
    column: z.enum(FUNNEL_COLUMNS).optional(),
    /** Values compare as strings (JSON numbers and booleans as written: 12, true). */
    op: z.enum(["eq", "neq", "in", "not_in", "exists"]).default("eq"),
    value: z.union([scalar, z.array(scalar).min(1).max(100)]).optional(),
  })
  .superRefine((f, ctx) => {
    if ((f.property === undefined) === (f.column === undefined)) {
      ctx.addIssue({ code: "custom", path: ["property"], message: "give exactly one of property or column" });
    }
    if (f.op !== "exists" && f.value === undefined) {
      ctx.addIssue({ code: "custom", path: ["value"], message: `op ${f.op} needs a value` });
    }
    if ((f.op === "in" || f.op === "not_in") !== Array.isArray(f.value) && f.op !== "exists") {
      ctx.addIssue({
        code: "custom",
        path: ["value"],
        message: `op ${f.op} needs ${f.op.endsWith("in") ? "a list" : "one value"}`,
      });
    }
  });
export type FunnelFilter = z.infer<typeof filterSchema>;

export const stepSchema = z.object({
  event_name: z.string().min(1),
  label: z.string().min(1).max(128).optional(),
  filters: z.array(filterSchema).max(20).default([]),
});
export type FunnelStep = z.infer<typeof stepSchema>;

export const funnelParamsSchema = z
  .object({
    steps: z.array(stepSchema).min(2).max(20),
    /** Inclusive first and last day (UTC) on which people may enter step 1. */
    start: isoDate,
    end: isoDate,
    /** Every later step must happen within this many days of entering step 1. */
    window_days: z.number().gt(0).max(365).default(7),
    /** Break users down by this column of their step-1 event. */
    breakdown: z.enum(FUNNEL_COLUMNS).optional(),
    /**
     * Partial-funnel attribution: each step-to-step progress is shared equally among the distinct
     * values of this column on the person's events between the two steps (the later step included).
     */
    attribution: z.enum(FUNNEL_COLUMNS).nullable().default("channel"),
  })
  .superRefine((p, ctx) => {
    if (p.end < p.start) ctx.addIssue({ code: "custom", path: ["end"], message: "end is before start" });
  });
export type FunnelParams = z.infer<typeof funnelParamsSchema>;
