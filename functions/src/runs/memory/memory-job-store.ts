import type { Job } from "../../contracts/job";
import { TransactionalJobStore, toJob, toStored, type Mutation } from "../job-transitions";
import {
  IdempotencyConflictError,
  type CreateOutcome,
  type IdempotencyRecord,
  type JobListFilter,
  type StoredJob,
} from "../ports";

/**
 * In-memory JobStore (unit tests, the CLI). Each operation reads, decides and writes without awaiting in
 * between, so it is atomic on the event loop, exactly like one Firestore transaction; values are cloned
 * on the way in and out so callers cannot mutate stored state.
 */
export class MemoryJobStore extends TransactionalJobStore {
  private readonly jobs = new Map<string, StoredJob>();
  private readonly keys = new Map<string, { job_id: string; fingerprint: string }>();

  constructor(now: () => Date = () => new Date()) {
    super(now);
  }

  private static id(workspaceId: string, jobId: string): string {
    return `${workspaceId}/${jobId}`;
  }

  protected async mutate<R>(
    workspaceId: string,
    jobId: string,
    fn: (current: StoredJob | null) => Mutation<R>,
  ): Promise<R> {
    await Promise.resolve(); // let concurrent callers interleave between operations, never inside one
    const id = MemoryJobStore.id(workspaceId, jobId);
    const current = this.jobs.get(id);
    const { result, next } = fn(current ? structuredClone(current) : null);
    if (next) this.jobs.set(id, structuredClone(next));
    return structuredClone(result);
  }

  async create(job: Job, idempotency: IdempotencyRecord | null): Promise<CreateOutcome> {
    await Promise.resolve();
    const stored = toStored(job);
    if (idempotency) {
      const k = `${job.workspace_id}/${idempotency.key}`;
      const existing = this.keys.get(k);
      if (existing) {
        if (existing.fingerprint !== idempotency.fingerprint)
          throw new IdempotencyConflictError(idempotency.key, existing.job_id);
        const first = this.jobs.get(MemoryJobStore.id(job.workspace_id, existing.job_id));
        if (first) return { job: toJob(structuredClone(first)), created: false };
      }
      this.keys.set(k, { job_id: job.job_id, fingerprint: idempotency.fingerprint });
    }
    const id = MemoryJobStore.id(job.workspace_id, job.job_id);
    if (this.jobs.has(id)) throw new Error(`job ${job.job_id} already exists`);
    this.jobs.set(id, stored);
    return { job: toJob(structuredClone(stored)), created: true };
  }

  protected async read(workspaceId: string, jobId: string): Promise<StoredJob | null> {
    await Promise.resolve();
    const s = this.jobs.get(MemoryJobStore.id(workspaceId, jobId));
    return s ? structuredClone(s) : null;
  }

  async list(workspaceId: string, filter: JobListFilter): Promise<Job[]> {
    await Promise.resolve();
    return [...this.jobs.values()]
      .filter((j) => j.workspace_id === workspaceId)
      .filter((j) => !filter.model || j.model === filter.model)
      .filter((j) => !filter.status || j.status === filter.status)
      .sort((a, b) =>
        a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : a.job_id < b.job_id ? 1 : -1,
      )
      .slice(0, filter.limit)
      .map((j) => toJob(structuredClone(j)));
  }

  /** Test hook: the raw stored document (with lease owner and cancel flag). */
  stored(workspaceId: string, jobId: string): StoredJob | undefined {
    const s = this.jobs.get(MemoryJobStore.id(workspaceId, jobId));
    return s ? structuredClone(s) : undefined;
  }
}
