/**
 * `cfap ingest` of a large NDJSON file into the embedded warehouse, at DuckDB speed.
 *
 * The file is cut into slices (slices.ts). For each slice DuckDB reads and parses the lines
 * natively and accepts the rows it can prove the JavaScript path would accept, building the same
 * rows (ndjson-sql.ts); the few distinct event names and traffic sources are mapped with the
 * JavaScript rule functions (derived-maps.ts); the accepted rows go into standard_events in one
 * INSERT per slice (in file order when ids repeat), deduplicated by its key index (built once after the
 * rows when the table was empty, see insertBuildingKey). Every other row — invalid, unusual, or
 * needing a content-hash id — goes through the regular JavaScript path (ingestRowStream) with its
 * original index and line, so it is accepted or rejected exactly as it would have been. Slices
 * DuckDB cannot read line for line as the streaming parser does go through that path whole.
 *
 * Differences from the streaming path, by design: a repeated event_id inside the file counts as a
 * duplicate (the key index drops it), never as an in-batch rejection; and a key repeated inside a
 * nested properties object is stored as DuckDB parsed it (RFC 8259 leaves duplicate names undefined).
 */
import { mkdtemp, open, rm } from "node:fs/promises";
import { createReadStream } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { duckdbKeyIndex, duckdbKeyIndexName } from "../../warehouse/schema/duckdb-ddl";
import { tableSchema } from "../../warehouse/schema/table-schemas";
import type { Warehouse } from "../../warehouse/warehouse";
import { DirectWarehousePublisher } from "../event-writer";
import {
  DEFAULT_MAX_LINE_BYTES,
  DEFAULT_MAX_REJECTED_ROWS,
  FileReadError,
  detectFormat,
  hasGzipSuffix,
  isGzipMagic,
  type FileRow,
} from "../files";
import { firstSignificantByte } from "../files/detect";
import { NdjsonParser, ndjsonLineRow } from "../files/ndjson";
import { utf8Strict } from "../files/text";
import {
  ingestRowStream,
  type RowRejection,
  type StreamCounts,
  type StreamIngestOptions,
} from "../stream-ingest";
import { eventNameRows, trafficRows, type TrafficKey } from "./derived-maps";
import {
  COUNT_DEFERRED_SQL,
  DEFERRED_IDS_SQL,
  DEFER_AFTER_DEFERRED_SQL,
  DEFER_UNMAPPED_SQL,
  DROP_SQL,
  MACROS_SQL,
  MAP_TABLES_SQL,
  NEW_NAMES_SQL,
  NEW_TRAFFIC_SQL,
  STAGE_COUNTS_SQL,
  deferredRowsSql,
  insertSql,
  targetStateSql,
  stageSql,
} from "./ndjson-sql";
import type { BulkLoadCapable, BulkSqlSession } from "./ports";
import { sliceNdjsonFile, type NdjsonSlice } from "./slices";

export interface BulkNdjsonOptions {
  base: StreamIngestOptions["base"];
  /** Bytes per slice (default DEFAULT_SLICE_BYTES): bounds memory, independent of the file size. */
  sliceBytes?: number;
  maxLineBytes?: number;
  maxRejectedRows?: number;
  onRejected?: (r: RowRejection) => Promise<void> | void;
  onProgress?: (c: StreamCounts & { bytes: number }) => Promise<void> | void;
}

export interface BulkNdjsonOutcome extends StreamCounts {
  inserted: number;
  duplicates: number;
  /** Rows accepted by DuckDB directly, and rows that went through the JavaScript path. */
  native_rows: number;
  deferred_rows: number;
}

/**
 * 512 MiB: a file up to this size is staged and inserted whole, which is the fastest (one INSERT into
 * the keyed table costs about half as much per row as several). The staged slice bounds what is held
 * of the input. Peak memory per slice is its staging table plus, into a table with rows, the INSERT's
 * transaction-local rows and index; across slices only DuckDB's key index and block cache grow (the
 * README's table: 10M events peak at 2.6 GiB in these slices, 1.2 GiB in 64 MiB ones).
 */
export const DEFAULT_SLICE_BYTES = 512 * 1024 * 1024;

/**
 * Whether the bulk loader can take this file: an uncompressed NDJSON file (by name or content) and
 * no enrichment hooks (they run per row in JavaScript). Otherwise use readRows + ingestRowStream.
 */
export async function isBulkNdjsonFile(path: string): Promise<boolean> {
  const fh = await open(path, "r");
  try {
    const { buffer, bytesRead } = await fh.read(Buffer.alloc(4096), 0, 4096, 0);
    const first = buffer.subarray(0, bytesRead);
    if (first.length === 0 || isGzipMagic(first) || hasGzipSuffix(basename(path))) return false;
    return detectFormat(basename(path), first) === "ndjson" && firstSignificantByte(first) !== 0x5b;
  } finally {
    await fh.close();
  }
}

interface SliceResult {
  rows: number;
  nativeOk: number;
  inserted: number;
  deferred: DeferredRow[];
}

export async function bulkIngestNdjsonFile(
  warehouse: Warehouse & BulkLoadCapable,
  path: string,
  options: BulkNdjsonOptions,
): Promise<BulkNdjsonOutcome> {
  if (options.base.enrichers && options.base.enrichers.length > 0) {
    throw new Error("bulkIngestNdjsonFile: enrichment hooks need the row path (ingestRowStream)");
  }
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const maxRejected = options.maxRejectedRows ?? DEFAULT_MAX_REJECTED_ROWS;
  const out: BulkNdjsonOutcome = {
    rows_read: 0,
    rows_accepted: 0,
    rows_rejected: 0,
    inserted: 0,
    duplicates: 0,
    native_rows: 0,
    deferred_rows: 0,
  };
  const publisher = new DirectWarehousePublisher(warehouse);
  let parseRejected = 0;
  let bytes = 0;

  /** The JavaScript path for rows DuckDB left alone (or whole slices), with their file positions. */
  const viaRowPath = async (batches: AsyncIterable<FileRow[]>): Promise<void> => {
    const counted = async function* (): AsyncGenerator<FileRow[]> {
      for await (const batch of batches) {
        for (const r of batch) {
          if (!r.ok && ++parseRejected > maxRejected) {
            throw new FileReadError(
              "too_many_rejected",
              `more than ${maxRejected} rejected rows (latest at line ${r.line}: ${r.reason})`,
            );
          }
        }
        yield batch;
      }
    };
    const counts = await ingestRowStream(counted(), {
      base: options.base,
      publisher,
      onRejected: options.onRejected,
    });
    out.rows_read += counts.rows_read;
    out.rows_accepted += counts.rows_accepted;
    out.rows_rejected += counts.rows_rejected;
  };

  const dir = await mkdtemp(join(tmpdir(), "cfap-bulk-"));
  const events = tableSchema("standard_events");
  const target = `main.${events.name}`;
  const columns = events.fields.map((f) => f.name);
  const key = {
    indexName: duckdbKeyIndexName(events),
    createIndex: duckdbKeyIndex(events, target),
    stateSql: targetStateSql(target, events.name, duckdbKeyIndexName(events)),
  };
  const window = options.base.window;
  const receivedAtMs = options.base.receivedAt.getTime();
  try {
    await warehouse.withBulkSession(async (s) => {
      for (const sql of [...MACROS_SQL, ...MAP_TABLES_SQL]) await s.run(sql);
    });
    let index = 0;
    for await (const slice of sliceNdjsonFile(path, dir, {
      sliceBytes: options.sliceBytes ?? DEFAULT_SLICE_BYTES,
      maxLineBytes,
    })) {
      let native: SliceResult | null = null;
      if (slice.native) {
        try {
          native = await warehouse.withBulkSession((s) =>
            loadSlice(s, slice, {
              maxLineBytes,
              workspaceId: options.base.workspaceId,
              minMs: receivedAtMs - window.maxAgeMs,
              maxMs: receivedAtMs + window.maxFutureSkewMs,
              target,
              columns,
              key,
              insert: { workspaceId: options.base.workspaceId, receivedAtMs, ingestPath: options.base.path },
            }),
          );
        } catch (err) {
          if (err instanceof KeyIndexError) throw err;
          // DuckDB refused the slice (e.g. invalid UTF-8): nothing of it was written; the row path
          // reads it and words each problem.
          native = null;
        }
      }
      if (native) {
        out.rows_read += native.rows - native.deferred.length;
        out.rows_accepted += native.nativeOk;
        out.native_rows += native.nativeOk;
        out.inserted += native.inserted;
        out.duplicates += native.nativeOk - native.inserted;
        out.deferred_rows += native.deferred.length;
        const base = index;
        if (native.deferred.length > 0) {
          await viaRowPath(
            batchesOf(
              native.deferred.map((d) => {
                const row = ndjsonLineRow(d.line, base + d.idx, slice.firstLine - 1 + d.ln, maxLineBytes);
                if (row === null) throw new Error("bulk loader: a deferred row is blank"); // rows are non-blank
                return row;
              }),
            ),
          );
        }
        index += native.rows;
      } else {
        const before = out.rows_read;
        const parser = await parseSliceInJs(slice, index, maxLineBytes);
        await viaRowPath(parser.batches);
        out.deferred_rows += out.rows_read - before;
        index = parser.nextIndex();
      }
      bytes += slice.bytes;
      await options.onProgress?.({ ...out, bytes });
    }
    if (index === 0) throw new FileReadError("empty", `"${basename(path)}" contains no data rows`);
  } finally {
    await warehouse
      .withBulkSession(async (s) => {
        for (const sql of DROP_SQL) await s.run(sql);
      })
      .catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
  out.inserted += publisher.totals.inserted;
  out.duplicates += publisher.totals.duplicates;
  return out;
}

interface LoadParams {
  /** The target's key index: its name, its DDL and the query telling whether the target is empty with it. */
  key: { indexName: string; createIndex: string; stateSql: string };
  maxLineBytes: number;
  workspaceId: string;
  minMs: number;
  maxMs: number;
  target: string;
  columns: string[];
  insert: Parameters<typeof insertSql>[2];
}

async function loadSlice(s0: BulkSqlSession, slice: NdjsonSlice, p: LoadParams): Promise<SliceResult> {
  const s = process.env.CFAP_BULK_TRACE ? traced(s0) : s0;
  await s.run(stageSql({ file: slice.file, ...p }));

  const names = await s.all<{ raw: string }>(NEW_NAMES_SQL);
  if (names.length > 0) await s.appendStrings("bulk_names", eventNameRows(names.map((n) => n.raw)));
  const traffic = await s.all<TrafficKey>(NEW_TRAFFIC_SQL);
  if (traffic.length > 0) await s.appendStrings("bulk_traffic", trafficRows(traffic));
  await s.run(DEFER_UNMAPPED_SQL);

  let deferred: DeferredRow[] = [];
  const [pending] = await s.all<{ n: number }>(COUNT_DEFERRED_SQL);
  if (Number(pending?.n ?? 0) > 0) {
    deferred = await readDeferred(s, slice.file, p.maxLineBytes);
    const ids = deferredEventIds(deferred);
    if (ids.length > 0) {
      await s.run(DEFERRED_IDS_SQL);
      await s.appendStrings("bulk_deferred_ids", ids);
      await s.run(DEFER_AFTER_DEFERRED_SQL);
      const [after] = await s.all<{ n: number }>(COUNT_DEFERRED_SQL);
      if (Number(after.n) > deferred.length) deferred = await readDeferred(s, slice.file, p.maxLineBytes);
    }
  }

  const [counts] = await s.all<{ rows: number; ok: number; repeats: number }>(STAGE_COUNTS_SQL);
  const repeats = Number(counts.repeats) > 0;
  let inserted: { Count: number } | undefined;
  if (!repeats && Number(counts.ok) > 0 && (await emptyWithKeyIndex(s, p.key))) {
    inserted = await insertBuildingKey(s, p);
  } else {
    await s.run("BEGIN TRANSACTION");
    [inserted] = await s.all<{ Count: number }>(insertSql(p.target, p.columns, p.insert, repeats));
    await s.run("COMMIT");
  }
  return {
    rows: Number(counts.rows),
    nativeOk: Number(counts.ok),
    inserted: Number(inserted?.Count ?? 0),
    deferred,
  };
}

/**
 * A load into an empty table builds its key index once, after the rows are in: DuckDB builds an ART
 * in bulk much faster than it maintains one row by row (1M events in this loader: 2.0 s to insert
 * without it plus 0.7 s to build it, against 2.9 s plus a 0.4 s commit with it; bench/ingest.ts
 * prints the loader's rate). It is safe because
 * nothing can collide: the table is empty, the slice repeats no id, and the write lock keeps every
 * other writer out meanwhile. The INSERT is one statement, all rows or none; the index comes back
 * whatever happens. Should the process stop in between, the warehouse creates the index again when it
 * next opens (DuckDbWarehouse.ensureSchema), over rows that hold no duplicate.
 */
async function insertBuildingKey(s: BulkSqlSession, p: LoadParams): Promise<{ Count: number } | undefined> {
  await s.run(`DROP INDEX "${p.key.indexName}"`);
  let inserted: { Count: number } | undefined;
  let failure: unknown = null;
  try {
    [inserted] = await s.all<{ Count: number }>(insertSql(p.target, p.columns, p.insert, false, false));
  } catch (err) {
    failure = err; // all rows or none: the table is still empty
  }
  try {
    await s.run(p.key.createIndex);
  } catch (err) {
    throw new KeyIndexError(err);
  }
  if (failure !== null) throw failure;
  return inserted;
}

/**
 * The key index could not be built again after a load: never expected (nothing can collide), and not
 * a slice the row path may retry — its writes need the index. The load stops with this error.
 */
export class KeyIndexError extends Error {
  constructor(cause: unknown) {
    super(
      `the events table's key index could not be rebuilt: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
    this.name = "KeyIndexError";
  }
}

async function emptyWithKeyIndex(s: BulkSqlSession, key: LoadParams["key"]): Promise<boolean> {
  const [state] = await s.all<{ rows: number; key_index: number }>(key.stateSql);
  return Number(state.rows) === 0 && Number(state.key_index) === 1;
}

interface DeferredRow {
  idx: number;
  ln: number;
  line: string;
}

async function readDeferred(s: BulkSqlSession, file: string, maxLineBytes: number): Promise<DeferredRow[]> {
  const rows = await s.all<{ idx: number; ln: number; line_hex: string }>(
    deferredRowsSql(file, maxLineBytes),
  );
  return rows.map((d) => ({
    idx: Number(d.idx),
    ln: Number(d.ln),
    line: utf8Strict.decode(Buffer.from(d.line_hex, "hex")),
  }));
}

/**
 * The event ids deferred rows would carry in JavaScript (zod trims them), with their row index.
 * A row without one gets a content hash, which no client id in the same file is expected to equal.
 */
function deferredEventIds(rows: DeferredRow[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const r of rows) {
    try {
      const v: unknown = JSON.parse(r.line);
      const id = v !== null && typeof v === "object" ? (v as Record<string, unknown>).event_id : undefined;
      if (typeof id === "string" && id.trim() !== "") out.push([id.trim(), String(r.idx)]);
    } catch {
      // Not JSON: JavaScript rejects the row, it carries no id.
    }
  }
  return out;
}

async function* batchesOf(rows: FileRow[], size = 5000): AsyncGenerator<FileRow[]> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

/** A slice through the streaming parser, with file-wide indices, lines and byte offsets. */
async function parseSliceInJs(
  slice: NdjsonSlice,
  firstIndex: number,
  maxLineBytes: number,
): Promise<{ batches: AsyncIterable<FileRow[]>; nextIndex: () => number }> {
  let parser: NdjsonParser | null = null;
  const lineShift = slice.firstLine - 1;
  async function* batches(): AsyncGenerator<FileRow[]> {
    let pending: FileRow[] = [];
    const shifted = (): FileRow[] =>
      pending.map((r) => ({ ...r, index: r.index + firstIndex, line: r.line + lineShift }));
    for await (const chunk of createReadStream(slice.file, { highWaterMark: 1 << 20 })) {
      let buf = chunk as Buffer;
      if (parser === null) {
        // Like readRows: a byte-order mark is dropped only at the very start of the file.
        const bom =
          slice.offset === 0 && buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf;
        if (bom) buf = buf.subarray(3);
        parser = new NdjsonParser(maxLineBytes, slice.offset + (bom ? 3 : 0));
      }
      parser.push(buf, pending);
      if (pending.length >= 5000) {
        yield shifted();
        pending = [];
      }
    }
    parser?.end(pending);
    if (pending.length > 0) yield shifted();
  }
  return { batches: batches(), nextIndex: () => firstIndex + (parser?.rows ?? 0) };
}

/** CFAP_BULK_TRACE=1: each statement's time on stderr (for tuning). */
function traced(s: BulkSqlSession): BulkSqlSession {
  const time = async <T>(label: string, f: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    const cpu = process.cpuUsage();
    const out = await f();
    const c = process.cpuUsage(cpu);
    const ms = (performance.now() - t).toFixed(0).padStart(6);
    const cpuMs = ((c.user + c.system) / 1000).toFixed(0).padStart(6);
    process.stderr.write(`bulk ${ms} ms ${cpuMs} cpu-ms  ${label.replace(/\s+/g, " ").slice(0, 60)}\n`);
    return out;
  };
  return {
    run: (sql, params) => time(sql, () => s.run(sql, params)),
    all: (sql, params) => time(sql, () => s.all(sql, params)),
    appendStrings: (table, rows) => time(`append ${table}`, () => s.appendStrings(table, rows)),
  };
}
