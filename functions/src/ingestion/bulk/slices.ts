import { createReadStream } from "node:fs";
import { stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { isUtf8 } from "node:buffer";

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
   * delimiter), invalid UTF-8 (DuckDB refuses the whole read), a line over maxLineBytes (the parser rejects those) or a byte-order mark at the
   * start of a later slice (DuckDB would drop it; mid-file it is part of the line). Such slices go
   * through the streaming parser instead.
   */
  native: boolean;
}

const NL = 0x0a;

/**
 * Checks bytes as they stream by: counts physical lines and decides whether DuckDB's reader would
 * see exactly the lines the streaming parser sees (see NdjsonSlice.native). Only the bytes of the
 * current partial line are ever copied.
 */
class LineScan {
  lines = 0;
  native = true;
  private tail: Buffer = Buffer.alloc(0);
  private started = false;
  private endsWithNewline = true;

  constructor(
    private readonly maxLineBytes: number,
    /** A byte-order mark is only the file's own at offset 0; later, DuckDB would drop one the parser keeps. */
    private readonly bomAllowed: boolean,
  ) {}

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (!this.started) {
      this.started = true;
      if (
        !this.bomAllowed &&
        chunk.length >= 3 &&
        chunk[0] === 0xef &&
        chunk[1] === 0xbb &&
        chunk[2] === 0xbf
      )
        this.native = false;
    }
    this.endsWithNewline = chunk[chunk.length - 1] === NL;
    if (!this.native) {
      this.countOnly(chunk);
      return;
    }
    if (chunk.indexOf(0x0d) >= 0 || chunk.indexOf(0x00) >= 0 || chunk.indexOf(0x01) >= 0) this.native = false;
    const first = chunk.indexOf(NL);
    if (first < 0) {
      this.tail = Buffer.concat([this.tail, chunk]);
      if (this.tail.length > this.maxLineBytes + 1) this.native = false;
      return;
    }
    // The line that straddles the previous chunk, then whole lines, then the new partial line.
    this.line(Buffer.concat([this.tail, chunk.subarray(0, first)]));
    const last = chunk.lastIndexOf(NL);
    if (last > first && !isUtf8(chunk.subarray(first + 1, last))) this.native = false;
    let start = first + 1;
    for (let nl = chunk.indexOf(NL, start); nl >= 0 && nl <= last; nl = chunk.indexOf(NL, start)) {
      this.lines++;
      if (nl - start > this.maxLineBytes) this.native = false;
      start = nl + 1;
    }
    this.tail = Buffer.from(chunk.subarray(last + 1));
  }

  end(): void {
    if (this.tail.length > 0) {
      if (!isUtf8(this.tail) || this.tail.length > this.maxLineBytes) this.native = false;
      this.lines++;
      this.tail = Buffer.alloc(0);
    } else if (this.started && !this.endsWithNewline) {
      this.lines++;
    }
  }

  private line(bytes: Buffer): void {
    this.lines++;
    if (bytes.length > this.maxLineBytes || !isUtf8(bytes)) this.native = false;
  }

  private countOnly(chunk: Buffer): void {
    for (let p = chunk.indexOf(NL); p >= 0; p = chunk.indexOf(NL, p + 1)) this.lines++;
    this.tail = chunk[chunk.length - 1] === NL ? Buffer.alloc(0) : Buffer.alloc(1);
  }
}

function scanSlice(buf: Buffer, first: boolean, maxLineBytes: number): { lines: number; native: boolean } {
  const scan = new LineScan(maxLineBytes, first);
  scan.push(buf);
  scan.end();
  return { lines: scan.lines, native: scan.native };
}

/** A file no larger than one slice is read where it is, after one streaming scan (no copy). */
async function wholeFileSlice(path: string, maxLineBytes: number): Promise<NdjsonSlice> {
  const scan = new LineScan(maxLineBytes, true);
  let bytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 4 << 20 })) {
    scan.push(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  scan.end();
  return { file: path, start: 0, offset: 0, firstLine: 1, lines: scan.lines, bytes, native: scan.native };
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
  if ((await stat(path)).size <= options.sliceBytes) {
    yield await wholeFileSlice(path, options.maxLineBytes);
    return;
  }
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let firstLine = 1;
  let n = 0;
  let consumed = 0;
  const emit = async (buf: Buffer): Promise<NdjsonSlice> => {
    const file = join(dir, `slice-${n}.ndjson`);
    const scan = scanSlice(buf, n === 0, options.maxLineBytes);
    const slice: NdjsonSlice = {
      file,
      start: 0,
      offset: consumed,
      firstLine,
      lines: scan.lines,
      bytes: buf.length,
      native: scan.native,
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
