import { z } from "zod";
import { runErrorCodeSchema } from "./result";
import { workspaceIdSchema } from "./event";

/** The live status of an analysis run: `workspaces/{w}/jobs/{jobId}` in Firestore. */
export const jobStatusSchema = z.enum(["queued", "running", "succeeded", "failed", "cancelled"]);
export type JobStatus = z.infer<typeof jobStatusSchema>;

export const TERMINAL_STATUSES: readonly JobStatus[] = ["succeeded", "failed", "cancelled"];

export const jobErrorSchema = z.object({ code: runErrorCodeSchema, message: z.string() });
export type JobError = z.infer<typeof jobErrorSchema>;

export const jobSchema = z.object({
  job_id: z.string(),
  workspace_id: z.string(),
  model: z.string(),
  model_version: z.string(),
  params: z.record(z.string(), z.unknown()),
  idempotency_key: z.string(),
  status: jobStatusSchema,
  /** Human-readable current stage, e.g. "querying the warehouse". */
  stage: z.string().nullable(),
  progress: z.number().min(0).max(1),
  attempt: z.number().int().nonnegative(),
  max_attempts: z.number().int().positive(),
  requested_by: z.string().nullable(),
  error: jobErrorSchema.nullable(),
  lease_expires_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  /** Set when `status = succeeded`: headline of the result for list views. */
  summary: z
    .object({
      term: z.string(),
      estimate: z.number(),
      ci_low: z.number().nullable(),
      ci_high: z.number().nullable(),
    })
    .nullable(),
});
export type Job = z.infer<typeof jobSchema>;

export const runRequestSchema = z.object({
  workspace_id: workspaceIdSchema,
  model_name: z.string().min(1),
  params: z.record(z.string(), z.unknown()).default({}),
  idempotency_key: z.string().min(1).max(200).optional(),
});
export type RunRequest = z.infer<typeof runRequestSchema>;

/** Pub/Sub message asking the worker to run a job. */
export const runMessageSchema = z.object({
  v: z.literal(1),
  workspace_id: z.string(),
  job_id: z.string(),
});
export type RunMessage = z.infer<typeof runMessageSchema>;
