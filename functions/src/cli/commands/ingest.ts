import { createReadStream, statSync } from "node:fs";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import { randomUUID } from "node:crypto";
import { loadSettings } from "../../config/settings";
import { workspaceIdSchema } from "../../contracts/event";
import { bulkIngestNdjsonFile, isBulkNdjsonFile } from "../../ingestion/bulk/bulk-ndjson";
import { isBulkLoadCapable } from "../../ingestion/bulk/ports";
import { DirectWarehousePublisher } from "../../ingestion/event-writer";
import { readRows, FileReadError } from "../../ingestion/files";
import { ingestRowStream, type RowRejection } from "../../ingestion/stream-ingest";
import { timeWindowOf } from "../../services";
import { CliError, printJson, Progress, table } from "../output";
import { openCliWarehouse } from "../open-local";

export const INGEST_HELP = `cfap ingest <file> --workspace <id> [--db <duckdb file>] [--slice-mb <n>] [--json]
cfap ingest <file> --workspace <id> --url <api base url> --api-key <key> [--json]

Loads a CSV or NDJSON file (gzip too) through the same validate → normalise → dedup path as the API.
In-process into the embedded warehouse by default; through the HTTP API with --url and --api-key.
NDJSON into the embedded warehouse is parsed and checked by DuckDB in slices of --slice-mb
(default 512): a larger slice is faster, a smaller one uses less memory.`;

function sliceBytesOf(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const mb = Number(v);
  if (!Number.isInteger(mb) || mb < 1) throw new CliError("--slice-mb: a whole number of MiB, at least 1");
  return mb * 2 ** 20;
}

interface IngestSummary {
  file: string;
  workspace_id: string;
  mode: "in-process" | "http";
  rows: number;
  accepted: number;
  inserted: number | null;
  duplicates: number | null;
  rejected: number;
  seconds: number;
  rejections: RowRejection[];
}

/** Counts bytes as the file streams, for the progress bar. */
async function* countingStream(path: string, onBytes: (n: number) => void): AsyncGenerator<Buffer> {
  let n = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    n += (chunk as Buffer).length;
    onBytes(n);
    yield chunk as Buffer;
  }
}

export async function ingestCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      workspace: { type: "string" },
      db: { type: "string" },
      json: { type: "boolean", default: false },
      url: { type: "string" },
      "api-key": { type: "string" },
      "slice-mb": { type: "string" },
    },
  });
  const file = positionals[0];
  if (!file) throw new CliError(`missing <file>\n\n${INGEST_HELP}`);
  const ws = workspaceIdSchema.safeParse(values.workspace);
  if (!ws.success)
    throw new CliError(
      `--workspace: ${values.workspace === undefined ? "is required" : ws.error.issues[0].message}`,
    );
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new CliError(`cannot read ${file}`);
  }
  const settings = loadSettings();
  let bytes = 0;
  const progress = new Progress(size, !values.json && Boolean(process.stderr.isTTY));
  const rows = readRows(
    countingStream(file, (n) => (bytes = n)),
    basename(file),
    {
      maxDecompressedBytes: settings.CFAP_MAX_FILE_BYTES,
      maxCompressionRatio: settings.CFAP_MAX_GZIP_RATIO,
    },
  );
  const rejections: RowRejection[] = [];
  const started = Date.now();
  let summary: IngestSummary;
  try {
    if (values.url) {
      summary = await ingestOverHttp(
        values.url,
        values["api-key"],
        ws.data,
        rows,
        progress,
        () => bytes,
        rejections,
      );
    } else {
      const warehouse = await openCliWarehouse(values.db);
      try {
        const ctx = {
          workspaceId: ws.data,
          path: "cli" as const,
          sourceId: `cli:${basename(file)}:${size}`,
          receivedAt: new Date(),
          window: timeWindowOf(settings),
        };
        // NDJSON into the embedded warehouse: DuckDB parses and checks rows natively, the row path
        // takes the rest (ingestion/bulk). Other files, and a remote warehouse, use the row path.
        if (
          isBulkLoadCapable(warehouse) &&
          size <= settings.CFAP_MAX_FILE_BYTES &&
          (await isBulkNdjsonFile(file))
        ) {
          const out = await bulkIngestNdjsonFile(warehouse, file, {
            base: ctx,
            sliceBytes: sliceBytesOf(values["slice-mb"]),
            onRejected: (r) => {
              if (rejections.length < 1000) rejections.push(r);
            },
            onProgress: (c) => progress.update(c.bytes, c.rows_read),
          });
          summary = {
            file,
            workspace_id: ws.data,
            mode: "in-process",
            rows: out.rows_read,
            accepted: out.rows_accepted,
            inserted: out.inserted,
            duplicates: out.duplicates,
            rejected: out.rows_rejected,
            seconds: 0,
            rejections: [],
          };
          return finish(summary, values.json ?? false, rejections, progress, started);
        }
        const publisher = new DirectWarehousePublisher(warehouse);
        const counts = await ingestRowStream(rows, {
          base: ctx,
          publisher,
          onRejected: (r) => {
            if (rejections.length < 1000) rejections.push(r);
          },
          onProgress: (c) => progress.update(bytes, c.rows_read),
        });
        summary = {
          file,
          workspace_id: ws.data,
          mode: "in-process",
          rows: counts.rows_read,
          accepted: counts.rows_accepted,
          inserted: publisher.totals.inserted,
          duplicates: publisher.totals.duplicates,
          rejected: counts.rows_rejected,
          seconds: 0,
          rejections: [],
        };
      } finally {
        await warehouse.close();
      }
    }
  } catch (err) {
    progress.done();
    if (err instanceof FileReadError) throw new CliError(`${file}: ${err.message} (${err.code})`, 1);
    throw err;
  }
  return finish(summary, values.json ?? false, rejections, progress, started);
}

function finish(
  summary: IngestSummary,
  json: boolean,
  rejections: RowRejection[],
  progress: Progress,
  started: number,
): number {
  progress.done();
  summary.seconds = (Date.now() - started) / 1000;
  summary.rejections = rejections;
  if (json) {
    printJson(summary);
  } else {
    console.log(
      table([
        {
          rows: summary.rows,
          accepted: summary.accepted,
          inserted: summary.inserted ?? "n/a",
          duplicates: summary.duplicates ?? "n/a (deduplicated by the warehouse writer)",
          rejected: summary.rejected,
          seconds: summary.seconds,
        },
      ]),
    );
    if (rejections.length > 0) {
      console.log(`\nrejected rows (first ${Math.min(20, rejections.length)}):`);
      console.log(
        table(
          rejections
            .slice(0, 20)
            .map((r) => ({ row: r.index + 1, line: r.line, field: r.path ?? "", reason: r.reason })),
        ),
      );
    }
  }
  return summary.rejected > 0 && summary.accepted === 0 ? 1 : 0;
}

async function ingestOverHttp(
  url: string,
  apiKey: string | undefined,
  workspaceId: string,
  rows: AsyncIterable<import("../../ingestion/files").FileRow[]>,
  progress: Progress,
  bytes: () => number,
  rejections: RowRejection[],
): Promise<IngestSummary> {
  if (!apiKey) throw new CliError("--api-key is required with --url");
  const endpoint = new URL("v1/events", url.endsWith("/") ? url : `${url}/`);
  const BATCH = 500;
  const out: IngestSummary = {
    file: "",
    workspace_id: workspaceId,
    mode: "http",
    rows: 0,
    accepted: 0,
    inserted: null,
    duplicates: null,
    rejected: 0,
    seconds: 0,
    rejections: [],
  };
  for await (const chunk of rows) {
    for (let i = 0; i < chunk.length; i += BATCH) {
      const part = chunk.slice(i, i + BATCH);
      const good = part.filter((r) => r.ok);
      for (const r of part) {
        if (!r.ok) {
          out.rejected++;
          if (rejections.length < 1000)
            rejections.push({ index: r.index, path: r.path, reason: r.reason, line: r.line, raw: r.raw });
        }
      }
      out.rows += part.length;
      if (good.length === 0) continue;
      const requestId = randomUUID();
      let res: Response | undefined;
      for (let attempt = 0; attempt < 5; attempt++) {
        res = await fetch(endpoint, {
          method: "POST",
          headers: { "content-type": "application/json", "x-api-key": apiKey, "x-request-id": requestId },
          body: JSON.stringify({
            workspace_id: workspaceId,
            events: good.map((r) => (r.ok ? r.value : null)),
          }),
        });
        if (res.status !== 503 && res.status !== 429) break;
        await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
      }
      const body = (await res!.json()) as {
        accepted?: number;
        rejected?: number;
        errors?: Array<{ index: number; path: string | null; reason: string }>;
        error?: { message: string };
      };
      if (res!.status !== 202)
        throw new CliError(`API answered ${res!.status}: ${body.error?.message ?? "unknown error"}`, 1);
      out.accepted += body.accepted ?? 0;
      out.rejected += body.rejected ?? 0;
      for (const e of body.errors ?? []) {
        const r = good[e.index];
        if (rejections.length < 1000) rejections.push({ ...e, index: r.index, line: r.line, raw: r.raw });
      }
      progress.update(bytes(), out.rows);
    }
  }
  return out;
}
