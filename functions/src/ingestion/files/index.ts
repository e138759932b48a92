/**
 * File-drop readers: stream CSV / NDJSON (optionally gzip) from Cloud Storage
 * objects or local files into raw event objects, with hostile-input limits.
 */
export { readRows } from "./read";
export { detectFormat, isGzipMagic, hasGzipSuffix } from "./detect";
export { FileReadError, isFileReadError, type FileReadErrorCode } from "./errors";
export { GZIP_RATIO_GRACE_BYTES, type ByteSource } from "./source";
export { RAW_MAX_BYTES } from "./text";
export { CSV_DELIMITERS, MAX_CSV_COLUMNS, detectDelimiter, parseCsvFields } from "./csv";
export {
  DEFAULT_BATCH_SIZE,
  DEFAULT_MAX_LINE_BYTES,
  DEFAULT_MAX_REJECTED_ROWS,
  type FileFormat,
  type FileReadOptions,
  type FileRow,
  type FileRowOk,
  type FileRowRejected,
} from "./types";
