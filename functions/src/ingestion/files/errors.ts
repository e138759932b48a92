/**
 * Fatal errors raised by the file-drop readers. A FileReadError means the
 * whole file must be rejected (as opposed to a rejected *row*, which is
 * reported in-band as `FileRow { ok: false }` and does not stop the stream).
 */
export type FileReadErrorCode =
  /** Total (decompressed) bytes exceeded `maxDecompressedBytes`. */
  | "too_large"
  /** Decompressed/compressed ratio exceeded `maxCompressionRatio`. */
  | "gzip_bomb"
  /** Invalid, truncated or trailing-garbage gzip data, or a `.gz` name without gzip magic. */
  | "corrupt_gzip"
  /** The CSV header row is not valid UTF-8. */
  | "not_utf8_header"
  /** Format could not be determined, or is not supported (e.g. a JSON array document). */
  | "unsupported_format"
  /** No bytes, or no data rows at all. */
  | "empty"
  /** More rejected rows than `maxRejectedRows` (garbage file; also bounds the cost of hostile input). */
  | "too_many_rejected"
  /** CSV header is missing, malformed, too long, has empty/duplicate/conflicting/forbidden names. */
  | "bad_header";

export class FileReadError extends Error {
  override readonly name = "FileReadError";
  readonly code: FileReadErrorCode;

  constructor(code: FileReadErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isFileReadError(e: unknown, code?: FileReadErrorCode): e is FileReadError {
  return e instanceof FileReadError && (code === undefined || e.code === code);
}
