import { createHash } from "node:crypto";
import type { Firestore } from "firebase-admin/firestore";
import type { Job } from "../../contracts/job";
import { TransactionalJobStore, toJob, toStored, type Mutation } from "../../runs/job-transitions";
import {
  IdempotencyConflictError,
  type CreateOutcome,
  type IdempotencyRecord,
  type JobListFilter,
  type StoredJob,
} from "../../runs/ports";
import { paths } from "./paths";

/**
 * Jobs at `workspaces/{w}/jobs/{jobId}`, idempotency keys at `workspaces/{w}/idempotency/{sha256(key)}`
 * (hashed: keys are caller-chosen and may hold '/' or be long). Every state change is one Firestore
 * transaction applying the shared transitions, so concurrent claims serialise and only one wins.
 */
export class FirestoreJobStore extends TransactionalJobStore {
  constructor(
    private readonly db: Firestore,
    now: () => Date = () => new Date(),
  ) {
    super(now);
  }

  private jobRef(workspaceId: string, jobId: string) {
    return this.db.doc(paths.job(workspaceId, jobId));
  }

  protected async mutate<R>(
    workspaceId: string,
    jobId: string,
    fn: (current: StoredJob | null) => Mutation<R>,
  ): Promise<R> {
    const ref = this.jobRef(workspaceId, jobId);
    return this.db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      const { result, next } = fn(snap.exists ? fromDoc(snap.data()) : null);
      if (next) tx.set(ref, next);
      return result;
    });
  }

  protected async read(workspaceId: string, jobId: string): Promise<StoredJob | null> {
    const snap = await this.jobRef(workspaceId, jobId).get();
    return snap.exists ? fromDoc(snap.data()) : null;
  }

  async create(job: Job, idempotency: IdempotencyRecord | null): Promise<CreateOutcome> {
    const stored = toStored(job);
    const ref = this.jobRef(job.workspace_id, job.job_id);
    return this.db.runTransaction(async (tx) => {
      if (idempotency) {
        const keyRef = this.db.doc(
          paths.idempotency(job.workspace_id, createHash("sha256").update(idempotency.key).digest("hex")),
        );
        const keySnap = await tx.get(keyRef);
        if (keySnap.exists) {
          const existing = keySnap.data() as { job_id: string; fingerprint: string };
          if (existing.fingerprint !== idempotency.fingerprint)
            throw new IdempotencyConflictError(idempotency.key, existing.job_id);
          const first = await tx.get(this.jobRef(job.workspace_id, existing.job_id));
          if (first.exists) return { job: toJob(fromDoc(first.data())), created: false };
        }
        tx.set(keyRef, {
          key: idempotency.key,
          fingerprint: idempotency.fingerprint,
          job_id: job.job_id,
          created_at: job.created_at,
        });
      }
      tx.create(ref, stored);
      return { job: toJob(stored), created: true };
    });
  }

  /** Needs composite indexes on (model|status, created_at desc) for the filtered listings. */
  async list(workspaceId: string, filter: JobListFilter): Promise<Job[]> {
    let q = this.db.collection(paths.jobs(workspaceId)).orderBy("created_at", "desc");
    if (filter.model) q = q.where("model", "==", filter.model);
    if (filter.status) q = q.where("status", "==", filter.status);
    const snap = await q.limit(filter.limit).get();
    return snap.docs.map((d) => toJob(fromDoc(d.data())));
  }
}

function fromDoc(data: FirebaseFirestore.DocumentData | undefined): StoredJob {
  const d = (data ?? {}) as Partial<StoredJob>;
  return {
    ...(d as StoredJob),
    lease_owner: d.lease_owner ?? null,
    cancel_requested_at: d.cancel_requested_at ?? null,
  };
}
