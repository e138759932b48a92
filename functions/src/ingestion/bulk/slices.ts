import { createReadStream } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * An NDJSON file cut into slices at line boundaries, each written to its own file so DuckDB can
 * read it with its native (C++, multi-threaded) reader while memory stays bounded by the slice size.
 */
export interface NdjsonSlice {
  file: string;
  /** Byte offset in `file` where the slice starts (0 except for a tail left in the original file). */
  start: number;
  /** Byte offset of the slice's first byte in the original file. */
  offset: number;
  /** 1-based physical line number of the slice's first line in the original file. */
  firstLine: number;
  /** Physical lines in the slice (0 for a tail left in the original file: the last slice). */
  lines: number;
  bytes: number;
  /**
   * Whether DuckDB's line reader sees exactly the lines the streaming parser would. It would not
   * with a CR (DuckDB also breaks lines there), a NUL or 0x01 byte (0x01 is the reader's column
   * delimiter), a line over maxLineBytes (the parser rejects those) or a byte-order mark at the
   * start of a later slice (DuckDB would drop it; mid-file it is part of the line). Such slices go
   * through the streaming parser instead.
   */
  native: boolean;
}

const NL = 0x0a;

function isNativeSafe(buf: Buffer, first: boolean, maxLineBytes: number): boolean {
  if (buf.indexOf(0x0d) >= 0 || buf.indexOf(0x00) >= 0 || buf.indexOf(0x01) >= 0) return false;
  if (!first && buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return false;
  let start = 0;
  for (;;) {
    const nl = buf.indexOf(NL, start);
    const end = nl < 0 ? buf.length : nl;
    if (end - start > maxLineBytes) return false;
    if (nl < 0) return true;
    start = nl + 1;
  }
}

function countLines(buf: Buffer): number {
  let n = 0;
  for (let p = buf.indexOf(NL); p >= 0; p = buf.indexOf(NL, p + 1)) n++;
  // A last line without a newline is a line too.
  return buf.length > 0 && buf[buf.length - 1] !== NL ? n + 1 : n;
}

/**
 * Yields the slices of `path` (each ≈ sliceBytes, cut after a newline) written under `dir`. The
 * caller consumes a slice before asking for the next: one slice is on disk and in memory at a time.
 */
export async function* sliceNdjsonFile(
  path: string,
  dir: string,
  options: { sliceBytes: number; maxLineBytes: number },
): AsyncGenerator<NdjsonSlice> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let firstLine = 1;
  let n = 0;
  let consumed = 0;
  const emit = async (buf: Buffer): Promise<NdjsonSlice> => {
    const file = join(dir, `slice-${n}.ndjson`);
    const slice: NdjsonSlice = {
      file,
      start: 0,
      offset: consumed,
      firstLine,
      lines: countLines(buf),
      bytes: buf.length,
      native: isNativeSafe(buf, n === 0, options.maxLineBytes),
    };
    await writeFile(file, buf);
    n++;
    consumed += buf.length;
    firstLine += slice.lines;
    return slice;
  };
  for await (const chunk of createReadStream(path, { highWaterMark: 4 << 20 })) {
    pending.push(chunk as Buffer);
    pendingBytes += (chunk as Buffer).length;
    if (pendingBytes < options.sliceBytes) continue;
    const all = Buffer.concat(pending, pendingBytes);
    const cut = all.lastIndexOf(NL);
    if (cut < 0) {
      if (pendingBytes <= options.sliceBytes + options.maxLineBytes) continue;
      // A line longer than any slice: hand the rest of the original file to the streaming parser
      // (which rejects the over-long line and resynchronises) rather than buffering it.
      yield { file: path, start: consumed, offset: consumed, firstLine, lines: 0, bytes: 0, native: false };
      return;
    }
    yield await emit(all.subarray(0, cut + 1));
    const rest = all.subarray(cut + 1);
    pending = rest.length > 0 ? [Buffer.from(rest)] : [];
    pendingBytes = rest.length;
  }
  if (pendingBytes > 0) yield await emit(Buffer.concat(pending, pendingBytes));
}
