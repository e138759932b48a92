/**
 * The warehouse port. Domain code (ingestion, runs, models) talks only to this interface;
 * adapters live beside it: `duckdb/` (embedded), `remote/` (DuckDB behind the local warehouse server)
 * and `bigquery/`.
 */
import type { Dialect } from "./sql/dialect";

export type WarehouseKind = "duckdb" | "bigquery";

/** Tables defined in `bigquery-schemas/`. */
export type TableName =
  | "standard_events"
  | "rejected_events"
  | "uploads"
  | "job_status"
  | "lift_analysis_results"
  | "causal_model_registry";

export type SqlValue = string | number | boolean | null | Date | bigint;
export type Row = Record<string, unknown>;

/**
 * A parameterised query. Parameters are named; write them with the dialect's `param(name)`
 * helper so the same builder produces `$name` (DuckDB) or `@name` (BigQuery).
 */
export interface SqlQuery {
  sql: string;
  params?: Record<string, SqlValue | SqlValue[]>;
  /** Short label for logs and BigQuery job labels, e.g. "did_cell_means". */
  label: string;
  /**
   * Extra job labels (BigQuery), e.g. `{ workspace: "ws_1" }`. Keys and values are sanitised to
   * [a-z0-9_-], at most 63 characters. `app` and `query` are always set by the adapter.
   */
  labels?: Record<string, string>;
  /**
   * Explicit parameter types, needed by BigQuery for NULL values and empty arrays (otherwise inferred:
   * integer → INT64, other number → FLOAT64, bigint → INT64, Date → TIMESTAMP, string → STRING).
   * DuckDB infers types and ignores this.
   */
  paramTypes?: Record<string, SqlParamType>;
}

export type SqlScalarType =
  "STRING" | "INT64" | "FLOAT64" | "NUMERIC" | "BOOL" | "TIMESTAMP" | "DATE" | "JSON";
export type SqlParamType = SqlScalarType | `ARRAY<${SqlScalarType}>`;

export interface QueryStats {
  /** Bytes the warehouse processed (BigQuery: totalBytesProcessed; DuckDB: 0). */
  bytesProcessed: number;
  elapsedMs: number;
}

export interface QueryResult<T = Row> {
  rows: T[];
  stats: QueryStats;
}

export interface InsertOutcome {
  /** Rows that were new. */
  inserted: number;
  /** Rows whose key already existed (replays, retries, duplicates inside the batch). */
  duplicates: number;
}

export interface Warehouse {
  readonly kind: WarehouseKind;
  readonly dialect: Dialect;
  /** Creates missing tables and views. Idempotent. */
  ensureSchema(): Promise<void>;
  /**
   * Inserts rows keyed by the table's natural key (`bigquery-schemas/tables.json`).
   * A row whose key exists already is not written twice. All rows of one call are written or none.
   */
  insert(table: TableName, rows: Row[]): Promise<InsertOutcome>;
  /**
   * Inserts or replaces rows by key (used for state mirrors such as `uploads`).
   */
  upsert(table: TableName, rows: Row[]): Promise<void>;
  query<T = Row>(query: SqlQuery): Promise<QueryResult<T>>;
  close(): Promise<void>;
}

export class WarehouseError extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = "WarehouseError";
  }
}
