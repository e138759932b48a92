import { isUtf8 } from "node:buffer";
import { clipReason, firstInvalidUtf8, headOf, isBlank, rawFromBytes, truncateRaw, utf8Strict } from "./text";
import type { FileRow, RowParser } from "./types";

const NL = 0x0a;

/**
 * Incremental NDJSON parser.
 *
 * Hot path: each pushed chunk is split at its *last* newline; everything
 * before it is a block of complete lines that is validated + decoded with one
 * strict TextDecoder call and then cut into lines with String#indexOf (V8
 * makes those slices O(1)). Only the tail after the last newline is carried
 * over as bytes, so chunk boundaries inside multibyte characters are harmless.
 * If the block is not valid UTF-8, the offending line is located, rejected,
 * and decoding resumes at the next newline.
 */
export class NdjsonParser implements RowParser {
  private carry: Buffer[] = [];
  private carryLen = 0;
  /** Absolute byte offset (decompressed stream) of carry[0][0]. */
  private carryStart = 0;
  /** Absolute byte offset of the next pushed byte. */
  private offset: number;
  /** 1-based physical line number of the next line to complete. */
  private line = 1;
  private index = 0;
  /** Discarding the rest of an over-long line until the next newline. */
  private skipping = false;

  constructor(
    private readonly maxLineBytes: number,
    startOffset = 0,
  ) {
    this.offset = startOffset;
  }

  get rows(): number {
    return this.index;
  }

  push(chunk: Buffer, out: FileRow[]): void {
    const n = chunk.length;
    if (n === 0) return;
    const base = this.offset;
    this.offset += n;
    let pos = 0;

    if (this.skipping) {
      const nl = chunk.indexOf(NL);
      if (nl < 0) return;
      this.skipping = false;
      this.line++;
      pos = nl + 1;
    } else if (this.carryLen > 0) {
      const nl = chunk.indexOf(NL);
      if (nl < 0) {
        this.carry.push(chunk);
        this.carryLen += n;
        if (this.carryLen > this.maxLineBytes) this.tooLong(out, true);
        return;
      }
      if (this.carryLen + nl > this.maxLineBytes) {
        this.carry.push(chunk.subarray(0, nl));
        this.tooLong(out, false);
      } else {
        this.carry.push(chunk.subarray(0, nl));
        const bytes = Buffer.concat(this.carry, this.carryLen + nl);
        this.carry = [];
        this.carryLen = 0;
        this.lineBytes(bytes, this.carryStart, out);
      }
      pos = nl + 1;
    }

    if (pos < n) {
      const last = chunk.lastIndexOf(NL);
      if (last >= pos) {
        this.block(chunk.subarray(pos, last), base + pos, out);
        pos = last + 1;
      }
      if (pos < n) {
        this.carry.push(chunk.subarray(pos));
        this.carryLen = n - pos;
        this.carryStart = base + pos;
        if (this.carryLen > this.maxLineBytes) this.tooLong(out, true);
      }
    }
  }

  end(out: FileRow[]): void {
    if (this.skipping) {
      this.skipping = false;
      return;
    }
    if (this.carryLen > 0) {
      const bytes = this.carry.length === 1 ? this.carry[0] : Buffer.concat(this.carry, this.carryLen);
      this.carry = [];
      this.carryLen = 0;
      this.lineBytes(bytes, this.carryStart, out);
    }
  }

  /** Reject the carried (over-long) line; if `skipRest`, drop bytes until the next newline. */
  private tooLong(out: FileRow[], skipRest: boolean): void {
    out.push({
      index: this.index++,
      line: this.line,
      ok: false,
      path: null,
      reason: `line exceeds maxLineBytes (${this.maxLineBytes} bytes)`,
      raw: rawFromBytes(headOf(this.carry)),
    });
    this.carry = [];
    this.carryLen = 0;
    if (skipRest) this.skipping = true;
    else this.line++;
  }

  /** One complete line given as bytes (carry path / end of file). */
  private lineBytes(bytes: Buffer, absOffset: number, out: FileRow[]): void {
    // isUtf8 first: a thrown TypeError costs ~10 µs, and this path sees many bad lines in hostile files.
    if (!isUtf8(bytes)) {
      this.rejectUtf8(bytes, absOffset, out);
      return;
    }
    this.lineText(utf8Strict.decode(bytes), out);
  }

  private rejectUtf8(bytes: Buffer, absOffset: number, out: FileRow[]): void {
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === 0x0d) end--;
    const lineBytes = bytes.subarray(0, end);
    const bad = firstInvalidUtf8(lineBytes);
    out.push({
      index: this.index++,
      line: this.line++,
      ok: false,
      path: null,
      reason: `not valid UTF-8 (byte offset ${absOffset + Math.max(bad, 0)})`,
      raw: rawFromBytes(lineBytes),
    });
  }

  /**
   * Lines separated by "\n", no trailing newline: k newlines ⇒ k+1 lines.
   * Fast path: one strict decode for the whole block. If that fails, the
   * valid prefix is still decoded in one go and the remainder line by line,
   * so a chunk full of bad lines costs linear, not quadratic, time.
   */
  private block(buf: Buffer, absOffset: number, out: FileRow[]): void {
    let text: string | null;
    try {
      text = utf8Strict.decode(buf);
    } catch {
      text = null;
    }
    if (text !== null) {
      this.blockText(text, out);
      return;
    }
    const bad = Math.max(firstInvalidUtf8(buf), 0);
    let p = bad === 0 ? 0 : buf.lastIndexOf(NL, bad - 1) + 1;
    if (p > 0) this.blockText(utf8Strict.decode(buf.subarray(0, p - 1)), out);
    for (;;) {
      const nl = buf.indexOf(NL, p);
      this.lineBytes(nl < 0 ? buf.subarray(p) : buf.subarray(p, nl), absOffset + p, out);
      if (nl < 0) return;
      p = nl + 1;
    }
  }

  private blockText(text: string, out: FileRow[]): void {
    let p = 0;
    for (;;) {
      const nl = text.indexOf("\n", p);
      if (nl < 0) {
        this.lineText(p === 0 ? text : text.slice(p), out);
        return;
      }
      this.lineText(text.slice(p, nl), out);
      p = nl + 1;
    }
  }

  private lineText(s: string, out: FileRow[]): void {
    const line = this.line++;
    const row = ndjsonLineRow(s, this.index, line, this.maxLineBytes);
    if (row === null) return;
    this.index++;
    out.push(row);
  }
}

/**
 * One decoded NDJSON line as a row (null for a blank line, which is not a row). Shared by the
 * streaming parser and the bulk loader's deferred rows, so both word every rejection the same way.
 */
export function ndjsonLineRow(
  text: string,
  index: number,
  line: number,
  maxLineBytes: number,
): FileRow | null {
  let s = text;
  let len = s.length;
  if (len > 0 && s.charCodeAt(len - 1) === 13) {
    s = s.slice(0, --len);
  }
  if (len === 0) return null;
  const c0 = s.charCodeAt(0);
  if ((c0 === 32 || c0 === 9 || c0 === 13) && isBlank(s)) return null;
  const reject = (reason: string): FileRow => ({
    index,
    line,
    ok: false,
    path: null,
    reason,
    raw: truncateRaw(s),
  });
  // Cheap bound first: a UTF-16 unit is at most 3 UTF-8 bytes.
  if (len * 3 > maxLineBytes && Buffer.byteLength(s, "utf8") > maxLineBytes) {
    return reject(`line exceeds maxLineBytes (${maxLineBytes} bytes)`);
  }
  let v: unknown;
  if (s.indexOf("__proto__") === -1 && s.indexOf("\\u") === -1) {
    try {
      v = JSON.parse(s);
    } catch (e) {
      return reject(clipReason(`invalid JSON: ${(e as Error).message}`));
    }
  } else {
    // Possible `__proto__` key (see parseJsonObject in text.ts): slow path with a reviver.
    let forbidden = false;
    try {
      v = JSON.parse(s, function (key: string, val: unknown) {
        if (key === "__proto__") forbidden = true;
        return val;
      });
    } catch (e) {
      return reject(clipReason(`invalid JSON: ${(e as Error).message}`));
    }
    if (forbidden) return reject('forbidden key "__proto__"');
  }
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    return reject("each line must be a JSON object");
  }
  return { index, line, ok: true, value: v as Record<string, unknown>, raw: truncateRaw(s) };
}
