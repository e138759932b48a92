import { CsvParser } from "./csv";
import { detectFormat, firstSignificantByte, hasGzipSuffix, isGzipMagic } from "./detect";
import { FileReadError } from "./errors";
import { NdjsonParser } from "./ndjson";
import { PeekableSource, capPlain, gunzipCapped, openSource, type ByteSource } from "./source";
import { hasUtf8Bom } from "./text";
import {
  DEFAULT_BATCH_SIZE,
  DEFAULT_MAX_LINE_BYTES,
  DEFAULT_MAX_REJECTED_ROWS,
  type FileReadOptions,
  type FileRow,
  type RowParser,
} from "./types";

/** Bytes inspected to sniff the format when the name does not tell. */
const SNIFF_BYTES = 4096;
/** Input chunks are parsed in slices of at most this size (bounds per-step work and memory). */
const PARSE_SLICE = 64 * 1024;
/** A batch is also flushed once this many input bytes went into it (bounds memory with huge rows). */
const BATCH_MAX_BYTES = 8 * 1024 * 1024;

function checkOptions(opts: FileReadOptions): {
  maxLineBytes: number;
  batchSize: number;
  maxRejected: number;
} {
  const { maxDecompressedBytes, maxCompressionRatio } = opts;
  if (!(typeof maxDecompressedBytes === "number" && maxDecompressedBytes > 0)) {
    throw new RangeError("maxDecompressedBytes must be a positive number");
  }
  if (!(typeof maxCompressionRatio === "number" && maxCompressionRatio >= 1)) {
    throw new RangeError("maxCompressionRatio must be a number ≥ 1");
  }
  const maxLineBytes = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  if (!(Number.isInteger(maxLineBytes) && maxLineBytes > 0))
    throw new RangeError("maxLineBytes must be a positive integer");
  const batchSize = opts.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!(Number.isInteger(batchSize) && batchSize > 0))
    throw new RangeError("batchSize must be a positive integer");
  const maxRejected = opts.maxRejectedRows ?? DEFAULT_MAX_REJECTED_ROWS;
  if (!(typeof maxRejected === "number" && maxRejected >= 0))
    throw new RangeError("maxRejectedRows must be a number ≥ 0");
  return { maxLineBytes, batchSize, maxRejected };
}

/**
 * Stream a dropped file (CSV or NDJSON, optionally gzip) as batches of rows.
 *
 * - Pull-based: the source is read only as the consumer iterates, so memory
 *   is bounded by one batch (≤ batchSize rows and ~8 MiB of input) plus one
 *   partial line (≤ maxLineBytes), independent of the file size.
 * - Row problems (bad JSON, wrong column count, invalid UTF-8, over-long
 *   line…) are yielded as `{ ok: false }` rows; the stream continues.
 * - File problems throw FileReadError (see its codes). Rows yielded before a
 *   late error (e.g. a gzip CRC failure at the end) must be discarded by the
 *   caller: treat the file as all-or-nothing.
 * - Breaking out of the iteration closes (destroys) the source.
 */
export async function* readRows(
  input: ByteSource,
  name: string,
  opts: FileReadOptions,
): AsyncGenerator<FileRow[]> {
  const { maxLineBytes, batchSize, maxRejected } = checkOptions(opts);
  const raw = new PeekableSource(openSource(input));
  let decoded: PeekableSource | null = null;
  try {
    const magic = await raw.peek(2);
    if (magic.length === 0) throw new FileReadError("empty", "file is empty");

    let compressed = opts.compressed;
    if (compressed === undefined) {
      compressed = isGzipMagic(magic);
      if (!compressed && hasGzipSuffix(name)) {
        throw new FileReadError(
          "corrupt_gzip",
          `"${name}" has a .gz name but is not gzip data (pass compressed: false if it was transparently decompressed)`,
        );
      }
    }
    const bytes = compressed
      ? gunzipCapped(raw, opts.maxDecompressedBytes, opts.maxCompressionRatio)
      : capPlain(raw, opts.maxDecompressedBytes);
    decoded = new PeekableSource(bytes);

    const first = await decoded.peek(SNIFF_BYTES);
    if (first.length === 0) throw new FileReadError("empty", "file is empty");
    const format = opts.format ?? detectFormat(name, first);
    if (format === null) {
      throw new FileReadError(
        "unsupported_format",
        `cannot determine the format of "${name}" (expected .csv, .ndjson, .jsonl or .json with one object per line)`,
      );
    }
    if (format === "ndjson" && firstSignificantByte(first) === 0x5b /* [ */) {
      throw new FileReadError(
        "unsupported_format",
        `"${name}" looks like a JSON array document; only newline-delimited JSON (one object per line) is supported`,
      );
    }

    const bom = hasUtf8Bom(first) ? 3 : 0;
    const parser: RowParser =
      format === "csv" ? new CsvParser(maxLineBytes, bom) : new NdjsonParser(maxLineBytes, bom);

    let batch: FileRow[] = [];
    let batchBytes = 0;
    let rejected = 0;
    /** Count rejections in batch[from..]; throw once over the cap. */
    const countRejected = (from: number): void => {
      for (let k = from; k < batch.length; k++) {
        if (!batch[k].ok && ++rejected > maxRejected) {
          const r = batch[k] as { line: number; reason: string };
          throw new FileReadError(
            "too_many_rejected",
            `more than ${maxRejected} rejected rows (latest at line ${r.line}: ${r.reason})`,
          );
        }
      }
    };
    let firstChunk = true;
    for await (let chunk of decoded) {
      if (firstChunk) {
        firstChunk = false;
        if (bom) chunk = chunk.subarray(bom);
      }
      for (let p = 0; p < chunk.length; p += PARSE_SLICE) {
        const piece =
          p === 0 && chunk.length <= PARSE_SLICE
            ? chunk
            : chunk.subarray(p, Math.min(p + PARSE_SLICE, chunk.length));
        const before = batch.length;
        parser.push(piece, batch);
        countRejected(before);
        batchBytes += piece.length;
        if (batch.length >= batchSize || batchBytes >= BATCH_MAX_BYTES) {
          const full =
            batchBytes >= BATCH_MAX_BYTES ? batch.length : batch.length - (batch.length % batchSize);
          for (let k = 0; k < full; k += batchSize) yield batch.slice(k, Math.min(k + batchSize, full));
          batch = full === batch.length ? [] : batch.slice(full);
          batchBytes = 0;
        }
      }
    }
    const before = batch.length;
    parser.end(batch);
    countRejected(before);
    for (let k = 0; k < batch.length; k += batchSize) yield batch.slice(k, k + batchSize);
    if (parser.rows === 0) throw new FileReadError("empty", `"${name}" contains no data rows`);
  } finally {
    // Idempotent; closes (destroys) the source if we stopped early or failed.
    if (decoded) await decoded.close().catch(() => {});
    await raw.close().catch(() => {});
  }
}
