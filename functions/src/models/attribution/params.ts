/**
 * Parameters of the `attribution` model. Two journey sources share every model:
 *  - table: aggregated paths already in the warehouse, ChannelAttribution's format (one row per
 *    distinct path or per journey: path string, conversions, optional value and nulls, optional
 *    touch ages); the CLI loads a CSV into DuckDB as one;
 *  - events (default): journeys built in SQL from `standard_events`.
 */
import { z } from "zod";

const isoDate = z.iso.date();
const columnName = z.string().min(1).max(256);

export const ATTRIBUTION_MODELS = [
  "first",
  "last",
  "linear",
  "time_decay",
  "position",
  "markov",
  "shapley",
  "shapley_ordered",
] as const;
export type AttributionModelName = (typeof ATTRIBUTION_MODELS)[number];

export const tableSourceSchema = z.object({
  kind: z.literal("table"),
  table: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an unqualified table name"),
  /** Path column: channels joined by `separator`, e.g. "a > b > c". */
  path: columnName,
  conversions: columnName,
  value: columnName.optional(),
  /** Journeys along the path that did not convert (needed for Markov conversion probabilities). */
  nulls: columnName.optional(),
  /**
   * Optional touch ages in days before the conversion, one per touch and joined by `separator`
   * ("9 > 2.5 > 0"); needed only by time_decay.
   */
  times: columnName.optional(),
  separator: z.string().min(1).max(8).default(">"),
});
export type AttributionTableSource = z.infer<typeof tableSourceSchema>;

export const eventsSourceSchema = z.object({
  kind: z.literal("events"),
  /** The event that counts as a conversion; its `revenue` is the conversion value. */
  conversion_event: z.string().min(1),
  /** Inclusive first and last day (UTC) of the conversions analysed. */
  start: isoDate,
  end: isoDate,
  /** Touches at most this many days before a conversion belong to its journey. */
  lookback_days: z.number().int().min(1).max(365).default(30),
  /** "session": one touch per session (its first event); "event": every event (not the conversion). */
  touchpoint: z.enum(["session", "event"]).default("session"),
  /** The column that names a touch. */
  dimension: z
    .enum(["channel", "campaign", "source", "medium", "utm_source", "utm_campaign"])
    .default("channel"),
  /** Touch values left out of journeys, e.g. ["direct"]. */
  exclude: z.array(z.string()).max(100).default([]),
  /** Journeys that did not convert (Markov's (null) transitions). */
  non_converting: z.boolean().default(true),
});
export type AttributionEventsSource = z.infer<typeof eventsSourceSchema>;

export const attributionParamsSchema = z
  .object({
    source: z.discriminatedUnion("kind", [tableSourceSchema, eventsSourceSchema]),
    models: z
      .array(z.enum(ATTRIBUTION_MODELS))
      .min(1)
      .default([...ATTRIBUTION_MODELS]),
    time_decay: z
      .object({ half_life_days: z.number().gt(0).max(3650).default(7) })
      .default({ half_life_days: 7 }),
    /** Position-based (U-shaped) shares of the first and last touch; the middle touches split the rest. */
    position: z
      .object({ first: z.number().min(0).max(1).default(0.4), last: z.number().min(0).max(1).default(0.4) })
      .default({ first: 0.4, last: 0.4 }),
    markov: z
      .object({
        order: z.number().int().min(1).max(6).default(1),
        /** a > a > b is read as a > b (self-transitions dropped before counting). */
        collapse_repeats: z.boolean().default(false),
      })
      .default({ order: 1, collapse_repeats: false }),
  })
  .superRefine((p, ctx) => {
    if (p.position.first + p.position.last > 1 + 1e-12) {
      ctx.addIssue({ code: "custom", path: ["position"], message: "first + last must be at most 1" });
    }
    if (p.position.first + p.position.last <= 0) {
      ctx.addIssue({ code: "custom", path: ["position"], message: "first + last must be positive" });
    }
    if (p.source.kind === "events" && p.source.end < p.source.start) {
      ctx.addIssue({ code: "custom", path: ["source", "end"], message: "end is before start" });
    }
    if (new Set(p.models).size !== p.models.length) {
      ctx.addIssue({ code: "custom", path: ["models"], message: "a model is listed twice" });
    }
  });

export type AttributionParams = z.infer<typeof attributionParamsSchema>;
