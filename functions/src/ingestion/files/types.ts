export type FileFormat = "csv" | "ndjson";

export interface FileReadOptions {
  /** Else detected from the name (see detectFormat), then by sniffing the first bytes. */
  format?: FileFormat;
  /**
   * Else: gzip when the name ends in `.gz` or the data starts with the gzip
   * magic bytes 1f 8b. A `.gz` name whose bytes are not gzip is `corrupt_gzip`;
   * pass `compressed: false` for objects served with decompressive transcoding.
   */
  compressed?: boolean;
  /** Hard cap on total decompressed bytes (applies to plain files too) → FileReadError("too_large"). */
  maxDecompressedBytes: number;
  /**
   * Cap on decompressed/compressed bytes, checked on every decompressed chunk
   * once more than GZIP_RATIO_GRACE_BYTES have been produced → FileReadError("gzip_bomb").
   */
  maxCompressionRatio: number;
  /** Default 1 MiB. Longer NDJSON lines / CSV records are rejected rows; the reader resynchronises. */
  maxLineBytes?: number;
  /**
   * Give up with FileReadError("too_many_rejected") once more rows than this
   * were rejected. Default 100,000; `Infinity` disables. Rejections are
   * expensive (V8 exceptions cost ~10-20 µs each), so this also bounds the CPU
   * a hostile file of garbage lines can burn.
   */
  maxRejectedRows?: number;
  /** Maximum rows per yielded batch. Default 5000. */
  batchSize?: number;
}

export interface FileRowOk {
  /** 0-based data row number (blank lines and the CSV header are not counted). */
  index: number;
  /** 1-based physical line on which the row starts. */
  line: number;
  ok: true;
  value: Record<string, unknown>;
  /** Row text, at most 2 KiB of UTF-8. */
  raw: string;
}

export interface FileRowRejected {
  index: number;
  line: number;
  ok: false;
  /** Column / field the problem is attached to, or null for whole-row problems. */
  path: string | null;
  reason: string;
  raw: string;
}

export type FileRow = FileRowOk | FileRowRejected;

/** Incremental parser fed with decompressed byte chunks. */
export interface RowParser {
  push(chunk: Buffer, out: FileRow[]): void;
  end(out: FileRow[]): void;
  /** Number of data rows (accepted + rejected) produced so far. */
  readonly rows: number;
}

export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;
export const DEFAULT_BATCH_SIZE = 5000;
export const DEFAULT_MAX_REJECTED_ROWS = 100_000;
