import { createHash } from "node:crypto";
import { FileReadError, readRows, detectFormat } from "../files";
import { ingestRowStream } from "../stream-ingest";
import type { Services } from "../../services";
import { parseDropPath, reportPathFor } from "./drop-path";
import type { UploadRecord } from "./ports";

export interface DroppedObject {
  objectPath: string;
  generation: string;
  size: number | null;
}

export type DropOutcome =
  | { status: "ignored"; reason: string }
  | { status: "skipped"; reason: string }
  | {
      status: "succeeded" | "failed";
      upload: Pick<UploadRecord, "rows_read" | "rows_accepted" | "rows_rejected" | "error">;
    };

/** Progress is written to Firestore at most this often (rows), so a big file doesn't hammer it. */
const PROGRESS_EVERY_ROWS = 20_000;

/**
 * A file dropped under drops/<workspace>/: streamed row by row, each row validated and normalised on
 * the shared path, good rows published in batches, rejected rows written to a report beside the file,
 * and progress kept in the upload's status document. The upload id derives from the object's path and
 * generation, so a redelivered trigger does not process the same file twice; replaying a file after a
 * failure is safe because event ids are stable and the warehouse deduplicates.
 */
export async function processDrop(object: DroppedObject, services: Services): Promise<DropOutcome> {
  const drop = parseDropPath(object.objectPath);
  if (!drop) return { status: "ignored", reason: "not a drop file" };
  const uploadId = createHash("sha256")
    .update(`${object.objectPath}#${object.generation}`)
    .digest("hex")
    .slice(0, 24);
  const now = new Date();
  const format = detectFormat(drop.fileName) ?? "ndjson";
  const record: UploadRecord = {
    workspace_id: drop.workspaceId,
    upload_id: uploadId,
    object_path: object.objectPath,
    generation: object.generation,
    format,
    compressed: /\.gz$/i.test(drop.fileName),
    status: "processing",
    rows_read: 0,
    rows_accepted: 0,
    rows_rejected: 0,
    bytes_total: object.size,
    report_path: null,
    error: null,
    started_at: now.toISOString(),
    updated_at: now.toISOString(),
    finished_at: null,
  };
  if (!(await services.uploads.begin(record))) return { status: "skipped", reason: "already processed" };

  const counts = { rows_read: 0, rows_accepted: 0, rows_rejected: 0 };
  const reportPath = reportPathFor(object.objectPath);
  const report = services.objects.createWriter(reportPath, "application/x-ndjson");
  let reportLines = 0;
  let lastProgress = 0;
  const finish = async (error: UploadRecord["error"]): Promise<DropOutcome> => {
    await report.end();
    const at = new Date().toISOString();
    const status = error ? "failed" : "succeeded";
    await services.uploads.update(drop.workspaceId, uploadId, {
      ...counts,
      status,
      error,
      report_path: reportLines > 0 ? reportPath : null,
      updated_at: at,
      finished_at: at,
    });
    services.log.info("drop processed", { upload_id: uploadId, status, ...counts });
    return { status, upload: { ...counts, error } };
  };

  if (!(await services.auth.workspaces.workspaceExists(drop.workspaceId))) {
    return finish({ code: "unknown_workspace", message: `workspace ${drop.workspaceId} does not exist` });
  }
  const enrichers = await services.enrichersFor(drop.workspaceId);
  const s = services.settings;
  try {
    const rows = readRows(services.objects.read(object.objectPath), drop.fileName, {
      maxDecompressedBytes: s.CFAP_MAX_FILE_BYTES,
      maxCompressionRatio: s.CFAP_MAX_GZIP_RATIO,
    });
    const final = await ingestRowStream(rows, {
      base: {
        workspaceId: drop.workspaceId,
        path: "file",
        sourceId: `file:${uploadId}`,
        receivedAt: new Date(),
        window: services.timeWindow,
        enrichers,
      },
      publisher: services.publisher,
      onRejected: async (r) => {
        reportLines++;
        await report.write(
          JSON.stringify({ row: r.index + 1, line: r.line, field: r.path, reason: r.reason, raw: r.raw }) +
            "\n",
        );
      },
      onProgress: async (c) => {
        Object.assign(counts, c);
        if (c.rows_read - lastProgress >= PROGRESS_EVERY_ROWS) {
          lastProgress = c.rows_read;
          await services.uploads.update(drop.workspaceId, uploadId, {
            ...c,
            updated_at: new Date().toISOString(),
          });
        }
      },
    });
    Object.assign(counts, final);
  } catch (err) {
    if (err instanceof FileReadError) return finish({ code: err.code, message: err.message });
    services.log.error("drop failed", { upload_id: uploadId, err: (err as Error).message });
    await finish({ code: "internal", message: "the file could not be processed; it will be retried" });
    throw err;
  }
  return finish(null);
}
