/**
 * Ports of the analysis-run control plane. Firestore / Pub/Sub / Cloud Tasks adapters live in
 * `platform/`, in-memory ones in `runs/memory/` (unit tests and the CLI). Every JobStore implementation
 * applies the same pure transitions (`job-transitions.ts`) inside one atomic read-modify-write, so the
 * semantics below hold for all of them.
 */
import type { Job, JobError, RunMessage } from "../contracts/job";

/** A job as stored: the public Job plus the lease holder and a pending cancellation. */
export type StoredJob = Job & {
  /** Worker id that holds the current lease (with `attempt`, the fencing token). */
  lease_owner: string | null;
  /** Set when a cancel was requested while a worker held the job; the worker stops at the next stage. */
  cancel_requested_at: string | null;
};

/** What a worker holds after a successful claim. Every later write of the worker is fenced by it. */
export interface Lease {
  workspaceId: string;
  jobId: string;
  workerId: string;
  attempt: number;
}

export interface IdempotencyRecord {
  /** The caller's key (the store may hash it for document ids). */
  key: string;
  /** Hash of (model, canonical params): the same key with a different request is a conflict. */
  fingerprint: string;
}

export type CreateOutcome = { job: Job; created: boolean };

export type ClaimOutcome =
  /** The caller now holds the job: status running, attempt incremented, lease set. */
  | { kind: "claimed"; job: Job; lease: Lease }
  /** Already succeeded / failed / cancelled: nothing to do. */
  | { kind: "terminal"; job: Job }
  /** Another worker holds a live lease. */
  | { kind: "busy"; job: Job }
  /** No attempts left (previous attempts died without recording an outcome): the job was failed now. */
  | { kind: "exhausted"; job: Job }
  /** A cancel was pending and nobody held the job: it was cancelled now. */
  | { kind: "cancelled"; job: Job }
  | { kind: "missing" };

export type CancelOutcome =
  | { kind: "cancelled"; job: Job }
  /** A worker holds the job: it stops at its next stage boundary. */
  | { kind: "requested"; job: Job }
  | { kind: "terminal"; job: Job }
  | { kind: "missing" };

export interface JobListFilter {
  model?: string;
  status?: Job["status"];
  limit: number;
}

export type JobSummary = NonNullable<Job["summary"]>;

export interface JobStore {
  /**
   * Creates a queued job. With an idempotency record, in the same transaction: an existing key returns
   * the job it created first (`created: false`); the same key with another fingerprint throws
   * IdempotencyConflictError.
   */
  create(job: Job, idempotency: IdempotencyRecord | null): Promise<CreateOutcome>;
  /**
   * Atomically takes the job for one attempt. Only one concurrent claim wins. A running job whose lease
   * expired (or was released for a retry) can be claimed again; its attempt increments.
   */
  claim(
    workspaceId: string,
    jobId: string,
    workerId: string,
    leaseMs: number,
    maxAttempts: number,
  ): Promise<ClaimOutcome>;
  /**
   * Records a stage and progress (never decreasing) and renews the lease. Throws LeaseLostError when the
   * lease is no longer ours, CancelRequestedError when a cancel is pending.
   */
  updateStage(lease: Lease, stage: string, progress: number, leaseMs: number): Promise<Job>;
  /**
   * A read (no write): throws CancelRequestedError when a cancel is pending, LeaseLostError when the
   * lease is no longer ours. Cheap enough for a model's checkCancelled() in a loop.
   */
  checkLease(lease: Lease): Promise<void>;
  /** Gives the lease back without finishing (a retry will re-claim). Fenced. */
  release(lease: Lease, stage: string): Promise<Job>;
  /** running → succeeded. Fenced (LeaseLostError). */
  complete(lease: Lease, summary: JobSummary | null): Promise<Job>;
  /** running → failed with a typed error. Fenced (LeaseLostError). */
  fail(lease: Lease, error: JobError): Promise<Job>;
  /** Fails a job nobody holds (queued, e.g. it could not be dispatched). No-op on a terminal job. */
  failUnclaimed(workspaceId: string, jobId: string, error: JobError): Promise<Job | null>;
  /** running → cancelled, by the worker that holds it, after it saw the cancel request. Fenced. */
  acknowledgeCancel(lease: Lease): Promise<Job>;
  /** A user's cancel: queued (or unheld) → cancelled at once; held → cancel requested. */
  cancel(workspaceId: string, jobId: string): Promise<CancelOutcome>;
  get(workspaceId: string, jobId: string): Promise<Job | null>;
  /** Newest first. */
  list(workspaceId: string, filter: JobListFilter): Promise<Job[]>;
}

/** Publishes a RunMessage to the runs topic. Throws DispatchUnavailableError when it could not. */
export interface RunDispatcher {
  dispatch(message: RunMessage): Promise<void>;
}

/** A re-run to enqueue: of a saved (earlier) job, or of an explicit model + params. */
export interface RerunTask {
  v: 1;
  workspace_id: string;
  /** Re-run this job's model and params. */
  from_job_id?: string;
  model_name?: string;
  params?: Record<string, unknown>;
  /** Dedupes the created job across task redeliveries; defaults to the task id. */
  idempotency_key?: string;
  requested_by?: string | null;
}

export interface RerunOptions {
  /** When to run; now when omitted. */
  at?: Date;
  /** Or: after this many seconds (back-off). */
  delaySeconds?: number;
  /** Task id: enqueuing the same id twice is a no-op. */
  id?: string;
}

/** Cloud Tasks queue of re-runs (`scheduledRerun` function). */
export interface RerunScheduler {
  schedule(task: RerunTask, options?: RerunOptions): Promise<void>;
}

export class IdempotencyConflictError extends Error {
  constructor(
    readonly key: string,
    readonly jobId: string,
  ) {
    super(`idempotency_key "${key}" was already used for a different request (job ${jobId})`);
    this.name = "IdempotencyConflictError";
  }
}

/** The caller's lease was taken over (it expired and another worker claimed the job) or the job ended. */
export class LeaseLostError extends Error {
  constructor(
    readonly lease: Lease,
    readonly job: Job | null,
  ) {
    super(`job ${lease.jobId}: lease of attempt ${lease.attempt} is no longer held`);
    this.name = "LeaseLostError";
  }
}

export class CancelRequestedError extends Error {
  constructor(readonly jobId: string) {
    super(`job ${jobId} was cancelled`);
    this.name = "CancelRequestedError";
  }
}

export class DispatchUnavailableError extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = "DispatchUnavailableError";
  }
}
