import { BIGQUERY_DEDUP_VIEW_SUFFIX } from "../sql/dialect";
import type { FieldSchema, TableSchema } from "../schema/table-schemas";
import type { TableName } from "../warehouse";

/**
 * Table and view definitions for BigQuery, derived from `bigquery-schemas/`. Terraform
 * (`terraform/bigquery.tf`) builds the same objects; `terraform.test.ts` keeps the two in step.
 */

/** Which row of a key wins in the dedup view: the latest one by this ORDER BY. */
export const DEDUP_ORDER_BY: Record<TableName, string> = {
  standard_events: "received_at DESC",
  rejected_events: "rejected_at DESC",
  uploads: "finished_at DESC NULLS LAST, started_at DESC",
  job_status: "updated_at DESC",
  lift_analysis_results: "created_at DESC",
  causal_model_registry: "registered_at DESC",
};

/**
 * Columns added to the view's window PARTITION BY besides the key, so that filters on them are
 * pushed below the window function and prune partitions. BigQuery only pushes a predicate through
 * `ROW_NUMBER() OVER (PARTITION BY …)` when it is on a PARTITION BY column; without this every
 * analysis over `standard_events_dedup` would scan the whole table whatever its `event_ts` filter.
 * It is exact for standard_events because `event_ts` is part of the event's content: a replay or
 * retry of an event_id carries the same event_ts.
 */
export const DEDUP_EXTRA_PARTITION_BY: Partial<Record<TableName, string[]>> = {
  standard_events: ["event_ts"],
};

export function dedupViewName(table: TableName): string {
  return table + BIGQUERY_DEDUP_VIEW_SUFFIX;
}

export function qualified(projectId: string, dataset: string, table: string): string {
  return "`" + `${projectId}.${dataset}.${table}` + "`";
}

/** `SELECT * … QUALIFY ROW_NUMBER() OVER (PARTITION BY <key> ORDER BY <latest>) = 1`. */
export function dedupViewSql(projectId: string, dataset: string, schema: TableSchema): string {
  const partitionBy = [...schema.key, ...(DEDUP_EXTRA_PARTITION_BY[schema.name] ?? [])];
  return [
    `SELECT * FROM ${qualified(projectId, dataset, schema.name)}`,
    "WHERE TRUE",
    `QUALIFY ROW_NUMBER() OVER (PARTITION BY ${partitionBy.join(", ")} ORDER BY ${DEDUP_ORDER_BY[schema.name]}) = 1`,
  ].join("\n");
}

/** Request body fields for tables.insert (the client adds tableReference). */
export interface TableMetadata {
  description: string;
  schema: { fields: FieldSchema[] };
  timePartitioning?: { type: string; field: string };
  clustering?: { fields: string[] };
}

export function tableMetadata(schema: TableSchema): TableMetadata {
  const metadata: TableMetadata = {
    description: schema.description,
    schema: { fields: schema.fields },
  };
  if (schema.timePartitioning) {
    metadata.timePartitioning = { type: schema.timePartitioning.type, field: schema.timePartitioning.field };
  }
  if (schema.clustering?.length) metadata.clustering = { fields: [...schema.clustering] };
  return metadata;
}
