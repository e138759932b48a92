import {
  DuckDBTimestampValue,
  DuckDBDateValue,
  type DuckDBAppender,
  type DuckDBValue,
} from "@duckdb/node-api";
import type { FieldSchema } from "../schema/table-schemas";

/** Converts a JS value to epoch microseconds for a TIMESTAMP column. Accepts Date, ISO string or epoch ms. */
export function toEpochMicros(value: unknown, column: string): bigint {
  let ms: number;
  if (value instanceof Date) ms = value.getTime();
  else if (typeof value === "number") ms = value;
  else if (typeof value === "string") ms = Date.parse(value);
  else throw new TypeError(`${column}: expected a timestamp, got ${typeof value}`);
  if (!Number.isFinite(ms)) throw new TypeError(`${column}: invalid timestamp ${String(value)}`);
  return BigInt(Math.round(ms * 1000));
}

/** Appends one value of a scalar column; returns false when the column needs the SQL path (RECORD, REPEATED). */
export function appendScalar(appender: DuckDBAppender, field: FieldSchema, value: unknown): void {
  if (value === null || value === undefined) {
    appender.appendNull();
    return;
  }
  switch (field.type) {
    case "STRING":
      appender.appendVarchar(String(value));
      return;
    case "JSON":
      appender.appendVarchar(typeof value === "string" ? value : JSON.stringify(value));
      return;
    case "INT64":
    case "INTEGER":
      appender.appendBigInt(BigInt(Math.trunc(Number(value))));
      return;
    case "FLOAT64":
    case "FLOAT":
    case "NUMERIC":
      appender.appendDouble(Number(value));
      return;
    case "BOOL":
    case "BOOLEAN":
      appender.appendBoolean(Boolean(value));
      return;
    case "TIMESTAMP":
      appender.appendTimestamp(new DuckDBTimestampValue(toEpochMicros(value, field.name)));
      return;
    case "DATE": {
      const ms = typeof value === "string" ? Date.parse(value) : new Date(value as Date).getTime();
      appender.appendDate(new DuckDBDateValue(Math.floor(ms / 86_400_000)));
      return;
    }
    default:
      throw new TypeError(`${field.name}: type ${field.type} cannot be appended`);
  }
}

/**
 * Converter from a JS value to the DuckDB value of a column, for the data-chunk append path (nulls
 * are handled by the caller). Same conversions as appendScalar; undefined when the type has none
 * there (NUMERIC → DECIMAL), so the caller uses the per-value appender.
 */
export function columnConverter(field: FieldSchema): ((value: unknown) => DuckDBValue) | undefined {
  switch (field.type) {
    case "STRING":
      return (v) => (typeof v === "string" ? v : String(v));
    case "JSON":
      return (v) => (typeof v === "string" ? v : JSON.stringify(v));
    case "INT64":
    case "INTEGER":
      return (v) => BigInt(Math.trunc(Number(v)));
    case "FLOAT64":
    case "FLOAT":
      return (v) => Number(v);
    case "BOOL":
    case "BOOLEAN":
      return (v) => Boolean(v);
    case "TIMESTAMP":
      return (v) => new DuckDBTimestampValue(toEpochMicros(v, field.name));
    case "DATE":
      return (v) => {
        const ms = typeof v === "string" ? Date.parse(v) : new Date(v as Date).getTime();
        return new DuckDBDateValue(Math.floor(ms / 86_400_000));
      };
    default:
      return undefined;
  }
}

export function isAppendable(fields: FieldSchema[]): boolean {
  return fields.every((f) => f.mode !== "REPEATED" && f.type !== "RECORD" && f.type !== "STRUCT");
}

/**
 * Turns DuckDB's JS values into plain JSON-friendly values: BIGINT → number (string if unsafe),
 * TIMESTAMP → ISO 8601 UTC string, DATE → YYYY-MM-DD. Everything crossing the warehouse port is
 * plain JSON so the remote adapter and the BigQuery adapter return the same shapes.
 */
export function plainValue(value: unknown, typeId: string): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  if (value instanceof Date) {
    return typeId === "DATE" ? value.toISOString().slice(0, 10) : value.toISOString();
  }
  if (Array.isArray(value)) return value.map((v) => plainValue(v, ""));
  if (typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = plainValue(v, "");
    return out;
  }
  return value;
}
