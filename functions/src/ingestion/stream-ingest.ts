import type { RejectedEvent } from "../contracts/event";
import type { FileRow } from "./files";
import { rejectedRows, toMessages, type IngestRequestContext } from "./ingest-service";
import { normaliseBatch } from "./normalise";
import type { EventPublisher } from "./ports";

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
}

/**
 * Ingests a stream of parsed file rows chunk by chunk on the shared validate → normalise → publish path.
 * Used by file drops (Storage trigger) and by `cfap ingest`: one implementation, two adapters.
 */
export async function ingestRowStream(
  chunks: AsyncIterable<FileRow[]>,
  options: StreamIngestOptions,
): Promise<StreamCounts> {
  const counts: StreamCounts = { rows_read: 0, rows_accepted: 0, rows_rejected: 0 };
  let chunkNo = 0;
  for await (const rows of chunks) {
    if (rows.length === 0) continue;
    const offset = rows[0].index;
    const ctx: IngestRequestContext = {
      ...options.base,
      indexOffset: offset,
      chunkOffset: chunkNo,
      rawText: (i) => rows[i]?.raw ?? null,
    };
    const parseRejects: RejectedEvent[] = [];
    const good: unknown[] = [];
    const goodRowPos: number[] = [];
    rows.forEach((r, pos) => {
      if (r.ok) {
        good.push(r.value);
        goodRowPos.push(pos);
      } else parseRejects.push({ index: r.index, path: r.path, reason: r.reason });
    });
    const { rows: normalised, rejected } = normaliseBatch(good, { ...ctx }, 0);
    const validationRejects = rejected.map((r) => ({ ...r, index: rows[goodRowPos[r.index]].index }));
    const allRejects =
      parseRejects.length === 0
        ? validationRejects
        : [...parseRejects, ...validationRejects].sort((a, b) => a.index - b.index);
    const messages = toMessages(ctx, normalised, rejectedRows(ctx, allRejects));
    if (messages.length > 0) await options.publisher.publish(messages);
    chunkNo += messages.length;
    if (options.onRejected) {
      for (const r of allRejects) {
        const row = rows[r.index - offset];
        await options.onRejected({ ...r, line: row?.line, raw: row?.raw });
      }
    }
    counts.rows_read += rows.length;
    counts.rows_accepted += normalised.length;
    counts.rows_rejected += allRejects.length;
    await options.onProgress?.(counts);
  }
  return counts;
}
