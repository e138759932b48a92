import { z } from "zod";

/**
 * The event contract: one schema, shared by the functions, the CLI and the web app.
 * This is the wire shape a client sends; `ingestion/normalise.ts` turns it into a `standard_events` row.
 */
export const WORKSPACE_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export const workspaceIdSchema = z
  .string()
  .regex(WORKSPACE_ID_PATTERN, "lower-case letters, digits, '-' or '_', at most 63 characters");

const id = (max: number) =>
  z.string().trim().min(1, "must not be empty").max(max, `at most ${max} characters`);

/** ISO-8601 with an explicit zone (Z or ±hh:mm), or epoch milliseconds. */
export const timestampInputSchema = z.union([
  z.iso.datetime({
    offset: true,
    local: false,
    message: "ISO-8601 timestamp with a time zone (Z or ±hh:mm)",
  }),
  z
    .number()
    .int("epoch milliseconds must be an integer")
    .min(0)
    .max(8.64e15, "epoch milliseconds out of range"),
]);

export const eventContextSchema = z
  .object({
    page_url: z.string().max(4096).optional(),
    referrer: z.string().max(4096).optional(),
    user_agent: z.string().max(1024).optional(),
    utm_source: z.string().max(256).optional(),
    utm_medium: z.string().max(256).optional(),
    utm_campaign: z.string().max(256).optional(),
    utm_term: z.string().max(256).optional(),
    utm_content: z.string().max(256).optional(),
  })
  .strict();

export const eventInputSchema = z
  .object({
    event_id: id(128).optional(),
    workspace_id: workspaceIdSchema.optional(),
    event_name: id(128),
    timestamp: timestampInputSchema,
    user_id: id(256).nullish(),
    anonymous_id: id(256).nullish(),
    session_id: id(256).nullish(),
    properties: z.record(z.string(), z.json()).optional(),
    context: eventContextSchema.optional(),
    revenue: z.number().finite().nullish(),
    currency: z
      .string()
      .regex(/^[A-Za-z]{3}$/, "ISO 4217 code, e.g. USD")
      .nullish(),
    order_id: id(256).nullish(),
  })
  .strict()
  .superRefine((e, ctx) => {
    if (!e.user_id && !e.anonymous_id) {
      ctx.addIssue({ code: "custom", path: ["user_id"], message: "user_id or anonymous_id is required" });
    }
    if (e.revenue !== undefined && e.revenue !== null && !e.currency) {
      ctx.addIssue({ code: "custom", path: ["currency"], message: "currency is required with revenue" });
    }
  });

export type EventInput = z.infer<typeof eventInputSchema>;

/** The `standard_events` row (see bigquery-schemas/standard_events.json). */
export interface StandardEventRow {
  workspace_id: string;
  event_id: string;
  event_name: string;
  event_ts: string;
  received_at: string;
  user_id: string | null;
  anonymous_id: string | null;
  session_id: string | null;
  properties: string | null;
  page_url: string | null;
  referrer: string | null;
  user_agent: string | null;
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
  utm_term: string | null;
  utm_content: string | null;
  source: string | null;
  medium: string | null;
  campaign: string | null;
  channel: string;
  revenue: number | null;
  currency: string | null;
  order_id: string | null;
  ingest_path: IngestPath;
}

export const ingestPathSchema = z.enum(["http", "callable", "file", "cli", "seed"]);
export type IngestPath = z.infer<typeof ingestPathSchema>;

/** A request body: one event, an array of events, or `{ workspace_id?, events: [...] }`. */
export const ingestRequestSchema = z.union([
  z.object({ workspace_id: workspaceIdSchema.optional(), events: z.array(z.unknown()) }).strict(),
  z.array(z.unknown()),
  z.record(z.string(), z.unknown()),
]);

export interface RejectedEvent {
  index: number;
  /** Dotted path inside the event, e.g. `context.utm_source`; null when the whole event is at fault. */
  path: string | null;
  reason: string;
}

export const ingestResponseSchema = z.object({
  request_id: z.string(),
  workspace_id: z.string(),
  received: z.number().int(),
  accepted: z.number().int(),
  rejected: z.number().int(),
  errors: z.array(z.object({ index: z.number().int(), path: z.string().nullable(), reason: z.string() })),
});
export type IngestResponse = z.infer<typeof ingestResponseSchema>;
