import type { FileFormat } from "./types";

/** gzip member magic bytes (RFC 1952). */
export function isGzipMagic(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

/** True if the (object or file) name ends with `.gz` / `.gzip` (case-insensitive). */
export function hasGzipSuffix(name: string): boolean {
  const n = name.toLowerCase();
  return n.endsWith(".gz") || n.endsWith(".gzip");
}

function baseName(name: string): string {
  let n = name.toLowerCase();
  if (n.endsWith(".gzip")) n = n.slice(0, -5);
  else if (n.endsWith(".gz")) n = n.slice(0, -3);
  return n;
}

/** Lower-cased extension of the name once a `.gz` suffix is removed (e.g. ".csv"), or "". */
export function innerExtension(name: string): string {
  const n = baseName(name);
  const slash = Math.max(n.lastIndexOf("/"), n.lastIndexOf("\\"));
  const dot = n.lastIndexOf(".");
  return dot > slash ? n.slice(dot) : "";
}

const CSV_EXT = new Set([".csv", ".tsv", ".psv"]);
const NDJSON_EXT = new Set([".ndjson", ".jsonl", ".ldjson", ".json"]);

/**
 * Determine the format from the name (`.csv`/`.tsv`/`.psv` → csv;
 * `.ndjson`/`.jsonl`/`.ldjson`/`.json` → ndjson, `.gz` suffix ignored) and,
 * when the name is inconclusive, by sniffing the first *decompressed* bytes:
 * a first non-blank character `{` means NDJSON; a first line containing one of
 * `,` `;` TAB `|` means CSV. Returns null when undecidable (or when the bytes
 * are still gzip-compressed).
 */
export function detectFormat(name: string, firstBytes?: Uint8Array): FileFormat | null {
  const ext = innerExtension(name);
  if (CSV_EXT.has(ext)) return "csv";
  if (NDJSON_EXT.has(ext)) return "ndjson";
  if (!firstBytes || firstBytes.length === 0 || isGzipMagic(firstBytes)) return null;
  let i = 0;
  if (firstBytes.length >= 3 && firstBytes[0] === 0xef && firstBytes[1] === 0xbb && firstBytes[2] === 0xbf)
    i = 3;
  while (i < firstBytes.length) {
    const c = firstBytes[i];
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0x0a) break;
    i++;
  }
  if (i >= firstBytes.length) return null;
  if (firstBytes[i] === 0x7b /* { */) return "ndjson";
  for (; i < firstBytes.length; i++) {
    const c = firstBytes[i];
    if (c === 0x0a) break;
    if (c === 0x2c || c === 0x3b || c === 0x09 || c === 0x7c) return "csv";
  }
  return null;
}

/** First non-blank byte after an optional BOM, or -1. */
export function firstSignificantByte(b: Uint8Array): number {
  let i = b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
  for (; i < b.length; i++) {
    const c = b[i];
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0x0a) return c;
  }
  return -1;
}
