import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ApiError } from "../../../src/contracts/api";
import { HttpError } from "../../../src/http/errors";
import { requestRun, submitRun } from "../../../src/runs/run-service";
import { runRerunTask, PermanentRerunError } from "../../../src/runs/rerun";
import { alice, countRows, echoModel, harness, statusRows, WS, type Harness } from "./support";

type ErrorBody = ApiError & { error: { issues: Array<{ path: string | null; reason: string }> } };

function httpError(err: unknown): { status: number; body: ErrorBody } {
  expect(err).toBeInstanceOf(HttpError);
  return (err as HttpError).response as { status: number; body: ErrorBody };
}

describe("requestRun", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness([echoModel()]);
  });
  afterEach(() => h.close());

  it("creates a queued job, mirrors it into job_status and dispatches it", async () => {
    const { job, created } = await requestRun(
      { workspace_id: WS, model_name: "echo", params: { value: 2 } },
      alice,
      h.deps,
    );
    expect(created).toBe(true);
    expect(job).toMatchObject({
      workspace_id: WS,
      model: "echo",
      model_version: "0.0.1",
      status: "queued",
      attempt: 0,
      max_attempts: 3,
      requested_by: "alice@example.com",
      params: { value: 2, label: "att" }, // defaults applied: the job records what will run
    });
    expect(h.dispatcher.messages).toEqual([{ v: 1, workspace_id: WS, job_id: job.job_id }]);
    expect(await statusRows(h, job.job_id)).toEqual(["queued#0"]);
  });

  it("the same idempotency key returns the same job and dispatches once", async () => {
    const req = { workspace_id: WS, model_name: "echo", params: { value: 2 }, idempotency_key: "k-1" };
    const [a, b] = await Promise.all([requestRun(req, alice, h.deps), requestRun(req, alice, h.deps)]);
    const c = await requestRun({ ...req, params: { label: "att", value: 2 } }, alice, h.deps); // same after defaults
    expect(b.job.job_id).toBe(a.job.job_id);
    expect(c.job.job_id).toBe(a.job.job_id);
    expect([a.created, b.created, c.created].filter(Boolean)).toHaveLength(1);
    // Replays of a still-queued job re-dispatch it (its first dispatch may have been lost); claims dedupe.
    expect(new Set(h.dispatcher.messages.map((m) => m.job_id))).toEqual(new Set([a.job.job_id]));
    expect(await countRows(h, "job_status")).toBe(1);
  });

  it("a replay after the job started does not dispatch again", async () => {
    const req = { workspace_id: WS, model_name: "echo", params: { value: 2 }, idempotency_key: "k-2" };
    const first = await requestRun(req, alice, h.deps);
    await h.jobs.claim(WS, first.job.job_id, "w1", 60_000, 3);
    h.dispatcher.drain();
    const again = await requestRun(req, alice, h.deps);
    expect(again).toMatchObject({ created: false, job: { job_id: first.job.job_id, status: "running" } });
    expect(h.dispatcher.messages).toHaveLength(0);
  });

  it("the same key with a different request is a 409", async () => {
    await requestRun(
      { workspace_id: WS, model_name: "echo", params: { value: 2 }, idempotency_key: "k" },
      alice,
      h.deps,
    );
    const err = await requestRun(
      { workspace_id: WS, model_name: "echo", params: { value: 3 }, idempotency_key: "k" },
      alice,
      h.deps,
    ).catch((e) => e);
    const res = httpError(err);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("conflict");
    expect(res.body.error.issues).toEqual([
      { path: "idempotency_key", reason: "already used for a different request" },
    ]);
  });

  it("keys are per workspace, and without a key every request is a new run", async () => {
    const a = await requestRun(
      { workspace_id: WS, model_name: "echo", params: { value: 1 }, idempotency_key: "k" },
      alice,
      h.deps,
    );
    const b = await requestRun(
      { workspace_id: "ws_other", model_name: "echo", params: { value: 1 }, idempotency_key: "k" },
      alice,
      h.deps,
    );
    const c = await requestRun({ workspace_id: WS, model_name: "echo", params: { value: 1 } }, alice, h.deps);
    const d = await requestRun({ workspace_id: WS, model_name: "echo", params: { value: 1 } }, alice, h.deps);
    expect(new Set([a, b, c, d].map((r) => r.job.job_id)).size).toBe(4);
  });

  it("invalid params are a 400 listing every field path", async () => {
    const err = await requestRun(
      {
        workspace_id: WS,
        model_name: "echo",
        params: { value: "x", label: "", window: { start: "2026-13-01" } },
      },
      alice,
      h.deps,
    ).catch((e) => e);
    const res = httpError(err);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("bad_request");
    const paths = res.body.error.issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining(["params.value", "params.label", "params.window.start", "params.window.end"]),
    );
    expect(res.body.error.message).toMatch(/^invalid params for model echo: params\./);
    expect(h.dispatcher.messages).toHaveLength(0);
    expect(await h.jobs.list(WS, { limit: 10 })).toEqual([]);
  });

  it("an unknown model is a 400 on model_name", async () => {
    const res = httpError(
      await requestRun({ workspace_id: WS, model_name: "nope", params: {} }, alice, h.deps).catch((e) => e),
    );
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0]).toMatchObject({ path: "model_name" });
    expect(res.body.error.message).toContain("available: echo");
  });

  it("a failed dispatch: 503; keyed requests stay queued and a replay dispatches, unkeyed jobs are closed", async () => {
    h.dispatcher.failNext = 2;
    const keyed = { workspace_id: WS, model_name: "echo", params: { value: 1 }, idempotency_key: "retry-me" };
    const r1 = httpError(await requestRun(keyed, alice, h.deps).catch((e) => e));
    expect(r1.status).toBe(503);
    const unkeyed = httpError(
      await requestRun({ ...keyed, idempotency_key: undefined }, alice, h.deps).catch((e) => e),
    );
    expect(unkeyed.status).toBe(503);
    const jobs = await h.jobs.list(WS, { limit: 10 });
    expect(jobs.map((j) => j.status).sort()).toEqual(["failed", "queued"]);
    const replay = await requestRun(keyed, alice, h.deps);
    expect(replay.created).toBe(false);
    expect(h.dispatcher.messages).toEqual([{ v: 1, workspace_id: WS, job_id: replay.job.job_id }]);
  });
});

describe("scheduled re-runs", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness([echoModel()]);
  });
  afterEach(() => h.close());

  it("re-runs a saved job's model and params; a redelivered task creates no second job", async () => {
    const { job } = await submitRun(
      { workspace_id: WS, model_name: "echo", params: { value: 7 } },
      "alice",
      h.deps,
    );
    const task = { v: 1, workspace_id: WS, from_job_id: job.job_id };
    const a = await runRerunTask(task, "task-1", h.deps);
    const b = await runRerunTask(task, "task-1", h.deps);
    expect(a.created).toBe(true);
    expect(b).toMatchObject({ created: false, job: { job_id: a.job.job_id } });
    expect(a.job).toMatchObject({ model: "echo", params: job.params, requested_by: "scheduler" });
    expect(a.job.job_id).not.toBe(job.job_id);
  });

  it("tasks that can never succeed are permanent errors", async () => {
    await expect(
      runRerunTask({ v: 1, workspace_id: WS, from_job_id: "nope" }, "t", h.deps),
    ).rejects.toBeInstanceOf(PermanentRerunError);
    await expect(runRerunTask({ v: 1, workspace_id: WS }, "t", h.deps)).rejects.toBeInstanceOf(
      PermanentRerunError,
    );
    await expect(
      runRerunTask({ v: 1, workspace_id: WS, model_name: "echo", params: { value: "x" } }, "t", h.deps),
    ).rejects.toBeInstanceOf(PermanentRerunError);
  });
});
