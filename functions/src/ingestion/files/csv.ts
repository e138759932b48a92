import { isUtf8 } from "node:buffer";
import { FileReadError } from "./errors";
import {
  clipReason,
  firstInvalidUtf8,
  headOf,
  isBlank,
  parseJsonObject,
  rawFromBytes,
  truncateRaw,
  utf8Strict,
} from "./text";
import type { FileRow, RowParser } from "./types";

const NL = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;

/** Candidate delimiters, in tie-break priority order. */
export const CSV_DELIMITERS = [",", ";", "\t", "|"] as const;
export type CsvDelimiter = (typeof CSV_DELIMITERS)[number];

/** Upper bound on header columns (hostile headers). */
export const MAX_CSV_COLUMNS = 10_000;

const FORBIDDEN_SEGMENTS = new Set(["__proto__", "prototype", "constructor"]);

type ColumnKind = "plain" | "revenue" | "timestamp" | "properties";

interface Column {
  name: string;
  /** Path segments for dotted names (`context.utm_source` → ["context","utm_source"]), null for top-level names. */
  path: string[] | null;
  kind: ColumnKind;
}

/**
 * Pick the delimiter of a header line: the candidate occurring most often
 * outside double quotes; ties resolved by CSV_DELIMITERS order; "," if none.
 */
export function detectDelimiter(headerLine: string): CsvDelimiter {
  const counts = [0, 0, 0, 0];
  let inQuotes = false;
  for (let i = 0; i < headerLine.length; i++) {
    const c = headerLine.charCodeAt(i);
    if (c === QUOTE) inQuotes = !inQuotes;
    else if (!inQuotes) {
      if (c === 0x2c) counts[0]++;
      else if (c === 0x3b) counts[1]++;
      else if (c === 0x09) counts[2]++;
      else if (c === 0x7c) counts[3]++;
    }
  }
  let best = 0;
  for (let k = 1; k < 4; k++) if (counts[k] > counts[best]) best = k;
  return CSV_DELIMITERS[best];
}

export type ParsedFields = string[] | { error: string; column: number };

/**
 * Split one record (terminator already removed) into fields, RFC 4180 style:
 * a field is quoted only if its first character is `"`; inside quotes `""`
 * is a literal quote and delimiters/newlines are data; a `"` inside an
 * unquoted field is literal (lenient, like Excel/Python). Text after a
 * closing quote other than the delimiter is an error.
 */
export function parseCsvFields(s: string, delim: string): ParsedFields {
  if (s.indexOf('"') === -1) return s.split(delim);
  const fields: string[] = [];
  const n = s.length;
  let i = 0;
  for (;;) {
    if (i < n && s.charCodeAt(i) === QUOTE) {
      let j = i + 1;
      let doubled = false;
      let close: number;
      for (;;) {
        close = s.indexOf('"', j);
        if (close < 0)
          return { error: `unterminated quoted field in column ${fields.length + 1}`, column: fields.length };
        if (s.charCodeAt(close + 1) === QUOTE) {
          doubled = true;
          j = close + 2;
          continue;
        }
        break;
      }
      const inner = s.slice(i + 1, close);
      fields.push(doubled ? inner.replaceAll('""', '"') : inner);
      j = close + 1;
      if (j === n) return fields;
      if (s[j] !== delim) {
        return {
          error: `unexpected character after closing quote in column ${fields.length}`,
          column: fields.length - 1,
        };
      }
      i = j + 1;
      continue;
    }
    const d = s.indexOf(delim, i);
    if (d < 0) {
      fields.push(i === 0 ? s : s.slice(i));
      return fields;
    }
    fields.push(s.slice(i, d));
    i = d + 1;
  }
}

function buildColumns(names: string[]): Column[] {
  if (names.length > MAX_CSV_COLUMNS) {
    throw new FileReadError("bad_header", `header has ${names.length} columns (max ${MAX_CSV_COLUMNS})`);
  }
  const seen = new Set<string>();
  const cols: Column[] = [];
  for (let k = 0; k < names.length; k++) {
    const name = names[k].trim();
    if (name === "") throw new FileReadError("bad_header", `empty column name at position ${k + 1}`);
    if (seen.has(name)) throw new FileReadError("bad_header", `duplicate column name "${clipReason(name)}"`);
    seen.add(name);
    const segs = name.split(".");
    for (const seg of segs) {
      if (seg === "")
        throw new FileReadError(
          "bad_header",
          `invalid column name "${clipReason(name)}" (empty path segment)`,
        );
      if (FORBIDDEN_SEGMENTS.has(seg))
        throw new FileReadError("bad_header", `forbidden column name "${clipReason(name)}"`);
    }
    let kind: ColumnKind = "plain";
    if (name === "revenue") kind = "revenue";
    else if (name === "timestamp") kind = "timestamp";
    else if (name === "properties") kind = "properties";
    cols.push({ name, path: segs.length > 1 ? segs : null, kind });
  }
  // A name may not be both a value and an object: `context` + `context.x`.
  for (const c of cols) {
    if (!c.path) continue;
    for (let len = 1; len < c.path.length; len++) {
      const prefix = c.path.slice(0, len).join(".");
      if (seen.has(prefix)) {
        throw new FileReadError(
          "bad_header",
          `column "${clipReason(prefix)}" conflicts with "${clipReason(c.name)}"`,
        );
      }
    }
  }
  return cols;
}

const NUMERIC_CHARS = (() => {
  const t = new Uint8Array(128);
  for (const ch of "0123456789+-.eE") t[ch.charCodeAt(0)] = 1;
  return t;
})();

/** Strict decimal number syntax (no hex, no Infinity, no blanks, no thousands separators). */
function parseDecimal(s: string): number | undefined {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || NUMERIC_CHARS[c] === 0) return undefined;
  }
  if (!/^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/.test(s)) return undefined;
  const v = Number(s);
  return Number.isFinite(v) ? v : undefined;
}

function parseEpochMs(s: string): number | undefined {
  if (s.length > 16) return undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return undefined;
  }
  const v = Number(s);
  return Number.isSafeInteger(v) ? v : undefined;
}

/**
 * Incremental RFC 4180 CSV parser working on bytes.
 *
 * Record boundaries are found on raw bytes (`"`, `\n` and the delimiter are
 * ASCII, so this is safe in UTF-8): an unquoted `\n` ends a record; a `"`
 * opens a quoted section only at a field start. Each complete record is then
 * decoded with a strict TextDecoder (invalid UTF-8 → that row is rejected and
 * parsing simply continues with the next record) and split into fields.
 *
 * Values: empty cells are absent; dotted header names build nested objects;
 * the `properties` column must hold a JSON object; only `revenue` (decimal)
 * and `timestamp` (all digits → epoch ms) are converted to numbers. Every
 * other cell stays a string: CSV has no types, and the types of `properties`
 * belong to the user — guessing ("007" → 7, "1e3" → 1000, "true" → true)
 * would silently change their data.
 */
export class CsvParser implements RowParser {
  private columns: Column[] | null = null;
  private delim: CsvDelimiter = ",";
  /** sep[b] = 1 if a `"` right after byte b is at a field start. */
  private readonly sep = new Uint8Array(256);
  private parts: Buffer[] = [];
  private partsLen = 0;
  private recStart: number;
  private recLine = 1;
  private offset: number;
  private line = 1;
  private index = 0;
  private inQuotes = false;
  /** Saw `"` inside quotes as the last byte of a chunk: need the next byte to decide. */
  private quotePending = false;
  /** Last byte of the previous chunk (-1 at stream start). */
  private lastByte = -1;
  /** Current record exceeded maxLineBytes: keep tracking quotes, drop bytes. */
  private skipping = false;
  /** After the first invalid record, validate with isUtf8 first (cheaper than a thrown TypeError). */
  private sawBadUtf8 = false;

  constructor(
    private readonly maxLineBytes: number,
    startOffset = 0,
  ) {
    this.offset = startOffset;
    this.recStart = startOffset;
    // Until the delimiter is known, any candidate may precede a field.
    this.sep[NL] = 1;
    for (const d of CSV_DELIMITERS) this.sep[d.charCodeAt(0)] = 1;
  }

  get rows(): number {
    return this.index;
  }

  get header(): string[] | null {
    return this.columns ? this.columns.map((c) => c.name) : null;
  }

  get delimiter(): CsvDelimiter | null {
    return this.columns ? this.delim : null;
  }

  push(chunk: Buffer, out: FileRow[]): void {
    const n = chunk.length;
    if (n === 0) return;
    const base = this.offset;
    this.offset += n;
    let i = 0;
    let segStart = 0;
    let nextQuote = -2; // cached chunk.indexOf(QUOTE, ≥ i); -2 = unknown, n = none

    while (i < n) {
      if (this.inQuotes) {
        if (this.quotePending) {
          this.quotePending = false;
          if (chunk[i] === QUOTE) {
            i++;
            continue;
          }
          this.inQuotes = false;
          continue;
        }
        let q = chunk.indexOf(QUOTE, i);
        if (q < 0) q = n;
        this.countNewlines(chunk, i, q);
        if (q === n) {
          i = n;
          break;
        }
        if (q + 1 < n) {
          if (chunk[q + 1] === QUOTE) i = q + 2;
          else {
            this.inQuotes = false;
            i = q + 1;
          }
          continue;
        }
        this.quotePending = true;
        i = n;
        break;
      }

      let nl = chunk.indexOf(NL, i);
      if (nl < 0) nl = n;
      if (nextQuote !== n && nextQuote < i) {
        nextQuote = chunk.indexOf(QUOTE, i);
        if (nextQuote < 0) nextQuote = n;
      }
      let opened = false;
      while (nextQuote < nl) {
        const prev = nextQuote > 0 ? chunk[nextQuote - 1] : this.lastByte;
        if (prev < 0 || this.sep[prev] === 1) {
          opened = true;
          break;
        }
        nextQuote = chunk.indexOf(QUOTE, nextQuote + 1);
        if (nextQuote < 0) nextQuote = n;
      }
      if (opened) {
        this.inQuotes = true;
        i = nextQuote + 1;
        continue;
      }
      if (nl === n) {
        i = n;
        break;
      }
      this.endRecord(chunk.subarray(segStart, nl), out);
      this.line++;
      i = nl + 1;
      segStart = i;
      this.recStart = base + i;
      this.recLine = this.line;
    }

    if (segStart < n) {
      if (!this.skipping) {
        this.parts.push(segStart === 0 ? chunk : chunk.subarray(segStart));
        this.partsLen += n - segStart;
        if (this.partsLen > this.maxLineBytes) this.recordTooLong(out);
      }
    }
    this.lastByte = chunk[n - 1];
  }

  end(out: FileRow[]): void {
    if (this.quotePending) {
      this.quotePending = false;
      this.inQuotes = false;
    }
    if (this.inQuotes) {
      this.inQuotes = false;
      if (this.columns === null) {
        throw new FileReadError("bad_header", "unterminated quoted field in header row");
      }
      if (!this.skipping) {
        out.push({
          index: this.index++,
          line: this.recLine,
          ok: false,
          path: null,
          reason: "unterminated quoted field",
          raw: rawFromBytes(headOf(this.parts)),
        });
      }
      this.parts = [];
      this.partsLen = 0;
      this.skipping = false;
      return;
    }
    if (this.skipping) {
      this.skipping = false;
      return;
    }
    if (this.partsLen > 0) this.endRecord(Buffer.alloc(0), out);
    if (this.columns === null) throw new FileReadError("empty", "file has no CSV header row");
  }

  private countNewlines(chunk: Buffer, from: number, to: number): void {
    let p = chunk.indexOf(NL, from);
    while (p >= 0 && p < to) {
      this.line++;
      p = chunk.indexOf(NL, p + 1);
    }
  }

  private recordTooLong(out: FileRow[]): void {
    if (this.columns === null) {
      throw new FileReadError("bad_header", `header row exceeds maxLineBytes (${this.maxLineBytes} bytes)`);
    }
    out.push({
      index: this.index++,
      line: this.recLine,
      ok: false,
      path: null,
      reason: `record exceeds maxLineBytes (${this.maxLineBytes} bytes)`,
      raw: rawFromBytes(headOf(this.parts)),
    });
    this.parts = [];
    this.partsLen = 0;
    this.skipping = true;
  }

  /** `tail` = bytes of the record in the current chunk (before the `\n`). */
  private endRecord(tail: Buffer, out: FileRow[]): void {
    if (this.skipping) {
      this.skipping = false;
      this.parts = [];
      this.partsLen = 0;
      return;
    }
    const len = this.partsLen + tail.length;
    if (len > this.maxLineBytes) {
      this.parts.push(tail);
      this.recordTooLong(out);
      this.skipping = false;
      return;
    }
    let rec: Buffer;
    if (this.partsLen === 0) rec = tail;
    else {
      this.parts.push(tail);
      rec = Buffer.concat(this.parts, len);
    }
    this.parts = [];
    this.partsLen = 0;
    if (rec.length > 0 && rec[rec.length - 1] === CR) rec = rec.subarray(0, rec.length - 1);
    if (this.columns === null) this.headerRecord(rec);
    else this.dataRecord(rec, out);
  }

  private headerRecord(rec: Buffer): void {
    let s: string;
    try {
      s = utf8Strict.decode(rec);
    } catch {
      const bad = firstInvalidUtf8(rec);
      throw new FileReadError(
        "not_utf8_header",
        `CSV header is not valid UTF-8 (byte offset ${this.recStart + Math.max(bad, 0)})`,
      );
    }
    if (isBlank(s)) return; // leading blank lines before the header
    const delim = detectDelimiter(s);
    const fields = parseCsvFields(s, delim);
    if (!Array.isArray(fields))
      throw new FileReadError("bad_header", `malformed header row: ${fields.error}`);
    this.columns = buildColumns(fields);
    this.delim = delim;
    this.sep.fill(0);
    this.sep[NL] = 1;
    this.sep[delim.charCodeAt(0)] = 1;
  }

  private dataRecord(rec: Buffer, out: FileRow[]): void {
    const line = this.recLine;
    let s: string | null = null;
    if (!this.sawBadUtf8 || isUtf8(rec)) {
      try {
        s = utf8Strict.decode(rec);
      } catch {
        this.sawBadUtf8 = true;
      }
    }
    if (s === null) {
      const bad = firstInvalidUtf8(rec);
      out.push({
        index: this.index++,
        line,
        ok: false,
        path: null,
        reason: `not valid UTF-8 (byte offset ${this.recStart + Math.max(bad, 0)})`,
        raw: rawFromBytes(rec),
      });
      return;
    }
    if (s.length === 0 || isBlank(s)) return;
    const index = this.index++;
    const columns = this.columns as Column[];
    const fields = parseCsvFields(s, this.delim);
    if (!Array.isArray(fields)) {
      const col = columns[fields.column];
      out.push({
        index,
        line,
        ok: false,
        path: col ? col.name : null,
        reason: fields.error,
        raw: truncateRaw(s),
      });
      return;
    }
    if (fields.length !== columns.length) {
      out.push({
        index,
        line,
        ok: false,
        path: null,
        reason: `expected ${columns.length} columns, found ${fields.length}`,
        raw: truncateRaw(s),
      });
      return;
    }
    const value: Record<string, unknown> = {};
    for (let k = 0; k < columns.length; k++) {
      const cell = fields[k];
      if (cell.length === 0) continue;
      const col = columns[k];
      let v: unknown = cell;
      if (col.kind === "revenue") {
        const num = parseDecimal(cell);
        if (num !== undefined) v = num;
      } else if (col.kind === "timestamp") {
        const num = parseEpochMs(cell);
        if (num !== undefined) v = num;
      } else if (col.kind === "properties") {
        const r = parseJsonObject(cell, "properties");
        if (r.error !== undefined) {
          out.push({ index, line, ok: false, path: "properties", reason: r.error, raw: truncateRaw(s) });
          return;
        }
        v = r.value;
      }
      const path = col.path;
      if (path === null) {
        value[col.name] = v;
      } else {
        let obj = value;
        const last = path.length - 1;
        for (let p = 0; p < last; p++) {
          const seg = path[p];
          let next = obj[seg] as Record<string, unknown> | undefined;
          if (next === undefined) {
            next = {};
            obj[seg] = next;
          }
          obj = next;
        }
        obj[path[last]] = v;
      }
    }
    out.push({ index, line, ok: true, value, raw: truncateRaw(s) });
  }
}
