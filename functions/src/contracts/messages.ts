import { z } from "zod";
import { ingestPathSchema } from "./event";

/**
 * Pub/Sub message carrying normalised events to the warehouse writer. One message is written in one
 * transaction (all rows or none); redelivery is harmless because rows are keyed by event_id.
 */
export const eventRowSchema = z.object({
  workspace_id: z.string(),
  event_id: z.string(),
  event_name: z.string(),
  event_ts: z.string(),
  received_at: z.string(),
  user_id: z.string().nullable(),
  anonymous_id: z.string().nullable(),
  session_id: z.string().nullable(),
  properties: z.string().nullable(),
  page_url: z.string().nullable(),
  referrer: z.string().nullable(),
  user_agent: z.string().nullable(),
  utm_source: z.string().nullable(),
  utm_medium: z.string().nullable(),
  utm_campaign: z.string().nullable(),
  utm_term: z.string().nullable(),
  utm_content: z.string().nullable(),
  source: z.string().nullable(),
  medium: z.string().nullable(),
  campaign: z.string().nullable(),
  channel: z.string(),
  revenue: z.number().nullable(),
  currency: z.string().nullable(),
  order_id: z.string().nullable(),
  ingest_path: ingestPathSchema,
});

export const rejectedRowSchema = z.object({
  workspace_id: z.string(),
  rejection_id: z.string(),
  source_id: z.string(),
  ingest_path: ingestPathSchema,
  row_index: z.number().int(),
  field_path: z.string().nullable(),
  reason: z.string(),
  raw: z.string().nullable(),
  rejected_at: z.string(),
});
export type RejectedRow = z.infer<typeof rejectedRowSchema>;

export const eventBatchMessageSchema = z.object({
  v: z.literal(1),
  workspace_id: z.string(),
  /** Request id or upload id: with the chunk number, the message's idempotency key. */
  source_id: z.string(),
  chunk: z.number().int().nonnegative(),
  events: z.array(eventRowSchema),
  rejected: z.array(rejectedRowSchema),
});
export type EventBatchMessage = z.infer<typeof eventBatchMessageSchema>;
