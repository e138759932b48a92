import type { FieldSchema, TableSchema } from "./table-schemas";

/**
 * DuckDB DDL derived from the BigQuery schema files. TIMESTAMP maps to DuckDB's TIMESTAMP holding UTC
 * (the adapter never uses session time zones); RECORD maps to STRUCT, REPEATED to a list; the table's
 * natural key becomes a UNIQUE index `<table>_key` (its columns NOT NULL), which is how DuckDB enforces
 * deduplication. An index rather than a PRIMARY KEY because an index can be dropped and built again
 * in bulk: the bulk loader does that for a load into an empty events table (bulk-ndjson.ts), where
 * building the index once costs a fraction of maintaining it row by row.
 */
const SCALAR: Record<string, string> = {
  STRING: "VARCHAR",
  INT64: "BIGINT",
  INTEGER: "BIGINT",
  FLOAT64: "DOUBLE",
  FLOAT: "DOUBLE",
  NUMERIC: "DECIMAL(38,9)",
  BOOL: "BOOLEAN",
  BOOLEAN: "BOOLEAN",
  TIMESTAMP: "TIMESTAMP",
  DATE: "DATE",
  JSON: "JSON",
};

export function duckdbType(field: FieldSchema): string {
  let base: string;
  if (field.type === "RECORD" || field.type === "STRUCT") {
    const inner = (field.fields ?? []).map((f) => `"${f.name}" ${duckdbType(f)}`).join(", ");
    base = `STRUCT(${inner})`;
  } else {
    const mapped = SCALAR[field.type];
    if (!mapped) throw new Error(`no DuckDB type for BigQuery type ${field.type} (${field.name})`);
    base = mapped;
  }
  return field.mode === "REPEATED" ? `${base}[]` : base;
}

export function duckdbCreateTable(schema: TableSchema, tableRef: string): string {
  const cols = schema.fields.map((f) => {
    const notNull = f.mode === "REQUIRED" || schema.key.includes(f.name) ? " NOT NULL" : "";
    return `  "${f.name}" ${duckdbType(f)}${notNull}`;
  });
  return `CREATE TABLE IF NOT EXISTS ${tableRef} (\n${cols.join(",\n")}\n)`;
}

/** The name of the unique index that holds a table's natural key. */
export function duckdbKeyIndexName(schema: TableSchema): string {
  return `${schema.name}_key`;
}

/** The unique index on the table's natural key (see the file comment). */
export function duckdbKeyIndex(
  schema: TableSchema,
  tableRef: string,
  indexName = duckdbKeyIndexName(schema),
): string {
  return `CREATE UNIQUE INDEX IF NOT EXISTS "${indexName}" ON ${tableRef} (${schema.key.map((k) => `"${k}"`).join(", ")})`;
}
