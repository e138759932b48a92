import type { FieldSchema, TableSchema } from "./table-schemas";

/**
 * DuckDB DDL derived from the BigQuery schema files. TIMESTAMP maps to DuckDB's TIMESTAMP holding UTC
 * (the adapter never uses session time zones); RECORD maps to STRUCT, REPEATED to a list; the table's
 * natural key becomes the PRIMARY KEY, which is how DuckDB enforces deduplication.
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
    const notNull = f.mode === "REQUIRED" ? " NOT NULL" : "";
    return `  "${f.name}" ${duckdbType(f)}${notNull}`;
  });
  cols.push(`  PRIMARY KEY (${schema.key.map((k) => `"${k}"`).join(", ")})`);
  return `CREATE TABLE IF NOT EXISTS ${tableRef} (\n${cols.join(",\n")}\n)`;
}
