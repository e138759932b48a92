import type { IngestPath, IngestResponse, RejectedEvent, StandardEventRow } from "../contracts/event";
import type { EventBatchMessage, RejectedRow } from "../contracts/messages";
import { normaliseBatch, type NormaliseContext } from "./normalise";
import type { EventEnricher } from "./enrichment";
import { PublishUnavailableError, type EventPublisher } from "./ports";
import type { TimeWindow } from "./timestamp";

/** Rows per Pub/Sub message: keeps a message well under Pub/Sub's 10 MB limit at 1 MiB events. */
export const ROWS_PER_MESSAGE = 500;

export interface IngestRequestContext {
  workspaceId: string;
  path: IngestPath;
  /** The request's (or upload's) id: makes the messages and rejection rows idempotent. */
  sourceId: string;
  receivedAt: Date;
  window: TimeWindow;
  enrichers?: readonly EventEnricher[];
  /** Index of the first event in `raws` within the whole request or file. */
  indexOffset?: number;
  /** First message chunk number (file drops publish several batches). */
  chunkOffset?: number;
  /** Raw text of each row for the rejected-rows report (file drops). */
  rawText?: (i: number) => string | null;
}

export function rejectedRows(ctx: IngestRequestContext, rejected: readonly RejectedEvent[]): RejectedRow[] {
  const at = ctx.receivedAt.toISOString();
  const offset = ctx.indexOffset ?? 0;
  return rejected.map((r) => ({
    workspace_id: ctx.workspaceId,
    rejection_id: `${ctx.sourceId}:${r.index}`,
    source_id: ctx.sourceId,
    ingest_path: ctx.path,
    row_index: r.index,
    field_path: r.path,
    reason: r.reason,
    raw: ctx.rawText ? truncate(ctx.rawText(r.index - offset)) : null,
    rejected_at: at,
  }));
}

function truncate(s: string | null): string | null {
  return s === null ? null : s.length > 2048 ? `${s.slice(0, 2045)}...` : s;
}

/** Splits rows into messages; rejected rows ride along with the first message. */
export function toMessages(
  ctx: IngestRequestContext,
  rows: StandardEventRow[],
  rejected: RejectedRow[],
): EventBatchMessage[] {
  const messages: EventBatchMessage[] = [];
  const first = ctx.chunkOffset ?? 0;
  for (let i = 0; i < Math.max(rows.length, 1); i += ROWS_PER_MESSAGE) {
    messages.push({
      v: 1,
      workspace_id: ctx.workspaceId,
      source_id: ctx.sourceId,
      chunk: first + messages.length,
      events: rows.slice(i, i + ROWS_PER_MESSAGE),
      rejected: i === 0 ? rejected : [],
    });
  }
  return messages.filter((m) => m.events.length > 0 || m.rejected.length > 0);
}

/**
 * The one validate → normalise → publish path that every ingestion route (HTTP, callable, file drop,
 * CLI) goes through. Publishing is all-or-error: if any message fails, the caller gets an error and
 * retries the whole batch, which is safe because event ids are stable.
 */
export async function ingestEvents(
  raws: readonly unknown[],
  ctx: IngestRequestContext,
  publisher: EventPublisher,
): Promise<IngestResponse & { messages: number }> {
  const normaliseCtx: NormaliseContext = {
    workspaceId: ctx.workspaceId,
    path: ctx.path,
    receivedAt: ctx.receivedAt,
    window: ctx.window,
    enrichers: ctx.enrichers,
  };
  const { rows, rejected } = normaliseBatch(raws, normaliseCtx, ctx.indexOffset ?? 0);
  const messages = toMessages(ctx, rows, rejectedRows(ctx, rejected));
  if (messages.length > 0) {
    try {
      await publisher.publish(messages);
    } catch (err) {
      if (err instanceof PublishUnavailableError) throw err;
      throw new PublishUnavailableError(`could not queue events: ${(err as Error).message}`, err);
    }
  }
  return {
    request_id: ctx.sourceId,
    workspace_id: ctx.workspaceId,
    received: raws.length,
    accepted: rows.length,
    rejected: rejected.length,
    errors: rejected,
    messages: messages.length,
  };
}
