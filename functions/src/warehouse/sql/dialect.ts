/**
 * SQL building blocks that differ between warehouses. Query builders compose SQL from these
 * (and from named CTEs) so each query is written once, not once per dialect.
 */
export interface Dialect {
  readonly name: "duckdb" | "bigquery";
  /** A fully-qualified reference to a CFAP table (or its deduplicated view). */
  table(name: string): string;
  /** A named query parameter. */
  param(name: string): string;
  quoteIdent(name: string): string;
  /** Truncates a TIMESTAMP expression to the given unit, returning a TIMESTAMP. */
  timestampTrunc(expr: string, unit: "hour" | "day" | "week" | "month"): string;
  /** The DATE of a TIMESTAMP expression in UTC. */
  toDate(expr: string): string;
  /** Whole days between two TIMESTAMP expressions (b - a). */
  dateDiffDays(a: string, b: string): string;
  /** A SQL expression reading a string from a JSON column by a dotted path. */
  jsonString(column: string, path: string): string;
  /** CAST(expr AS DOUBLE / FLOAT64). */
  toFloat(expr: string): string;
  /** Integer division-safe conversion to a 64-bit integer. */
  toInt(expr: string): string;
  /** Current timestamp. */
  now(): string;
  /** Approximate-free distinct count of an expression. */
  countDistinct(expr: string): string;
}

function quoteBacktick(name: string): string {
  return "`" + name.replace(/`/g, "\\`") + "`";
}

export function duckdbDialect(schema = "main"): Dialect {
  return {
    name: "duckdb",
    table: (name) => `"${schema}"."${name}"`,
    param: (name) => `$${name}`,
    quoteIdent: (name) => `"${name.replace(/"/g, '""')}"`,
    timestampTrunc: (expr, unit) => `date_trunc('${unit}', ${expr})`,
    toDate: (expr) => `CAST(${expr} AS DATE)`,
    dateDiffDays: (a, b) => `date_diff('day', ${a}, ${b})`,
    jsonString: (column, path) => `json_extract_string(${column}, '$.${path}')`,
    toFloat: (expr) => `CAST(${expr} AS DOUBLE)`,
    toInt: (expr) => `CAST(${expr} AS BIGINT)`,
    now: () => "current_timestamp",
    countDistinct: (expr) => `COUNT(DISTINCT ${expr})`,
  };
}

/**
 * BigQuery streaming inserts are at-least-once, so reads of a CFAP table go through its deduplicated
 * view `<table>_dedup` (latest row per key), created by the adapter's ensureSchema and by Terraform.
 * Writes (MERGE) name the base table themselves.
 */
export const BIGQUERY_DEDUP_VIEW_SUFFIX = "_dedup";
const BIGQUERY_DEDUPED_TABLES = new Set([
  "standard_events",
  "rejected_events",
  "uploads",
  "job_status",
  "lift_analysis_results",
  "causal_model_registry",
]);

export function bigqueryDialect(projectId: string, dataset: string): Dialect {
  return {
    name: "bigquery",
    table: (name) =>
      quoteBacktick(
        `${projectId}.${dataset}.${BIGQUERY_DEDUPED_TABLES.has(name) ? name + BIGQUERY_DEDUP_VIEW_SUFFIX : name}`,
      ),
    param: (name) => `@${name}`,
    quoteIdent: quoteBacktick,
    timestampTrunc: (expr, unit) => `TIMESTAMP_TRUNC(${expr}, ${unit.toUpperCase()})`,
    toDate: (expr) => `DATE(${expr})`,
    dateDiffDays: (a, b) => `TIMESTAMP_DIFF(${b}, ${a}, DAY)`,
    jsonString: (column, path) => `JSON_VALUE(${column}, '$.${path}')`,
    toFloat: (expr) => `CAST(${expr} AS FLOAT64)`,
    toInt: (expr) => `CAST(${expr} AS INT64)`,
    now: () => "CURRENT_TIMESTAMP()",
    countDistinct: (expr) => `COUNT(DISTINCT ${expr})`,
  };
}
