/**
 * Byte/text helpers shared by the NDJSON and CSV readers. Kept free of
 * regexes and per-character allocation: they sit on the hot path.
 */

/** Maximum size of `FileRow.raw`, in UTF-8 bytes. */
export const RAW_MAX_BYTES = 2048;

/** A UTF-16 code unit encodes to at most 3 UTF-8 bytes, so strings this short always fit. */
const RAW_FAST_CHARS = Math.floor(RAW_MAX_BYTES / 3);

/** Strict UTF-8 decoder: throws on any invalid sequence; never strips a BOM silently. */
export const utf8Strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export const UTF8_BOM = [0xef, 0xbb, 0xbf] as const;

export function hasUtf8Bom(b: Uint8Array): boolean {
  return b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;
}

/** Truncate a row's text to at most RAW_MAX_BYTES UTF-8 bytes without splitting a character. */
export function truncateRaw(s: string): string {
  if (s.length <= RAW_FAST_CHARS) return s;
  let cut = s.length > RAW_MAX_BYTES ? s.slice(0, RAW_MAX_BYTES) : s;
  const bytes = Buffer.from(cut, "utf8");
  if (bytes.length <= RAW_MAX_BYTES) return cut;
  let end = RAW_MAX_BYTES;
  // Back off to a character boundary (skip continuation bytes 10xxxxxx).
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  cut = bytes.toString("utf8", 0, end);
  return cut;
}

/** Lenient text for the report of a row whose bytes may be invalid or huge. */
export function rawFromBytes(b: Uint8Array): string {
  const buf = Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  let end = Math.min(buf.length, RAW_MAX_BYTES);
  if (end < buf.length) {
    while (end > 0 && (buf[end] & 0xc0) === 0x80) end--;
  }
  return buf.toString("utf8", 0, end);
}

/** First `max` bytes of a list of buffers (for reporting over-long records). */
export function headOf(parts: readonly Buffer[], max = RAW_MAX_BYTES): Buffer {
  const out: Buffer[] = [];
  let n = 0;
  for (const p of parts) {
    if (n >= max) break;
    const take = Math.min(p.length, max - n);
    out.push(take === p.length ? p : p.subarray(0, take));
    n += take;
  }
  return out.length === 1 ? out[0] : Buffer.concat(out, n);
}

/**
 * Index of the first byte that starts an invalid UTF-8 sequence, or -1.
 * Rejects overlong forms, surrogates (U+D800..U+DFFF) and code points > U+10FFFF,
 * exactly like a fatal TextDecoder. Only called after a strict decode failed.
 */
export function firstInvalidUtf8(b: Uint8Array): number {
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0;
      else if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      else if (c === 0xf4) hi = 0x8f;
    } else return i;
    if (i + need >= n) return i; // truncated sequence
    const c1 = b[i + 1];
    if (c1 < lo || c1 > hi) return i;
    for (let k = 2; k <= need; k++) {
      const ck = b[i + k];
      if (ck < 0x80 || ck > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}

/** True if the string is empty or only JSON/CSV insignificant whitespace. */
export function isBlank(s: string): boolean {
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10) return false;
  }
  return true;
}

export interface JsonObjectResult {
  value?: Record<string, unknown>;
  error?: string;
}

const MAX_REASON_CHARS = 300;

export function clipReason(s: string): string {
  return s.length > MAX_REASON_CHARS ? s.slice(0, MAX_REASON_CHARS) + "…" : s;
}

/**
 * Parse text that must be a JSON object.
 *
 * Hostile-input note: JSON.parse itself never pollutes prototypes (it defines
 * own properties), but an own `__proto__` key becomes dangerous as soon as a
 * downstream step copies it with Object.assign/merge. Lines that could carry
 * such a key (literally, or spelled with \u escapes) take a slower path with a
 * reviver and are rejected if the key is present. The two `indexOf` probes are
 * cheap compared with JSON.parse itself.
 */
export function parseJsonObject(s: string, what: string): JsonObjectResult {
  let v: unknown;
  try {
    if (s.indexOf("__proto__") === -1 && s.indexOf("\\u") === -1) {
      v = JSON.parse(s);
    } else {
      let forbidden = false;
      v = JSON.parse(s, function (key: string, val: unknown) {
        if (key === "__proto__") forbidden = true;
        return val;
      });
      if (forbidden) return { error: 'forbidden key "__proto__"' };
    }
  } catch (e) {
    return { error: clipReason(`invalid JSON: ${(e as Error).message}`) };
  }
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    return { error: `${what} must be a JSON object` };
  }
  return { value: v as Record<string, unknown> };
}
