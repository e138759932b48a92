/**
 * The job state machine, as pure functions of (stored job, now). Adapters only provide an atomic
 * read-modify-write (`mutate`); the rules live here once, so Firestore and the in-memory store agree:
 *
 *   queued ──claim──▶ running ──complete──▶ succeeded
 *     │                 │ ▲  ├──fail──────▶ failed
 *     │                 │ └──┘ re-claim after the lease expired or was released (attempt + 1)
 *     └──cancel──▶ cancelled ◀──cancel (unheld) / acknowledged cancel request
 *
 * Terminal statuses never change again. Every write of a worker is fenced by its lease
 * (status running, same attempt, same worker), so a worker whose lease was taken over cannot
 * overwrite the newer attempt.
 */
import { TERMINAL_STATUSES, jobSchema, type Job, type JobError } from "../contracts/job";
import {
  CancelRequestedError,
  LeaseLostError,
  type CancelOutcome,
  type ClaimOutcome,
  type CreateOutcome,
  type IdempotencyRecord,
  type JobListFilter,
  type JobStore,
  type JobSummary,
  type Lease,
  type StoredJob,
} from "./ports";

export const isTerminal = (s: Job["status"]): boolean => TERMINAL_STATUSES.includes(s);

/** The public shape: the contract's fields only. */
export function toJob(stored: StoredJob | Job): Job {
  const { lease_owner: _o, cancel_requested_at: _c, ...job } = stored as StoredJob;
  return job;
}

export function toStored(job: Job): StoredJob {
  return { ...jobSchema.parse(job), lease_owner: null, cancel_requested_at: null };
}

function leaseLive(s: StoredJob, now: Date): boolean {
  return s.lease_expires_at !== null && Date.parse(s.lease_expires_at) > now.getTime();
}

export function holds(s: StoredJob | null, lease: Lease): s is StoredJob {
  return (
    s !== null && s.status === "running" && s.attempt === lease.attempt && s.lease_owner === lease.workerId
  );
}

/** A mutation: what to return, and the new stored state (omitted: no write). */
export type Mutation<R> = { result: R; next?: StoredJob };

function finished(s: StoredJob, now: Date, patch: Partial<StoredJob>): StoredJob {
  const at = now.toISOString();
  return {
    ...s,
    stage: null,
    lease_expires_at: null,
    lease_owner: null,
    updated_at: at,
    finished_at: at,
    ...patch,
  };
}

export function claimTransition(
  s: StoredJob | null,
  lease: { workerId: string; leaseMs: number; maxAttempts: number },
  now: Date,
): Mutation<ClaimOutcome> {
  if (!s) return { result: { kind: "missing" } };
  if (isTerminal(s.status)) return { result: { kind: "terminal", job: toJob(s) } };
  if (s.status === "running" && leaseLive(s, now)) return { result: { kind: "busy", job: toJob(s) } };
  if (s.cancel_requested_at) {
    const next = finished(s, now, { status: "cancelled" });
    return { result: { kind: "cancelled", job: toJob(next) }, next };
  }
  if (s.attempt >= lease.maxAttempts) {
    const next = finished(s, now, {
      status: "failed",
      error: {
        code: "timeout",
        message: `the run stopped without finishing ${s.attempt} time(s) (the worker timed out or ran out of memory); giving up`,
      },
    });
    return { result: { kind: "exhausted", job: toJob(next) }, next };
  }
  const at = now.toISOString();
  const next: StoredJob = {
    ...s,
    status: "running",
    attempt: s.attempt + 1,
    max_attempts: lease.maxAttempts,
    stage: "starting",
    lease_owner: lease.workerId,
    lease_expires_at: new Date(now.getTime() + lease.leaseMs).toISOString(),
    started_at: s.started_at ?? at,
    updated_at: at,
    error: null,
  };
  return {
    result: {
      kind: "claimed",
      job: toJob(next),
      lease: {
        workspaceId: s.workspace_id,
        jobId: s.job_id,
        workerId: lease.workerId,
        attempt: next.attempt,
      },
    },
    next,
  };
}

function fence(s: StoredJob | null, lease: Lease): StoredJob {
  if (!holds(s, lease)) throw new LeaseLostError(lease, s ? toJob(s) : null);
  return s;
}

export function stageTransition(
  s: StoredJob | null,
  lease: Lease,
  update: { stage: string; progress: number; leaseMs: number },
  now: Date,
): Mutation<Job> {
  const held = fence(s, lease);
  if (held.cancel_requested_at) throw new CancelRequestedError(held.job_id);
  const progress = Number.isFinite(update.progress)
    ? Math.min(1, Math.max(0, update.progress))
    : held.progress;
  const next: StoredJob = {
    ...held,
    stage: update.stage,
    progress: Math.max(held.progress, progress),
    lease_expires_at: new Date(now.getTime() + update.leaseMs).toISOString(),
    updated_at: now.toISOString(),
  };
  return { result: toJob(next), next };
}

export function releaseTransition(
  s: StoredJob | null,
  lease: Lease,
  stage: string,
  now: Date,
): Mutation<Job> {
  const held = fence(s, lease);
  const next: StoredJob = {
    ...held,
    stage,
    lease_owner: null,
    lease_expires_at: null,
    updated_at: now.toISOString(),
  };
  return { result: toJob(next), next };
}

export function completeTransition(
  s: StoredJob | null,
  lease: Lease,
  summary: JobSummary | null,
  now: Date,
): Mutation<Job> {
  // A cancel requested after the last stage boundary is too late: the result is already written.
  const next = finished(fence(s, lease), now, {
    status: "succeeded",
    progress: 1,
    summary,
    error: null,
    cancel_requested_at: null,
  });
  return { result: toJob(next), next };
}

export function failTransition(s: StoredJob | null, lease: Lease, error: JobError, now: Date): Mutation<Job> {
  const next = finished(fence(s, lease), now, { status: "failed", error });
  return { result: toJob(next), next };
}

export function acknowledgeCancelTransition(s: StoredJob | null, lease: Lease, now: Date): Mutation<Job> {
  const next = finished(fence(s, lease), now, { status: "cancelled" });
  return { result: toJob(next), next };
}

export function failUnclaimedTransition(
  s: StoredJob | null,
  error: JobError,
  now: Date,
): Mutation<Job | null> {
  if (!s) return { result: null };
  if (isTerminal(s.status) || (s.status === "running" && leaseLive(s, now))) return { result: toJob(s) };
  const next = finished(s, now, { status: "failed", error });
  return { result: toJob(next), next };
}

export function cancelTransition(s: StoredJob | null, now: Date): Mutation<CancelOutcome> {
  if (!s) return { result: { kind: "missing" } };
  if (isTerminal(s.status)) return { result: { kind: "terminal", job: toJob(s) } };
  if (s.status === "running" && leaseLive(s, now)) {
    if (s.cancel_requested_at) return { result: { kind: "requested", job: toJob(s) } };
    const at = now.toISOString();
    const next: StoredJob = { ...s, cancel_requested_at: at, stage: "cancelling", updated_at: at };
    return { result: { kind: "requested", job: toJob(next) }, next };
  }
  const next = finished(s, now, { status: "cancelled" });
  return { result: { kind: "cancelled", job: toJob(next) }, next };
}

/**
 * A JobStore whose adapters supply only storage primitives; all rules come from the transitions above.
 * `mutate` must run its function inside one atomic read-modify-write (a Firestore transaction; a
 * synchronous section in memory) and may call it more than once (transaction retries).
 */
export abstract class TransactionalJobStore implements JobStore {
  constructor(protected readonly now: () => Date = () => new Date()) {}

  protected abstract mutate<R>(
    workspaceId: string,
    jobId: string,
    fn: (current: StoredJob | null) => Mutation<R>,
  ): Promise<R>;

  /** A plain (non-transactional) read of the stored document. */
  protected abstract read(workspaceId: string, jobId: string): Promise<StoredJob | null>;

  abstract create(job: Job, idempotency: IdempotencyRecord | null): Promise<CreateOutcome>;
  abstract list(workspaceId: string, filter: JobListFilter): Promise<Job[]>;

  claim(
    workspaceId: string,
    jobId: string,
    workerId: string,
    leaseMs: number,
    maxAttempts: number,
  ): Promise<ClaimOutcome> {
    return this.mutate(workspaceId, jobId, (s) =>
      claimTransition(s, { workerId, leaseMs, maxAttempts }, this.now()),
    );
  }

  updateStage(lease: Lease, stage: string, progress: number, leaseMs: number): Promise<Job> {
    return this.mutate(lease.workspaceId, lease.jobId, (s) =>
      stageTransition(s, lease, { stage, progress, leaseMs }, this.now()),
    );
  }

  async get(workspaceId: string, jobId: string): Promise<Job | null> {
    const s = await this.read(workspaceId, jobId);
    return s ? toJob(s) : null;
  }

  async checkLease(lease: Lease): Promise<void> {
    const s = await this.read(lease.workspaceId, lease.jobId);
    if (!holds(s, lease)) throw new LeaseLostError(lease, s ? toJob(s) : null);
    if (s.cancel_requested_at) throw new CancelRequestedError(s.job_id);
  }

  release(lease: Lease, stage: string): Promise<Job> {
    return this.mutate(lease.workspaceId, lease.jobId, (s) => releaseTransition(s, lease, stage, this.now()));
  }

  complete(lease: Lease, summary: JobSummary | null): Promise<Job> {
    return this.mutate(lease.workspaceId, lease.jobId, (s) =>
      completeTransition(s, lease, summary, this.now()),
    );
  }

  fail(lease: Lease, error: JobError): Promise<Job> {
    return this.mutate(lease.workspaceId, lease.jobId, (s) => failTransition(s, lease, error, this.now()));
  }

  failUnclaimed(workspaceId: string, jobId: string, error: JobError): Promise<Job | null> {
    return this.mutate(workspaceId, jobId, (s) => failUnclaimedTransition(s, error, this.now()));
  }

  acknowledgeCancel(lease: Lease): Promise<Job> {
    return this.mutate(lease.workspaceId, lease.jobId, (s) =>
      acknowledgeCancelTransition(s, lease, this.now()),
    );
  }

  cancel(workspaceId: string, jobId: string): Promise<CancelOutcome> {
    return this.mutate(workspaceId, jobId, (s) => cancelTransition(s, this.now()));
  }
}
