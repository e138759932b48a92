import {
  BigQueryDate,
  BigQueryDatetime,
  BigQueryInt,
  BigQueryTime,
  BigQueryTimestamp,
  Geography,
} from "@google-cloud/bigquery";

/**
 * Turns the client's row objects into the plain JSON shapes every adapter returns (see the DuckDB
 * adapter): TIMESTAMP → ISO-8601 UTC string with milliseconds, DATE → YYYY-MM-DD, DATETIME / TIME →
 * their canonical strings, INT64 → number (string when beyond ±2^53), NUMERIC → number, JSON → JSON
 * text (the client is asked not to parse it), BYTES → base64, RECORD → object, REPEATED → array.
 */
export function plainValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof BigQueryTimestamp) return isoMillis(value.value);
  if (value instanceof BigQueryDate || value instanceof BigQueryDatetime || value instanceof BigQueryTime) {
    return value.value;
  }
  if (value instanceof BigQueryInt) return integer(value.value);
  if (value instanceof Geography) return value.value;
  if (Buffer.isBuffer(value)) return value.toString("base64");
  if (isBig(value)) return Number(String(value));
  if (typeof value === "bigint") return integer(value.toString());
  if (typeof value === "number") return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(plainValue);
  if (typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = plainValue(v);
    return out;
  }
  return value;
}

export function plainRow<T>(row: Record<string, unknown>): T {
  return plainValue(row) as T;
}

function integer(text: string): number | string {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : text;
}

/** BigQuery timestamps carry microseconds; the port speaks milliseconds like the DuckDB adapter. */
function isoMillis(text: string): string {
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : text;
}

/** big.js instances (NUMERIC / BIGNUMERIC); big.js is not a direct dependency, so duck-type it. */
function isBig(value: unknown): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { constructor?: { name?: string } }).constructor?.name === "Big" &&
    Array.isArray((value as { c?: unknown }).c)
  );
}
