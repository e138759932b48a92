/**
 * The run worker: claims a job, runs its model against the warehouse, writes the result envelope and
 * records the outcome. The same code runs behind Pub/Sub (`triggers/run-worker.ts`) and in-process for
 * the CLI (`local-runner.ts`).
 *
 * Guarantees:
 *  - one run per job at a time: the claim is a transaction, a live lease makes other deliveries "busy";
 *  - at most one result row per job: `lift_analysis_results` is keyed by (workspace_id, job_id) and a
 *    worker whose lease was taken over is fenced off before it writes;
 *  - warehouse errors are retried (outcome "retry": the trigger throws so Pub/Sub redelivers) until the
 *    job's attempts reach max_attempts, then the job fails with `warehouse_error`;
 *  - typed model failures end the job with their code and message; anything else ends it `internal`
 *    with a generic message (the stack is logged, never stored);
 *  - a cancel stops the run at the next stage boundary and ends the job `cancelled`.
 */
import { randomUUID } from "node:crypto";
import type { Job, JobError } from "../contracts/job";
import { runMessageSchema } from "../contracts/job";
import { resultEnvelopeSchema, type Estimate, type ResultEnvelope } from "../contracts/result";
import { ModelFailure, type Model, type ModelContext, type ModelOutput } from "../models/model";
import {
  WarehouseError,
  type QueryResult,
  type Row,
  type SqlQuery,
  type Warehouse,
} from "../warehouse/warehouse";
import { CancelRequestedError, LeaseLostError, type JobSummary, type Lease } from "./ports";
import { canonicalEnvelope, mirrorStatus, readResult, resultRow } from "./results";
import type { RunDeps } from "./run-service";

export type ExecuteOutcome =
  | { kind: "succeeded"; job: Job; envelope: ResultEnvelope }
  | { kind: "failed"; job: Job }
  | { kind: "cancelled"; job: Job }
  /** A transient (warehouse) error; the lease was released. The trigger throws so the message is redelivered. */
  | { kind: "retry"; job: Job; reason: string }
  /** Another worker holds a live lease on the job right now. */
  | { kind: "busy"; job: Job }
  /** Nothing to do: already finished, unknown job, malformed message, or our lease was taken over. */
  | { kind: "skipped"; reason: "terminal" | "missing" | "invalid_message" | "lease_lost"; job?: Job };

export interface WorkerDeps extends RunDeps {
  /** Identifies this delivery's worker in the lease; random by default. */
  workerId?: string;
}

export const STAGES = {
  querying: "querying the warehouse",
  estimating: "estimating",
  writing: "writing results",
  retrying: "waiting to retry after a warehouse error",
} as const;

const INTERNAL_MESSAGE = "the analysis failed because of an internal error; it was logged and can be retried";

class RunTimeoutError extends Error {}

export async function executeJob(message: unknown, deps: WorkerDeps): Promise<ExecuteOutcome> {
  const parsed = runMessageSchema.safeParse(message);
  if (!parsed.success) {
    deps.log.error("malformed run message; dropped", { message: JSON.stringify(message)?.slice(0, 500) });
    return { kind: "skipped", reason: "invalid_message" };
  }
  const { workspace_id: workspaceId, job_id: jobId } = parsed.data;
  const workerId = deps.workerId ?? randomUUID();
  const { leaseMs, maxAttempts } = deps.config;
  const claim = await deps.jobs.claim(workspaceId, jobId, workerId, leaseMs, maxAttempts);
  switch (claim.kind) {
    case "missing":
      deps.log.warn("run message for an unknown job; dropped", { workspace_id: workspaceId, job_id: jobId });
      return { kind: "skipped", reason: "missing" };
    case "busy":
      deps.log.info("job is held by another worker", { job_id: jobId, attempt: claim.job.attempt });
      return { kind: "busy", job: claim.job };
    case "terminal":
      // Redelivery after the outcome was recorded. Re-writing the (keyed) mirror row repairs a mirror
      // write that failed after the job finished; it is a no-op otherwise.
      await mirrorStatus(await deps.warehouse(), claim.job);
      return { kind: "skipped", reason: "terminal", job: claim.job };
    case "exhausted":
      deps.log.error("job gave up: attempts exhausted without an outcome", {
        job_id: jobId,
        attempt: claim.job.attempt,
      });
      await mirrorStatus(await deps.warehouse(), claim.job);
      return { kind: "failed", job: claim.job };
    case "cancelled":
      await mirrorStatus(await deps.warehouse(), claim.job);
      return { kind: "cancelled", job: claim.job };
    case "claimed":
      break;
  }
  const { lease, job } = claim;
  deps.log.info("job claimed", {
    job_id: jobId,
    workspace_id: workspaceId,
    attempt: lease.attempt,
    worker: workerId,
  });
  let warehouse: Warehouse | undefined;
  try {
    warehouse = await deps.warehouse();
    await mirrorStatus(warehouse, job);
    const { envelope, job: done } = await runClaimed(job, lease, warehouse, deps);
    await mirrorStatus(warehouse, done);
    deps.log.info("job succeeded", { job_id: jobId, attempt: lease.attempt });
    return { kind: "succeeded", job: done, envelope };
  } catch (err) {
    return finishWithError(err, lease, warehouse, deps);
  }
}

async function finishWithError(
  err: unknown,
  lease: Lease,
  warehouse: Warehouse | undefined,
  deps: WorkerDeps,
): Promise<ExecuteOutcome> {
  const fields = { job_id: lease.jobId, workspace_id: lease.workspaceId, attempt: lease.attempt };
  if (err instanceof LeaseLostError) {
    deps.log.warn("lease lost: another attempt owns the job now; stopping", fields);
    return { kind: "skipped", reason: "lease_lost", job: err.job ?? undefined };
  }
  const mirror = async (job: Job) => {
    if (warehouse) await mirrorStatus(warehouse, job);
  };
  try {
    if (err instanceof CancelRequestedError || (err instanceof ModelFailure && err.code === "cancelled")) {
      const job = await deps.jobs.acknowledgeCancel(lease);
      await mirror(job);
      deps.log.info("job cancelled", fields);
      return { kind: "cancelled", job };
    }
    if (err instanceof ModelFailure) {
      const job = await deps.jobs.fail(lease, { code: err.code, message: err.message });
      await mirror(job);
      deps.log.info("job failed", { ...fields, code: err.code, message: err.message });
      return { kind: "failed", job };
    }
    if (err instanceof RunTimeoutError) {
      const job = await deps.jobs.fail(lease, { code: "timeout", message: err.message });
      await mirror(job);
      deps.log.warn("job timed out", fields);
      return { kind: "failed", job };
    }
    if (err instanceof WarehouseError) {
      if (lease.attempt >= deps.config.maxAttempts) {
        const error: JobError = {
          code: "warehouse_error",
          message: `the warehouse failed ${lease.attempt} time(s); last error: ${truncate(err.message, 500)}`,
        };
        const job = await deps.jobs.fail(lease, error);
        await mirror(job);
        deps.log.error("job failed: warehouse error, attempts exhausted", { ...fields, err: err.message });
        return { kind: "failed", job };
      }
      const job = await deps.jobs.release(lease, STAGES.retrying);
      deps.log.warn("warehouse error; the run will be retried", { ...fields, err: err.message });
      return { kind: "retry", job, reason: err.message };
    }
    deps.log.error("job failed: internal error", { ...fields, err: String((err as Error)?.stack ?? err) });
    const job = await deps.jobs.fail(lease, { code: "internal", message: INTERNAL_MESSAGE });
    await mirror(job);
    return { kind: "failed", job };
  } catch (inner) {
    if (inner instanceof LeaseLostError) {
      deps.log.warn("lease lost while recording the outcome; the newer attempt owns the job", fields);
      return { kind: "skipped", reason: "lease_lost", job: inner.job ?? undefined };
    }
    throw inner;
  }
}

async function runClaimed(
  job: Job,
  lease: Lease,
  warehouse: Warehouse,
  deps: WorkerDeps,
): Promise<{ envelope: ResultEnvelope; job: Job }> {
  const { leaseMs } = deps.config;
  const model = deps.registry.get(job.model);
  if (!model)
    throw new ModelFailure("invalid_params", `model "${job.model}" is not available in this deployment`);
  const params = model.paramsSchema.safeParse(job.params);
  if (!params.success) {
    const issue = params.error.issues[0];
    throw new ModelFailure(
      "invalid_params",
      `params are not valid for ${model.name} ${model.version}: ${issue?.path.join(".") || "params"}: ${issue?.message ?? "invalid"}`,
    );
  }

  let progress = 0;
  const stage = async (name: string, p?: number) => {
    progress = Math.max(progress, p ?? progress);
    try {
      await deps.jobs.updateStage(lease, name, progress, leaseMs);
    } catch (err) {
      if (err instanceof CancelRequestedError) throw new ModelFailure("cancelled", "the run was cancelled");
      throw err;
    }
  };
  const meter = {
    row_counts: {} as Record<string, number>,
    query_bytes: 0,
    max_ingested_at: null as string | null,
  };
  const ctx: ModelContext<unknown> = {
    workspaceId: job.workspace_id,
    params: params.data,
    warehouse: { dialect: warehouse.dialect, kind: warehouse.kind },
    query: async <T = Row>(q: SqlQuery): Promise<QueryResult<T>> => {
      const result = await warehouse.query<T>({
        ...q,
        labels: { ...q.labels, workspace: job.workspace_id, job: job.job_id },
      });
      meter.row_counts[q.label] = (meter.row_counts[q.label] ?? 0) + result.rows.length;
      meter.query_bytes += Number(result.stats.bytesProcessed) || 0;
      meter.max_ingested_at = maxTimestamp(
        meter.max_ingested_at,
        ingestedAt(result.rows as unknown as Row[]),
      );
      return result;
    },
    stage,
    checkCancelled: async () => {
      try {
        await deps.jobs.checkLease(lease);
      } catch (err) {
        if (err instanceof CancelRequestedError) throw new ModelFailure("cancelled", "the run was cancelled");
        throw err;
      }
    },
  };

  await stage(STAGES.querying, 0.05);
  const output = await withTimeout(model, ctx, deps);
  checkFinite(output);

  const envelope = canonicalEnvelope({
    job_id: job.job_id,
    workspace_id: job.workspace_id,
    model: model.name,
    model_version: model.version,
    params: job.params,
    estimates: output.estimates,
    diagnostics: output.diagnostics ?? {},
    n_obs: output.n_obs,
    warnings: output.warnings ?? [],
    data_snapshot: {
      row_counts: meter.row_counts,
      max_ingested_at: maxTimestamp(meter.max_ingested_at, diagnosticIngestedAt(output.diagnostics)),
      query_bytes: meter.query_bytes,
      warehouse: warehouse.kind,
    },
    created_at: deps.now().toISOString(),
  });
  const valid = resultEnvelopeSchema.safeParse(envelope);
  if (!valid.success) {
    throw new Error(
      `model ${model.name} produced a malformed result: ${JSON.stringify(valid.error.issues.slice(0, 3))}`,
    );
  }

  // Last boundary: a cancel after this point is too late (the result is being written).
  await stage(STAGES.writing, 0.9);
  const written = await warehouse.insert("lift_analysis_results", [
    resultRow(envelope, output.campaign ?? null),
  ]);
  let stored = envelope;
  if (written.inserted === 0) {
    // An earlier attempt of this job wrote its result already: that row is the result.
    stored = (await readResult(warehouse, job.workspace_id, job.job_id)) ?? envelope;
    deps.log.warn("result row existed already; keeping the first", {
      job_id: job.job_id,
      attempt: lease.attempt,
    });
  }
  const done = await deps.jobs.complete(lease, summaryOf(stored.estimates));
  return { envelope: stored, job: done };
}

async function withTimeout(model: Model, ctx: ModelContext<unknown>, deps: WorkerDeps): Promise<ModelOutput> {
  const timeoutMs = deps.config.timeoutMs ?? Math.max(deps.config.leaseMs - 20_000, deps.config.leaseMs / 2);
  const run = model.run(ctx);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new RunTimeoutError(`the analysis did not finish within ${Math.round(timeoutMs / 1000)} s`)),
      timeoutMs,
    );
  });
  run.catch(() => undefined); // after a timeout the abandoned run may still reject; it is fenced off
  try {
    return await Promise.race([run, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

const NUMERIC_FIELDS = ["estimate", "std_error", "ci_low", "ci_high", "p_value", "df"] as const;

/** No NaN or ±Infinity anywhere in the estimates (core fields and numeric extras). */
function checkFinite(output: ModelOutput): void {
  if (!Array.isArray(output?.estimates)) throw new Error("model output has no estimates array");
  output.estimates.forEach((e: Estimate, i) => {
    for (const [field, value] of Object.entries(e)) {
      const core = (NUMERIC_FIELDS as readonly string[]).includes(field);
      if (typeof value === "number" && !Number.isFinite(value)) {
        throw new ModelFailure(
          "numerical_error",
          `estimate "${e.term ?? i}": ${field} is ${String(value)}; the model is not identified by this data ` +
            `(collinear terms, no variation, or too few observations)`,
        );
      }
      if (core && field === "estimate" && typeof value !== "number") {
        throw new ModelFailure("numerical_error", `estimate "${e.term ?? i}": estimate is not a number`);
      }
    }
  });
  if (!Number.isInteger(output.n_obs) || output.n_obs < 0)
    throw new Error(`model output n_obs is ${String(output.n_obs)}`);
}

function summaryOf(estimates: Estimate[]): JobSummary | null {
  const first = estimates[0];
  if (!first) return null;
  return {
    term: first.term,
    estimate: first.estimate,
    ci_low: first.ci_low ?? null,
    ci_high: first.ci_high ?? null,
  };
}

/** Models report the freshness of their input as a `max_ingested_at` column (or diagnostic). */
function ingestedAt(rows: Row[]): string | null {
  const first = rows[0];
  if (!first || typeof first !== "object" || !("max_ingested_at" in first)) return null;
  let max: string | null = null;
  for (const r of rows) max = maxTimestamp(max, toIso(r.max_ingested_at));
  return max;
}

function diagnosticIngestedAt(diagnostics: Record<string, unknown> | undefined): string | null {
  return toIso(diagnostics?.max_ingested_at);
}

function toIso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const ms = value instanceof Date ? value.getTime() : Date.parse(String(value));
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

function maxTimestamp(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a > b ? a : b;
}

function truncate(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 1) + "…" : s;
}
