/**
 * Requesting runs: validation against the registry, idempotent job creation, the status mirror and the
 * dispatch to the worker.
 *
 * Idempotency: an explicit `idempotency_key` always dedupes (per workspace, forever): the same key and the
 * same request (model + params after defaults) returns the first job and dispatches nothing new; the same
 * key with a different request is a 409. Without a key every request is a new run — a user pressing "Run"
 * twice on purpose gets two runs; clients that retry on network errors send a key.
 */
import { createHash, randomBytes } from "node:crypto";
import { principalLabel, type Principal } from "../auth/authenticate";
import type { Job, RunMessage, RunRequest } from "../contracts/job";
import { apiError, HttpError } from "../http/errors";
import { canonicalJson } from "../ingestion/canonical-json";
import { allIssues } from "../ingestion/zod-issues";
import type { ModelRegistry } from "../models/registry";
import type { Logger, Services } from "../services";
import type { Warehouse } from "../warehouse/warehouse";
import { IdempotencyConflictError, type JobStore, type RerunScheduler, type RunDispatcher } from "./ports";
import { mirrorStatus } from "./results";

export interface RunConfig {
  /** CFAP_RUN_MAX_ATTEMPTS: claims per job, counting re-claims after a crash and warehouse retries. */
  maxAttempts: number;
  /** CFAP_RUN_LEASE_SECONDS × 1000: how long a claim (renewed at each stage) keeps other workers off. */
  leaseMs: number;
  /** Wall-clock budget of one model run; default: the lease minus 20 s (so the outcome is still recorded). */
  timeoutMs?: number;
}

export function runConfigOf(s: { CFAP_RUN_MAX_ATTEMPTS: number; CFAP_RUN_LEASE_SECONDS: number }): RunConfig {
  return { maxAttempts: s.CFAP_RUN_MAX_ATTEMPTS, leaseMs: s.CFAP_RUN_LEASE_SECONDS * 1000 };
}

export interface RunDeps {
  jobs: JobStore;
  dispatcher: RunDispatcher;
  registry: ModelRegistry;
  warehouse(): Promise<Warehouse>;
  log: Logger;
  config: RunConfig;
  now(): Date;
  /** New job ids; random by default. */
  newJobId?(): string;
}

/** The run-specific ports, next to the shared Services (warehouse, log) they are combined with. */
export interface RunPorts {
  jobs: JobStore;
  dispatcher: RunDispatcher;
  reruns: RerunScheduler;
  registry: ModelRegistry;
  config: RunConfig;
  now(): Date;
  newJobId?(): string;
}

export function runDepsOf(services: Pick<Services, "warehouse" | "log">, ports: RunPorts): RunDeps {
  return {
    jobs: ports.jobs,
    dispatcher: ports.dispatcher,
    registry: ports.registry,
    warehouse: () => services.warehouse(),
    log: services.log,
    config: ports.config,
    now: ports.now,
    ...(ports.newJobId ? { newJobId: ports.newJobId } : {}),
  };
}

export function newJobId(): string {
  return "job_" + randomBytes(12).toString("hex");
}

export interface SubmittedRun {
  job: Job;
  /** False when an idempotency key matched an earlier request. */
  created: boolean;
}

/** Validates params against the model's schema; a 400 listing every field path otherwise. */
export function validateRunParams(
  registry: ModelRegistry,
  modelName: string,
  params: Record<string, unknown>,
): { model: NonNullable<ReturnType<ModelRegistry["get"]>>; params: Record<string, unknown> } {
  const model = registry.get(modelName);
  if (!model) {
    const known = registry.list().map((m) => m.name);
    throw new HttpError(
      apiError(
        400,
        "bad_request",
        `unknown model "${modelName}"; available: ${known.join(", ") || "(none)"}`,
        [{ path: "model_name", reason: `unknown model; available: ${known.join(", ") || "(none)"}` }],
      ),
    );
  }
  const parsed = model.paramsSchema.safeParse(params);
  if (!parsed.success) {
    const issues = allIssues(parsed.error).map((i) => ({
      path: i.path ? `params.${i.path}` : "params",
      reason: i.reason,
    }));
    const first = issues[0];
    throw new HttpError(
      apiError(
        400,
        "bad_request",
        `invalid params for model ${model.name}: ${first.path}: ${first.reason}`,
        issues,
      ),
    );
  }
  return { model, params: parsed.data as Record<string, unknown> };
}

export function requestFingerprint(modelName: string, params: Record<string, unknown>): string {
  return createHash("sha256")
    .update(canonicalJson({ model: modelName, params }))
    .digest("hex");
}

/**
 * Creates (or finds, by idempotency key) the job and dispatches it. `requestedBy` is a label of who asked
 * ("alice@example.com", "api_key:k1", "scheduler", "cli").
 */
export async function submitRun(
  req: RunRequest,
  requestedBy: string | null,
  deps: RunDeps,
): Promise<SubmittedRun> {
  const { model, params } = validateRunParams(deps.registry, req.model_name, req.params ?? {});
  const at = deps.now().toISOString();
  const jobId = (deps.newJobId ?? newJobId)();
  const candidate: Job = {
    job_id: jobId,
    workspace_id: req.workspace_id,
    model: model.name,
    model_version: model.version,
    params,
    idempotency_key: req.idempotency_key ?? jobId,
    status: "queued",
    stage: null,
    progress: 0,
    attempt: 0,
    max_attempts: deps.config.maxAttempts,
    requested_by: requestedBy,
    error: null,
    lease_expires_at: null,
    created_at: at,
    updated_at: at,
    started_at: null,
    finished_at: null,
    summary: null,
  };
  let outcome;
  try {
    outcome = await deps.jobs.create(
      candidate,
      req.idempotency_key
        ? { key: req.idempotency_key, fingerprint: requestFingerprint(model.name, params) }
        : null,
    );
  } catch (err) {
    if (err instanceof IdempotencyConflictError) {
      throw new HttpError(
        apiError(409, "conflict", `${err.message}; use a new key for a different request`, [
          { path: "idempotency_key", reason: "already used for a different request" },
        ]),
      );
    }
    throw err;
  }
  const { job, created } = outcome;
  if (created) {
    // The mirror is for SQL users; the worker writes the later rows. Not worth failing the request over.
    try {
      await mirrorStatus(await deps.warehouse(), job);
    } catch (err) {
      deps.log.warn("job_status mirror write failed", { job_id: job.job_id, err: String(err) });
    }
  }
  // A replayed request re-dispatches a job that is still queued: its first dispatch may have failed.
  // Duplicate messages are harmless (one claim wins).
  if (created || job.status === "queued") {
    const message: RunMessage = { v: 1, workspace_id: job.workspace_id, job_id: job.job_id };
    try {
      await deps.dispatcher.dispatch(message);
    } catch (err) {
      deps.log.error("run dispatch failed", { job_id: job.job_id, err: String(err) });
      if (!req.idempotency_key) {
        // Nobody can retry this exact job: close it instead of leaving it queued forever.
        await deps.jobs
          .failUnclaimed(job.workspace_id, job.job_id, {
            code: "internal",
            message: "the run could not be queued; request it again",
          })
          .catch(() => undefined);
      }
      const retry = req.idempotency_key ? "retry with the same idempotency_key" : "retry the request";
      throw new HttpError({
        ...apiError(503, "unavailable", `the run could not be queued (job ${job.job_id}); ${retry}`),
        headers: { "retry-after": "5" },
      });
    }
  }
  if (created)
    deps.log.info("run requested", { job_id: job.job_id, workspace_id: job.workspace_id, model: job.model });
  return { job, created };
}

/** The API's entry point: the principal is already authorized for `req.workspace_id`. */
export function requestRun(req: RunRequest, principal: Principal, deps: RunDeps): Promise<SubmittedRun> {
  return submitRun(req, principalLabel(principal), deps);
}
