import { z } from "zod";

/** One estimated quantity. Model-specific extras (e.g. `relative_estimate`, `value`) sit beside the core fields. */
export const estimateSchema = z
  .object({
    term: z.string(),
    estimate: z.number(),
    std_error: z.number().nullable(),
    ci_low: z.number().nullable(),
    ci_high: z.number().nullable(),
    p_value: z.number().nullable(),
    df: z.number().nullable().optional(),
  })
  .catchall(z.unknown());
export type Estimate = z.infer<typeof estimateSchema>;

export const dataSnapshotSchema = z.object({
  row_counts: z.record(z.string(), z.number()),
  max_ingested_at: z.string().nullable(),
  query_bytes: z.number(),
  warehouse: z.enum(["duckdb", "bigquery"]),
});
export type DataSnapshot = z.infer<typeof dataSnapshotSchema>;

/** The result envelope: identical in the warehouse, the API, the dashboard and the CLI. */
export const resultEnvelopeSchema = z.object({
  job_id: z.string(),
  workspace_id: z.string(),
  model: z.string(),
  model_version: z.string(),
  params: z.record(z.string(), z.unknown()),
  estimates: z.array(estimateSchema),
  diagnostics: z.record(z.string(), z.unknown()),
  n_obs: z.number().int().nonnegative(),
  warnings: z.array(z.string()),
  data_snapshot: dataSnapshotSchema,
  created_at: z.string(),
});
export type ResultEnvelope = z.infer<typeof resultEnvelopeSchema>;

/** Typed failure codes a job can end with. Never a stack trace. */
export const runErrorCodeSchema = z.enum([
  "invalid_params",
  "insufficient_data",
  "warehouse_error",
  "numerical_error",
  "cancelled",
  "timeout",
  "internal",
]);
export type RunErrorCode = z.infer<typeof runErrorCodeSchema>;
