import type { RejectedEvent } from "../contracts/event";
import type { FileRow } from "./files";
import { rejectedRows, toMessages, type IngestRequestContext } from "./ingest-service";
import { normaliseBatch } from "./normalise";
import type { EventPublisher } from "./ports";
import type { EventBatchMessage } from "../contracts/messages";

export interface StreamCounts {
  rows_read: number;
  rows_accepted: number;
  rows_rejected: number;
}

export interface RowRejection extends RejectedEvent {
  line: number | undefined;
  raw: string | undefined;
}

export interface StreamIngestOptions {
  /** Context shared by every chunk; index offsets and chunk numbers are filled in per chunk. */
  base: Omit<IngestRequestContext, "indexOffset" | "chunkOffset" | "rawText">;
  publisher: EventPublisher;
  onRejected?: (r: RowRejection) => Promise<void> | void;
  onProgress?: (c: StreamCounts) => Promise<void> | void;
  /**
   * Messages are gathered until they hold at least this many rows (events + rejected rows), then
   * handed to the publisher in one `publish` call (default 10,000; 1 = one call per input chunk).
   * A publisher that writes one call atomically (DirectWarehousePublisher: one transaction) therefore
   * commits that many rows or none; the messages themselves (and their idempotency keys:
   * source id + chunk number) are the same whatever this is.
   */
  publishRows?: number;
}

export const DEFAULT_PUBLISH_ROWS = 10_000;

/** One input chunk's outcome, reported once the publish call that carried it has succeeded. */
interface ChunkReport {
  rows: FileRow[];
  /** Row by file index (indices are dense in a file, sparse for the bulk loader's deferred rows). */
  at: (index: number) => FileRow | undefined;
  rejects: RejectedEvent[];
  accepted: number;
}

/**
 * Ingests a stream of parsed file rows chunk by chunk on the shared validate → normalise → publish path.
 * Used by file drops (Storage trigger) and by `cfap ingest`: one implementation, two adapters.
 *
 * Pipelined: while one publish call is in flight (e.g. DuckDB inserting on its own threads), the next
 * chunks are read and normalised. At most one call is in flight, and it is awaited before the next
 * one starts, so publishes stay in order and memory stays bounded (≈ 2 × publishRows rows).
 * onRejected / onProgress for a chunk run only after the call carrying it succeeded, in order.
 * On any error the in-flight call is settled first, then the error is thrown.
 */
export async function ingestRowStream(
  chunks: AsyncIterable<FileRow[]>,
  options: StreamIngestOptions,
): Promise<StreamCounts> {
  const counts: StreamCounts = { rows_read: 0, rows_accepted: 0, rows_rejected: 0 };
  const publishRows = Math.max(1, options.publishRows ?? DEFAULT_PUBLISH_ROWS);
  let chunkNo = 0;
  let pending: EventBatchMessage[] = [];
  let pendingRows = 0;
  let reports: ChunkReport[] = [];
  let inflight: Promise<void> | null = null;

  const report = async (batch: ChunkReport[]): Promise<void> => {
    for (const c of batch) {
      if (options.onRejected) {
        for (const r of c.rejects) {
          const row = c.at(r.index);
          await options.onRejected({ ...r, line: row?.line, raw: row?.raw });
        }
      }
      counts.rows_read += c.rows.length;
      counts.rows_accepted += c.accepted;
      counts.rows_rejected += c.rejects.length;
      await options.onProgress?.(counts);
    }
  };

  /** Waits for the call in flight, then starts publishing what is pending (without waiting for it). */
  const flush = async (): Promise<void> => {
    if (inflight) {
      const previous = inflight;
      inflight = null;
      await previous;
    }
    const messages = pending;
    const batch = reports;
    pending = [];
    pendingRows = 0;
    reports = [];
    if (batch.length === 0) return;
    const p = (messages.length > 0 ? options.publisher.publish(messages) : Promise.resolve()).then(() =>
      report(batch),
    );
    // Handled here so a failure is not an unhandled rejection while the next chunk is read; it is
    // rethrown where `inflight` is awaited.
    p.catch(() => undefined);
    inflight = p;
  };

  try {
    for await (const rows of chunks) {
      if (rows.length === 0) continue;
      const offset = rows[0].index;
      const at = rowLookup(rows);
      const ctx: IngestRequestContext = {
        ...options.base,
        indexOffset: offset,
        chunkOffset: chunkNo,
        rawText: (i) => at(i + offset)?.raw ?? null,
      };
      const parseRejects: RejectedEvent[] = [];
      const good: unknown[] = [];
      const goodRowPos: number[] = [];
      for (let pos = 0; pos < rows.length; pos++) {
        const r = rows[pos];
        if (r.ok) {
          good.push(r.value);
          goodRowPos.push(pos);
        } else parseRejects.push({ index: r.index, path: r.path, reason: r.reason });
      }
      const { rows: normalised, rejected } = normaliseBatch(good, ctx, 0);
      const validationRejects = rejected.map((r) => ({ ...r, index: rows[goodRowPos[r.index]].index }));
      const allRejects =
        parseRejects.length === 0
          ? validationRejects
          : [...parseRejects, ...validationRejects].sort((a, b) => a.index - b.index);
      const messages = toMessages(ctx, normalised, rejectedRows(ctx, allRejects));
      chunkNo += messages.length;
      for (const m of messages) pending.push(m);
      pendingRows += normalised.length + allRejects.length;
      reports.push({ rows, at, rejects: allRejects, accepted: normalised.length });
      if (pendingRows >= publishRows) await flush();
    }
    await flush();
    if (inflight) await inflight;
  } catch (err) {
    if (inflight) await (inflight as Promise<void>).catch(() => undefined);
    throw err;
  }
  return counts;
}

/** Finds a row by its file index: by position when the indices are consecutive, else by a map. */
function rowLookup(rows: FileRow[]): (index: number) => FileRow | undefined {
  const first = rows[0].index;
  if (rows[rows.length - 1].index - first === rows.length - 1) return (index) => rows[index - first];
  const byIndex = new Map(rows.map((r) => [r.index, r]));
  return (index) => byIndex.get(index);
}
