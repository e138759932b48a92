import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { TableName } from "../warehouse";

/**
 * `bigquery-schemas/` is the one source of truth for table shapes. This module reads those files
 * (BigQuery's JSON schema format plus `tables.json` for options the format cannot hold) so the
 * BigQuery adapter, the DuckDB DDL and Terraform all derive from the same definitions.
 */
export type BigQueryType =
  | "STRING"
  | "INT64"
  | "INTEGER"
  | "FLOAT64"
  | "FLOAT"
  | "NUMERIC"
  | "BOOL"
  | "BOOLEAN"
  | "TIMESTAMP"
  | "DATE"
  | "JSON"
  | "RECORD"
  | "STRUCT";

export interface FieldSchema {
  name: string;
  type: BigQueryType;
  mode?: "NULLABLE" | "REQUIRED" | "REPEATED";
  description?: string;
  fields?: FieldSchema[];
}

export interface TableOptions {
  description: string;
  key: string[];
  timePartitioning?: { type: "DAY" | "HOUR" | "MONTH"; field: string };
  clustering?: string[];
}

export interface TableSchema extends TableOptions {
  name: TableName;
  fields: FieldSchema[];
}

export const TABLE_NAMES: readonly TableName[] = [
  "standard_events",
  "rejected_events",
  "uploads",
  "job_status",
  "lift_analysis_results",
  "causal_model_registry",
];

/** Finds `bigquery-schemas/` from source (repo root) or from a deployed build (copied into lib/). */
export function schemaDirectory(): string {
  const candidates = [
    process.env.CFAP_SCHEMA_DIR,
    resolve(__dirname, "../../../../bigquery-schemas"),
    resolve(__dirname, "../../bigquery-schemas"),
  ].filter((p): p is string => Boolean(p));
  for (const dir of candidates) {
    if (existsSync(join(dir, "tables.json"))) return dir;
  }
  throw new Error(`bigquery-schemas/ not found (looked in ${candidates.join(", ")})`);
}

let cache: Map<TableName, TableSchema> | undefined;

export function loadTableSchemas(dir = schemaDirectory()): Map<TableName, TableSchema> {
  if (cache && dir === schemaDirectory()) return cache;
  const options = JSON.parse(readFileSync(join(dir, "tables.json"), "utf8")) as {
    tables: Record<string, TableOptions>;
  };
  const files = new Set(readdirSync(dir).filter((f) => f.endsWith(".json") && f !== "tables.json"));
  const out = new Map<TableName, TableSchema>();
  for (const name of TABLE_NAMES) {
    if (!files.has(`${name}.json`)) throw new Error(`bigquery-schemas/${name}.json is missing`);
    const opts = options.tables[name];
    if (!opts) throw new Error(`bigquery-schemas/tables.json has no entry for ${name}`);
    const fields = JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8")) as FieldSchema[];
    for (const k of opts.key) {
      if (!fields.some((f) => f.name === k)) throw new Error(`${name}: key column ${k} is not in the schema`);
    }
    out.set(name, { name, fields, ...opts });
  }
  cache = out;
  return out;
}

export function tableSchema(name: TableName): TableSchema {
  const schema = loadTableSchemas().get(name);
  if (!schema) throw new Error(`unknown table ${name}`);
  return schema;
}
