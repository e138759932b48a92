/**
 * Runs a model in-process with the in-memory control plane and the very same request and worker code as
 * the deployed functions, so `cfap analyze did --json` prints exactly the envelope the API serves (it is
 * read back from the warehouse's `lift_analysis_results`, like `GET /v1/results`).
 */
import type { ResultEnvelope, RunErrorCode } from "../contracts/result";
import type { ModelRegistry } from "../models/registry";
import type { Logger } from "../services";
import type { Warehouse } from "../warehouse/warehouse";
import { MemoryJobStore, MemoryRunDispatcher } from "./memory";
import { readResult } from "./results";
import { submitRun, type RunConfig } from "./run-service";
import { executeJob } from "./worker";

/** A run that ended without a result. `code` is the job's typed error code. */
export class LocalRunError extends Error {
  constructor(
    readonly code: RunErrorCode,
    message: string,
    readonly jobId: string,
  ) {
    super(message);
    this.name = "LocalRunError";
  }
}

export interface LocalRunOptions {
  /** The models this run may use: a CLI command passes a registry of its one model (registry.ts). */
  registry: ModelRegistry;
  log?: Logger;
  config?: Partial<RunConfig>;
  /** Called on each stage change, e.g. for a CLI spinner. */
  onStage?(stage: string, progress: number): void;
}

const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Validation errors are thrown as HttpError (400, `error.issues` with `params.*` paths), failures as
 * LocalRunError; on success the stored envelope is returned.
 */
export async function runModelLocally(
  warehouse: Warehouse,
  workspaceId: string,
  modelName: string,
  params: Record<string, unknown>,
  options: LocalRunOptions,
): Promise<ResultEnvelope> {
  const jobs = new MemoryJobStore();
  const dispatcher = new MemoryRunDispatcher();
  const config: RunConfig = {
    maxAttempts: 3,
    leaseMs: 3_600_000,
    timeoutMs: 24 * 3_600_000,
    ...options.config,
  };
  const deps = {
    jobs: observed(jobs, options.onStage),
    dispatcher,
    registry: options.registry,
    warehouse: async () => warehouse,
    log: options.log ?? silent,
    config,
    now: () => new Date(),
  };
  const { job } = await submitRun({ workspace_id: workspaceId, model_name: modelName, params }, "cli", deps);
  // Deliver like Pub/Sub would: again after a retryable failure, until the job has an outcome.
  for (let delivery = 0; delivery <= config.maxAttempts + 1; delivery++) {
    const message = dispatcher.drain()[0] ?? { v: 1 as const, workspace_id: workspaceId, job_id: job.job_id };
    const outcome = await executeJob(message, deps);
    if (outcome.kind === "succeeded")
      return (await readResult(warehouse, workspaceId, job.job_id)) ?? outcome.envelope;
    if (outcome.kind === "failed" || outcome.kind === "cancelled") {
      const error = outcome.job.error ?? { code: "cancelled" as const, message: "the run was cancelled" };
      throw new LocalRunError(error.code, error.message, job.job_id);
    }
    if (outcome.kind !== "retry") break;
  }
  const final = await jobs.get(workspaceId, job.job_id);
  throw new LocalRunError("internal", `the run ended in status ${final?.status ?? "unknown"}`, job.job_id);
}

function observed(jobs: MemoryJobStore, onStage: LocalRunOptions["onStage"]): MemoryJobStore {
  if (!onStage) return jobs;
  const updateStage = jobs.updateStage.bind(jobs);
  jobs.updateStage = async (lease, stage, progress, leaseMs) => {
    const job = await updateStage(lease, stage, progress, leaseMs);
    onStage(job.stage ?? stage, job.progress);
    return job;
  };
  return jobs;
}
