import { eventBatchMessageSchema, type EventBatchMessage } from "../contracts/messages";
import type { InsertOutcome, Warehouse } from "../warehouse/warehouse";
import type { EventPublisher } from "./ports";

export class InvalidMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidMessageError";
  }
}

/** Parses a Pub/Sub payload; a malformed message is a permanent failure (acked and logged, not retried). */
export function parseEventBatchMessage(json: unknown): EventBatchMessage {
  const parsed = eventBatchMessageSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidMessageError(`malformed event batch: ${issue?.path.join(".")}: ${issue?.message}`);
  }
  return parsed.data;
}

/**
 * Writes one message: its events (deduplicated by key) and its rejected rows. Both inserts are keyed,
 * so a redelivered message, a retry after a partial failure, or a replayed file leaves exactly one row.
 */
export async function writeEventBatch(
  warehouse: Warehouse,
  message: EventBatchMessage,
): Promise<InsertOutcome> {
  const outcome = await warehouse.insert("standard_events", message.events);
  if (message.rejected.length > 0) await warehouse.insert("rejected_events", message.rejected);
  return outcome;
}

/** Publisher for in-process use (CLI, seed, bench): writes messages straight to the warehouse. */
export class DirectWarehousePublisher implements EventPublisher {
  readonly totals: InsertOutcome = { inserted: 0, duplicates: 0 };
  constructor(private readonly warehouse: Warehouse) {}

  async publish(messages: EventBatchMessage[]): Promise<void> {
    // One insert for all events of the call keeps the DuckDB write fast and atomic.
    const events = messages.flatMap((m) => m.events);
    const rejected = messages.flatMap((m) => m.rejected);
    const out = await this.warehouse.insert("standard_events", events);
    if (rejected.length > 0) await this.warehouse.insert("rejected_events", rejected);
    this.totals.inserted += out.inserted;
    this.totals.duplicates += out.duplicates;
  }
}
