import { createReadStream } from "node:fs";
import { open as openFile, stat, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { isUtf8 } from "node:buffer";

/**
 * An NDJSON file cut into slices at line boundaries, each written to its own file so DuckDB can
 * read it with its native (C++, multi-threaded) reader while memory stays bounded by the slice size.
 */
export interface NdjsonSlice {
  file: string;
  /** Byte offset of the slice's first byte in the original file. */
  offset: number;
  /** 1-based physical line number of the slice's first line in the original file. */
  firstLine: number;
  /** Physical lines in the slice. */
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

interface OpenSlice {
  file: string;
  fh: FileHandle;
  bytes: number;
  offset: number;
  scan: LineScan;
}

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

/** A file no larger than one slice is read where it is, after one streaming scan (no copy). */
async function wholeFileSlice(path: string, maxLineBytes: number): Promise<NdjsonSlice> {
  const scan = new LineScan(maxLineBytes, true);
  let bytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 4 << 20 })) {
    scan.push(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  scan.end();
  return { file: path, offset: 0, firstLine: 1, lines: scan.lines, bytes, native: scan.native };
}

/**
 * Yields the slices of `path` (each ≈ sliceBytes, cut after a newline) written under `dir`, or the
 * file itself when it fits in one slice. The caller consumes a slice before asking for the next.
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
  // Chunks are written to the current slice file as they arrive: only one read chunk is in memory.
  let n = 0;
  let firstLine = 1;
  let offset = 0;
  const open: { slice: OpenSlice | null } = { slice: null };
  const write = async (buf: Buffer): Promise<void> => {
    if (open.slice === null) {
      const file = join(dir, `slice-${n}.ndjson`);
      const scan = new LineScan(options.maxLineBytes, n === 0);
      open.slice = { file, fh: await openFile(file, "w"), bytes: 0, offset, scan };
      n++;
    }
    await open.slice.fh.write(buf);
    open.slice.scan.push(buf);
    open.slice.bytes += buf.length;
    offset += buf.length;
  };
  const close = async (c: OpenSlice): Promise<NdjsonSlice> => {
    open.slice = null;
    await c.fh.close();
    c.scan.end();
    const slice: NdjsonSlice = {
      file: c.file,
      offset: c.offset,
      firstLine,
      lines: c.scan.lines,
      bytes: c.bytes,
      native: c.scan.native,
    };
    firstLine += c.scan.lines;
    return slice;
  };
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 4 << 20 })) {
      let buf = chunk as Buffer;
      while (buf.length > 0) {
        const room = options.sliceBytes - (open.slice?.bytes ?? 0);
        if (buf.length < room) {
          await write(buf);
          break;
        }
        // The slice fills up inside this chunk: cut after the last newline that still fits, else
        // after the first one beyond (a long line); without any, the line goes on into this slice.
        let cut = room > 0 ? buf.lastIndexOf(NL, room - 1) : -1;
        if (cut < 0) cut = buf.indexOf(NL, Math.max(room, 0));
        if (cut < 0) {
          await write(buf);
          break;
        }
        await write(buf.subarray(0, cut + 1));
        yield await close(open.slice!);
        buf = buf.subarray(cut + 1);
      }
    }
    if (open.slice !== null) yield await close(open.slice);
  } finally {
    await open.slice?.fh.close().catch(() => undefined);
  }
}
