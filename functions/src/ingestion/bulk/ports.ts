import type { Row, SqlValue } from "../../warehouse/warehouse";

/**
 * What the bulk NDJSON loader needs from an embedded warehouse: SQL on one connection that holds
 * the write lock for the whole session, and a fast way to append small string tables (the
 * event-name and traffic-source maps). Only DuckDB offers it; other warehouses use the row path.
 */
export interface BulkSqlSession {
  run(sql: string, params?: Record<string, SqlValue>): Promise<void>;
  all<T = Row>(sql: string, params?: Record<string, SqlValue>): Promise<T[]>;
  /** Appends rows of strings (or nulls) to a temporary table whose columns are all VARCHAR. */
  appendStrings(table: string, rows: ReadonlyArray<ReadonlyArray<string | null>>): Promise<void>;
}

export interface BulkLoadCapable {
  /** Runs `fn` with the write lock held; the caller manages transactions inside it. */
  withBulkSession<T>(fn: (session: BulkSqlSession) => Promise<T>): Promise<T>;
}

export function isBulkLoadCapable(w: unknown): w is BulkLoadCapable {
  return typeof (w as Partial<BulkLoadCapable> | null)?.withBulkSession === "function";
}
