import { describe, expect, it } from "vitest";
import type { Job } from "../../../src/contracts/job";
import { MemoryJobStore } from "../../../src/runs/memory";
import {
  CancelRequestedError,
  IdempotencyConflictError,
  LeaseLostError,
  type Lease,
} from "../../../src/runs/ports";

const T0 = Date.parse("2026-03-01T00:00:00Z");

function job(id: string, extra: Partial<Job> = {}): Job {
  const at = new Date(T0).toISOString();
  return {
    job_id: id,
    workspace_id: "w",
    model: "m",
    model_version: "1",
    params: {},
    idempotency_key: id,
    status: "queued",
    stage: null,
    progress: 0,
    attempt: 0,
    max_attempts: 3,
    requested_by: null,
    error: null,
    lease_expires_at: null,
    created_at: at,
    updated_at: at,
    started_at: null,
    finished_at: null,
    summary: null,
    ...extra,
  };
}

function store() {
  const clock = { ms: T0 };
  return { clock, jobs: new MemoryJobStore(() => new Date(clock.ms)) };
}

async function claimed(jobs: MemoryJobStore, id: string, worker = "w1"): Promise<Lease> {
  const c = await jobs.claim("w", id, worker, 1_000, 3);
  if (c.kind !== "claimed") throw new Error(`expected a claim, got ${c.kind}`);
  return c.lease;
}

describe("MemoryJobStore (shared transitions)", () => {
  it("create with an idempotency key is atomic: concurrent creates yield one job", async () => {
    const { jobs } = store();
    const outcomes = await Promise.all(
      ["a", "b", "c"].map((id) => jobs.create(job(id), { key: "k", fingerprint: "f" })),
    );
    expect(outcomes.filter((o) => o.created)).toHaveLength(1);
    expect(new Set(outcomes.map((o) => o.job.job_id)).size).toBe(1);
    await expect(jobs.create(job("d"), { key: "k", fingerprint: "other" })).rejects.toBeInstanceOf(
      IdempotencyConflictError,
    );
  });

  it("only one of many concurrent claims wins", async () => {
    const { jobs } = store();
    await jobs.create(job("j"), null);
    const claims = await Promise.all(
      Array.from({ length: 10 }, (_, i) => jobs.claim("w", "j", `w${i}`, 1_000, 3)),
    );
    expect(claims.filter((c) => c.kind === "claimed")).toHaveLength(1);
    expect(claims.filter((c) => c.kind === "busy")).toHaveLength(9);
  });

  it("terminal statuses never go backwards", async () => {
    const { jobs, clock } = store();
    await jobs.create(job("j"), null);
    const lease = await claimed(jobs, "j");
    await jobs.complete(lease, null);
    clock.ms += 10_000;
    await expect(jobs.fail(lease, { code: "internal", message: "x" })).rejects.toBeInstanceOf(LeaseLostError);
    await expect(jobs.updateStage(lease, "estimating", 0.5, 1_000)).rejects.toBeInstanceOf(LeaseLostError);
    await expect(jobs.acknowledgeCancel(lease)).rejects.toBeInstanceOf(LeaseLostError);
    expect(await jobs.cancel("w", "j")).toMatchObject({ kind: "terminal", job: { status: "succeeded" } });
    expect(await jobs.claim("w", "j", "w2", 1_000, 3)).toMatchObject({ kind: "terminal" });
    expect(await jobs.failUnclaimed("w", "j", { code: "internal", message: "x" })).toMatchObject({
      status: "succeeded",
    });
    expect(await jobs.get("w", "j")).toMatchObject({ status: "succeeded", attempt: 1, progress: 1 });
  });

  it("progress never decreases and stage updates renew the lease", async () => {
    const { jobs, clock } = store();
    await jobs.create(job("j"), null);
    const lease = await claimed(jobs, "j");
    await jobs.updateStage(lease, "estimating", 0.6, 1_000);
    clock.ms += 900;
    const j = await jobs.updateStage(lease, "querying the warehouse", 0.2, 1_000);
    expect(j).toMatchObject({ stage: "querying the warehouse", progress: 0.6 });
    clock.ms += 900; // past the first lease, within the renewed one
    expect(await jobs.claim("w", "j", "w2", 1_000, 3)).toMatchObject({ kind: "busy" });
  });

  it("an expired lease is re-claimed with attempt + 1 and fences off the old holder", async () => {
    const { jobs, clock } = store();
    await jobs.create(job("j"), null);
    const old = await claimed(jobs, "j", "w1");
    clock.ms += 1_001;
    const fresh = await claimed(jobs, "j", "w2");
    expect(fresh.attempt).toBe(2);
    await expect(jobs.complete(old, null)).rejects.toBeInstanceOf(LeaseLostError);
    await expect(jobs.checkLease(old)).rejects.toBeInstanceOf(LeaseLostError);
    expect(await jobs.complete(fresh, null)).toMatchObject({ status: "succeeded", attempt: 2 });
  });

  it("cancel: queued → cancelled at once; held → requested, seen by the holder; unheld running → cancelled", async () => {
    const { jobs, clock } = store();
    await jobs.create(job("q"), null);
    expect(await jobs.cancel("w", "q")).toMatchObject({ kind: "cancelled", job: { status: "cancelled" } });

    await jobs.create(job("r"), null);
    const lease = await claimed(jobs, "r");
    expect(await jobs.cancel("w", "r")).toMatchObject({
      kind: "requested",
      job: { status: "running", stage: "cancelling" },
    });
    await expect(jobs.checkLease(lease)).rejects.toBeInstanceOf(CancelRequestedError);
    await expect(jobs.updateStage(lease, "estimating", 0.5, 1_000)).rejects.toBeInstanceOf(
      CancelRequestedError,
    );
    expect(await jobs.acknowledgeCancel(lease)).toMatchObject({ status: "cancelled" });

    await jobs.create(job("dead"), null);
    await claimed(jobs, "dead");
    clock.ms += 5_000; // its worker died
    expect(await jobs.cancel("w", "dead")).toMatchObject({ kind: "cancelled" });
  });

  it("a pending cancel on a job whose worker died is applied by the next claim", async () => {
    const { jobs, clock } = store();
    await jobs.create(job("j"), null);
    await claimed(jobs, "j");
    await jobs.cancel("w", "j");
    clock.ms += 5_000;
    expect(await jobs.claim("w", "j", "w2", 1_000, 3)).toMatchObject({
      kind: "cancelled",
      job: { status: "cancelled" },
    });
  });

  it("stored state cannot be mutated through returned objects", async () => {
    const { jobs } = store();
    const { job: created } = await jobs.create(job("j"), null);
    created.status = "succeeded";
    expect((await jobs.get("w", "j"))?.status).toBe("queued");
    expect(Object.keys((await jobs.get("w", "j"))!)).not.toContain("lease_owner");
  });

  it("lists newest first, filtered", async () => {
    const { jobs } = store();
    await jobs.create(job("a", { created_at: "2026-03-01T00:00:01Z", model: "did" }), null);
    await jobs.create(job("b", { created_at: "2026-03-01T00:00:02Z" }), null);
    await jobs.create(job("c", { created_at: "2026-03-01T00:00:03Z", model: "did" }), null);
    expect((await jobs.list("w", { limit: 10 })).map((j) => j.job_id)).toEqual(["c", "b", "a"]);
    expect((await jobs.list("w", { model: "did", limit: 1 })).map((j) => j.job_id)).toEqual(["c"]);
    expect(await jobs.list("w", { status: "running", limit: 10 })).toEqual([]);
  });
});
