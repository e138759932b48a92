import { DirectWarehousePublisher } from "../ingestion/event-writer";
import { ingestEvents } from "../ingestion/ingest-service";
import type { TimeWindow } from "../ingestion/timestamp";
import type { Warehouse } from "../warehouse/warehouse";
import { demoEvents, type DemoConfig } from "./synthetic";

export interface SeedOutcome {
  workspace_id: string;
  skipped: boolean;
  events: number;
  inserted: number;
}

/**
 * Loads the demo data set through the normal ingestion path (validate → normalise → dedup write).
 * Skips a workspace that already holds seeded data, so `npm start` twice does not double it.
 */
export async function seedWarehouse(
  warehouse: Warehouse,
  cfg: DemoConfig,
  window: TimeWindow,
): Promise<SeedOutcome> {
  const d = warehouse.dialect;
  const existing = await warehouse.query<{ n: number }>({
    label: "seed_existing",
    sql: `SELECT COUNT(*) AS n FROM ${d.table("standard_events")} WHERE workspace_id = ${d.param("w")} AND ingest_path = 'seed'`,
    params: { w: cfg.workspaceId },
  });
  if (Number(existing.rows[0]?.n ?? 0) > 0) {
    return { workspace_id: cfg.workspaceId, skipped: true, events: Number(existing.rows[0].n), inserted: 0 };
  }
  const publisher = new DirectWarehousePublisher(warehouse);
  const receivedAt = new Date();
  let batch: unknown[] = [];
  let total = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const out = await ingestEvents(
      batch,
      {
        workspaceId: cfg.workspaceId,
        path: "seed",
        sourceId: `seed:${cfg.seed}`,
        receivedAt,
        window,
        indexOffset: total,
      },
      publisher,
    );
    if (out.rejected > 0) throw new Error(`demo data rejected: ${JSON.stringify(out.errors.slice(0, 3))}`);
    total += batch.length;
    batch = [];
  };
  for (const e of demoEvents(cfg)) {
    batch.push(e);
    if (batch.length >= 10_000) await flush();
  }
  await flush();
  return {
    workspace_id: cfg.workspaceId,
    skipped: false,
    events: total,
    inserted: publisher.totals.inserted,
  };
}
