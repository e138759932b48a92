import { createHash } from "node:crypto";
import type { FieldSchema, TableSchema } from "../schema/table-schemas";
import { WarehouseError, type Row } from "../warehouse";

/**
 * Rows for `tabledata.insertAll`: converted to BigQuery's JSON encoding, keyed (insertId) and
 * split into requests BigQuery accepts.
 */
export interface EncodedRow {
  insertId: string;
  json: Record<string, unknown>;
}

/** BigQuery allows insertIds up to 128 characters. */
const MAX_INSERT_ID = 128;
/** Documented limits: 10 MB per HTTP request, 500 rows per request recommended. */
export const MAX_ROWS_PER_REQUEST = 500;
export const MAX_BYTES_PER_REQUEST = 9 * 1024 * 1024;

export class RowEncodingError extends WarehouseError {
  constructor(
    readonly table: string,
    readonly rowIndex: number,
    readonly path: string,
    reason: string,
  ) {
    super(`${table} row ${rowIndex}: ${path}: ${reason}`);
    this.name = "RowEncodingError";
  }
}

/** The natural key of a row, as the list of its key values. */
export function keyValues(schema: TableSchema, row: Row, rowIndex: number): string[] {
  return schema.key.map((k) => {
    const v = row[k];
    if (v === null || v === undefined || v === "") {
      throw new RowEncodingError(schema.name, rowIndex, k, "key column is missing");
    }
    return v instanceof Date ? v.toISOString() : String(v);
  });
}

/**
 * The insertId BigQuery uses for its best-effort deduplication: the key values joined with `:`
 * (standard_events: `workspace_id:event_id`). When that would be ambiguous (a value holds `:`) or
 * longer than 128 characters, a SHA-256 of the key is used instead; either way it is a pure function
 * of the key, so a retried or replayed row repeats its insertId.
 */
export function insertIdFor(key: string[]): string {
  const joined = key.join(":");
  if (joined.length <= MAX_INSERT_ID && key.every((k) => !k.includes(":"))) return joined;
  return "sha256:" + createHash("sha256").update(JSON.stringify(key)).digest("hex");
}

/** Converts one row to BigQuery's insertAll JSON, checking REQUIRED fields and unknown columns. */
export function encodeRow(schema: TableSchema, row: Row, rowIndex: number): Record<string, unknown> {
  return encodeRecord(schema.name, schema.fields, row, rowIndex, "");
}

function encodeRecord(
  table: string,
  fields: FieldSchema[],
  row: Row,
  rowIndex: number,
  prefix: string,
): Record<string, unknown> {
  const known = new Set(fields.map((f) => f.name));
  for (const k of Object.keys(row)) {
    if (!known.has(k) && row[k] !== undefined) {
      throw new RowEncodingError(table, rowIndex, prefix + k, "no such column in the table schema");
    }
  }
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const path = prefix + field.name;
    const value = row[field.name];
    if (field.mode === "REPEATED") {
      if (value === null || value === undefined) {
        out[field.name] = [];
        continue;
      }
      if (!Array.isArray(value)) throw new RowEncodingError(table, rowIndex, path, "expected an array");
      out[field.name] = value.map((v, i) => {
        if (v === null || v === undefined) {
          throw new RowEncodingError(table, rowIndex, `${path}[${i}]`, "REPEATED fields cannot hold NULL");
        }
        return encodeValue(table, field, v, rowIndex, `${path}[${i}]`);
      });
      continue;
    }
    if (value === null || value === undefined) {
      if (field.mode === "REQUIRED")
        throw new RowEncodingError(table, rowIndex, path, "REQUIRED field is missing");
      continue; // omitted == NULL; keeps requests small
    }
    out[field.name] = encodeValue(table, field, value, rowIndex, path);
  }
  return out;
}

function encodeValue(
  table: string,
  field: FieldSchema,
  value: unknown,
  rowIndex: number,
  path: string,
): unknown {
  const fail = (reason: string): never => {
    throw new RowEncodingError(table, rowIndex, path, reason);
  };
  switch (field.type) {
    case "STRING":
      return typeof value === "string" ? value : String(value);
    case "INT64":
    case "INTEGER":
      if (typeof value === "bigint") return value.toString();
      if (typeof value === "number" && Number.isInteger(value)) return value;
      if (typeof value === "string" && /^-?\d+$/.test(value)) return value;
      return fail(`expected an integer, got ${JSON.stringify(String(value))}`);
    case "FLOAT64":
    case "FLOAT":
    case "NUMERIC": {
      const n = typeof value === "number" ? value : Number(value);
      if (typeof value === "boolean" || (typeof value === "string" && value.trim() === "")) {
        return fail("expected a number");
      }
      if (Number.isNaN(n)) return "NaN";
      if (n === Infinity) return "Infinity";
      if (n === -Infinity) return "-Infinity";
      return field.type === "NUMERIC" ? String(value) : n;
    }
    case "BOOL":
    case "BOOLEAN":
      if (typeof value === "boolean") return value;
      return fail("expected a boolean");
    case "TIMESTAMP": {
      const ms =
        value instanceof Date
          ? value.getTime()
          : typeof value === "number"
            ? value
            : Date.parse(String(value));
      if (!Number.isFinite(ms)) return fail(`invalid timestamp ${JSON.stringify(String(value))}`);
      return new Date(ms).toISOString();
    }
    case "DATE": {
      if (value instanceof Date) return value.toISOString().slice(0, 10);
      const s = String(value);
      if (!/^\d{4}-\d{2}-\d{2}/.test(s)) return fail(`invalid date ${JSON.stringify(s)}`);
      return s.slice(0, 10);
    }
    case "JSON":
      // insertAll takes JSON columns as JSON text. A string is taken to be JSON text already
      // (as in the DuckDB adapter); anything else is serialised.
      if (typeof value === "string") {
        try {
          JSON.parse(value);
        } catch {
          return fail("JSON column holds a string that is not valid JSON text");
        }
        return value;
      }
      return JSON.stringify(value);
    case "RECORD":
    case "STRUCT":
      if (typeof value !== "object" || value === null || Array.isArray(value))
        return fail("expected an object");
      return encodeRecord(table, field.fields ?? [], value as Row, rowIndex, path + ".");
    default:
      return fail(`unsupported type ${String(field.type)}`);
  }
}

export interface PreparedRows {
  /** Rows to send, first occurrence of each key, in input order. */
  rows: EncodedRow[];
  /** For each sent row, its index in the caller's array (for error messages). */
  sourceIndex: number[];
  /** Rows dropped because an earlier row of the same call had the same key. */
  duplicates: number;
}

/** Encodes rows, drops in-call duplicates (first wins, like the DuckDB adapter's ON CONFLICT DO NOTHING). */
export function prepareRows(schema: TableSchema, rows: Row[]): PreparedRows {
  const seen = new Set<string>();
  const out: PreparedRows = { rows: [], sourceIndex: [], duplicates: 0 };
  rows.forEach((row, i) => {
    const insertId = insertIdFor(keyValues(schema, row, i));
    if (seen.has(insertId)) {
      out.duplicates++;
      return;
    }
    seen.add(insertId);
    out.rows.push({ insertId, json: encodeRow(schema, row, i) });
    out.sourceIndex.push(i);
  });
  return out;
}

/** Splits encoded rows into requests of at most `maxRows` rows and about `maxBytes` bytes of JSON. */
export function batchRows(
  rows: EncodedRow[],
  maxRows = MAX_ROWS_PER_REQUEST,
  maxBytes = MAX_BYTES_PER_REQUEST,
): { start: number; rows: EncodedRow[] }[] {
  const batches: { start: number; rows: EncodedRow[] }[] = [];
  const envelope = 128; // {"kind":…,"skipInvalidRows":…,"rows":[ … ]}
  let current: EncodedRow[] = [];
  let start = 0;
  let bytes = envelope;
  rows.forEach((row, i) => {
    const size = Buffer.byteLength(JSON.stringify(row), "utf8") + 1;
    if (size + envelope > maxBytes) {
      throw new WarehouseError(
        `row ${row.insertId} is ${size} bytes, more than one insert request may carry`,
      );
    }
    if (current.length > 0 && (current.length >= maxRows || bytes + size > maxBytes)) {
      batches.push({ start, rows: current });
      current = [];
      start = i;
      bytes = envelope;
    }
    current.push(row);
    bytes += size;
  });
  if (current.length > 0) batches.push({ start, rows: current });
  return batches;
}
