import { afterEach, describe, expect, it } from "vitest";
import { resultEnvelopeSchema } from "../../../src/contracts/result";
import { ModelFailure } from "../../../src/models/model";
import { readResult } from "../../../src/runs/results";
import { submitRun } from "../../../src/runs/run-service";
import { executeJob } from "../../../src/runs/worker";
import { WarehouseError } from "../../../src/warehouse/warehouse";
import { countRows, defaultOutput, echoModel, gate, harness, statusRows, WS, type Harness } from "./support";

let h: Harness;
afterEach(() => h?.close());

async function queue(params: Record<string, unknown> = { value: 2 }) {
  const { job } = await submitRun({ workspace_id: WS, model_name: "echo", params }, "alice", h.deps);
  return { job, message: h.dispatcher.drain()[0]! };
}

describe("executeJob", () => {
  it("runs the model and writes one envelope; the job succeeds with a summary", async () => {
    const model = echoModel();
    h = await harness([model]);
    const { job, message } = await queue({ value: 2 });
    const outcome = await executeJob(message, h.deps);
    expect(outcome.kind).toBe("succeeded");
    if (outcome.kind !== "succeeded") return;
    const envelope = resultEnvelopeSchema.parse(outcome.envelope);
    expect(envelope).toEqual({
      job_id: job.job_id,
      workspace_id: WS,
      model: "echo",
      model_version: "0.0.1",
      params: { value: 2, label: "att" },
      estimates: [
        {
          term: "att",
          estimate: 2,
          std_error: 0.5,
          ci_low: 1,
          ci_high: 3,
          p_value: 0.01,
          df: null,
          relative_estimate: 0.2,
        },
      ],
      diagnostics: { rows: 3 },
      n_obs: 42,
      warnings: ["a warning"],
      data_snapshot: {
        row_counts: { probe: 1 },
        max_ingested_at: "2026-02-01T10:00:00.000Z",
        query_bytes: 0,
        warehouse: "duckdb",
      },
      created_at: "2026-03-01T12:00:00.000Z",
    });
    // What the API reads back from the warehouse is the very same envelope.
    expect(await readResult(h.warehouse, WS, job.job_id)).toEqual(envelope);
    expect(outcome.job).toMatchObject({
      status: "succeeded",
      attempt: 1,
      progress: 1,
      stage: null,
      error: null,
      lease_expires_at: null,
      summary: { term: "att", estimate: 2, ci_low: 1, ci_high: 3 },
      finished_at: "2026-03-01T12:00:00.000Z",
    });
    expect(await statusRows(h, job.job_id)).toEqual(["queued#0", "running#1", "succeeded#1"]);
    const { rows } = await h.warehouse.query({
      sql: "SELECT campaign FROM lift_analysis_results",
      label: "c",
    });
    expect(rows).toEqual([{ campaign: "spring" }]);
  });

  it("two concurrent deliveries of one message: one run, one result row, one succeeded status", async () => {
    const model = echoModel();
    h = await harness([model]);
    const { job, message } = await queue();
    const outcomes = await Promise.all([
      executeJob(message, h.deps),
      executeJob(message, h.deps),
      executeJob(message, h.deps),
    ]);
    expect(outcomes.map((o) => o.kind).sort()).toEqual(["busy", "busy", "succeeded"]);
    expect(model.runs).toBe(1);
    expect(await countRows(h, "lift_analysis_results")).toBe(1);
    expect(await countRows(h, "job_status", "status = 'succeeded'")).toBe(1);
    expect((await h.jobs.get(WS, job.job_id))?.attempt).toBe(1);
  });

  it("redelivery after success is a no-op", async () => {
    const model = echoModel();
    h = await harness([model]);
    const { job, message } = await queue();
    await executeJob(message, h.deps);
    const before = await h.jobs.get(WS, job.job_id);
    h.clock.advance(3_600_000);
    const again = await executeJob(message, h.deps);
    expect(again).toMatchObject({ kind: "skipped", reason: "terminal" });
    expect(model.runs).toBe(1);
    expect(await h.jobs.get(WS, job.job_id)).toEqual(before);
    expect(await countRows(h, "lift_analysis_results")).toBe(1);
    expect(await statusRows(h, job.job_id)).toEqual(["queued#0", "running#1", "succeeded#1"]);
  });

  it("an expired lease is re-claimed with attempt + 1; the old worker is fenced off and writes nothing", async () => {
    const hold = gate();
    const started = gate();
    let calls = 0;
    const model = echoModel(async (ctx) => {
      if (++calls === 1) {
        started.open();
        await hold.wait; // the first worker stalls (e.g. a frozen instance)
      }
      return defaultOutput(ctx);
    });
    h = await harness([model], { leaseMs: 60_000 });
    const { job, message } = await queue();
    const first = executeJob(message, h.deps);
    await started.wait;
    expect(await executeJob(message, h.deps)).toMatchObject({ kind: "busy" }); // lease still live
    h.clock.advance(61_000);
    const second = await executeJob(message, h.deps);
    expect(second).toMatchObject({ kind: "succeeded", job: { attempt: 2 } });
    hold.open();
    expect(await first).toMatchObject({ kind: "skipped", reason: "lease_lost" });
    expect(await countRows(h, "lift_analysis_results")).toBe(1);
    expect(await h.jobs.get(WS, job.job_id)).toMatchObject({ status: "succeeded", attempt: 2 });
    expect(await statusRows(h, job.job_id)).toEqual(["queued#0", "running#1", "running#2", "succeeded#2"]);
  });

  it("a job whose attempts all died without an outcome fails with timeout", async () => {
    h = await harness([echoModel()], { maxAttempts: 2 });
    const { job, message } = await queue();
    for (let i = 0; i < 2; i++) {
      expect((await h.jobs.claim(WS, job.job_id, `crashed-${i}`, 60_000, 2)).kind).toBe("claimed");
      h.clock.advance(61_000);
    }
    const outcome = await executeJob(message, h.deps);
    expect(outcome).toMatchObject({
      kind: "failed",
      job: { status: "failed", attempt: 2, error: { code: "timeout" } },
    });
  });

  it("warehouse errors are retried until max_attempts, then the job fails with warehouse_error", async () => {
    const model = echoModel(async () => {
      throw new WarehouseError("query probe failed: connection reset");
    });
    h = await harness([model], { maxAttempts: 3 });
    const { job, message } = await queue();
    const first = await executeJob(message, h.deps);
    expect(first).toMatchObject({
      kind: "retry",
      job: { status: "running", attempt: 1, lease_expires_at: null },
    });
    // The released lease lets the redelivery re-claim at once.
    expect(await executeJob(message, h.deps)).toMatchObject({ kind: "retry", job: { attempt: 2 } });
    const last = await executeJob(message, h.deps);
    expect(last).toMatchObject({
      kind: "failed",
      job: { status: "failed", attempt: 3, error: { code: "warehouse_error" } },
    });
    if (last.kind === "failed") expect(last.job.error?.message).toContain("connection reset");
    expect(model.runs).toBe(3);
    expect(await executeJob(message, h.deps)).toMatchObject({ kind: "skipped", reason: "terminal" });
    expect(await countRows(h, "lift_analysis_results")).toBe(0);
    expect(await statusRows(h, job.job_id)).toEqual([
      "queued#0",
      "running#1",
      "running#2",
      "running#3",
      "failed#3",
    ]);
  });

  it("a transient warehouse error then success", async () => {
    let calls = 0;
    h = await harness([
      echoModel(async (ctx) => {
        if (++calls === 1) throw new WarehouseError("rate limited");
        return defaultOutput(ctx);
      }),
    ]);
    const { message } = await queue();
    expect((await executeJob(message, h.deps)).kind).toBe("retry");
    expect(await executeJob(message, h.deps)).toMatchObject({
      kind: "succeeded",
      job: { attempt: 2, error: null },
    });
  });

  it("a ModelFailure ends the job with its code and message (no retry)", async () => {
    const model = echoModel(async () => {
      throw new ModelFailure("insufficient_data", "no treated units have post-period data");
    });
    h = await harness([model]);
    const { job, message } = await queue();
    const outcome = await executeJob(message, h.deps);
    expect(outcome).toMatchObject({
      kind: "failed",
      job: {
        status: "failed",
        error: { code: "insufficient_data", message: "no treated units have post-period data" },
      },
    });
    const { rows } = await h.warehouse.query({
      sql: "SELECT error_code, error_message FROM job_status WHERE status = 'failed' AND job_id = $j",
      params: { j: job.job_id },
      label: "err",
    });
    expect(rows).toEqual([
      { error_code: "insufficient_data", error_message: "no treated units have post-period data" },
    ]);
    expect(await executeJob(message, h.deps)).toMatchObject({ kind: "skipped", reason: "terminal" });
    expect(model.runs).toBe(1);
  });

  it.each([
    ["NaN estimate", { estimate: NaN }],
    ["infinite std_error", { std_error: Infinity }],
    ["infinite extra", { relative_estimate: -Infinity }],
  ])("%s → numerical_error", async (_name, patch) => {
    h = await harness([
      echoModel(async (ctx) => {
        const out = await defaultOutput(ctx);
        return { ...out, estimates: [{ ...out.estimates[0], ...patch }] };
      }),
    ]);
    const { message } = await queue();
    const outcome = await executeJob(message, h.deps);
    expect(outcome).toMatchObject({ kind: "failed", job: { error: { code: "numerical_error" } } });
    expect(await countRows(h, "lift_analysis_results")).toBe(0);
  });

  it("an unexpected error is internal with a generic message; the stack is only logged", async () => {
    h = await harness([
      echoModel(async () => {
        throw new TypeError("cannot read properties of undefined (reading 'secret_column')");
      }),
    ]);
    const { message } = await queue();
    const outcome = await executeJob(message, h.deps);
    expect(outcome).toMatchObject({ kind: "failed", job: { error: { code: "internal" } } });
    if (outcome.kind !== "failed") return;
    expect(outcome.job.error?.message).not.toMatch(/secret_column|TypeError|at /);
    const logged = h.logs.find((l) => l.message === "job failed: internal error");
    expect(String(logged?.fields?.err)).toContain("TypeError");
  });

  it("a cancel while running stops the job at the next stage boundary", async () => {
    const hold = gate();
    const started = gate();
    const model = echoModel(async (ctx) => {
      await ctx.stage("querying the warehouse", 0.2);
      started.open();
      await hold.wait;
      await ctx.stage("estimating", 0.5); // the boundary where the cancel is seen
      throw new Error("must not get here");
    });
    h = await harness([model]);
    const { job, message } = await queue();
    const running = executeJob(message, h.deps);
    await started.wait;
    const cancel = await h.jobs.cancel(WS, job.job_id);
    expect(cancel).toMatchObject({ kind: "requested", job: { status: "running", stage: "cancelling" } });
    hold.open();
    expect(await running).toMatchObject({ kind: "cancelled", job: { status: "cancelled", error: null } });
    expect(await countRows(h, "lift_analysis_results")).toBe(0);
    expect(await statusRows(h, job.job_id)).toEqual(["queued#0", "running#1", "cancelled#1"]);
  });

  it("checkCancelled sees a cancel too", async () => {
    const hold = gate();
    const started = gate();
    h = await harness([
      echoModel(async (ctx) => {
        started.open();
        await hold.wait;
        await ctx.checkCancelled();
        return defaultOutput(ctx);
      }),
    ]);
    const { job, message } = await queue();
    const running = executeJob(message, h.deps);
    await started.wait;
    await h.jobs.cancel(WS, job.job_id);
    hold.open();
    expect(await running).toMatchObject({ kind: "cancelled" });
  });

  it("a job cancelled while queued never runs", async () => {
    const model = echoModel();
    h = await harness([model]);
    const { job, message } = await queue();
    expect(await h.jobs.cancel(WS, job.job_id)).toMatchObject({
      kind: "cancelled",
      job: { status: "cancelled" },
    });
    expect(await executeJob(message, h.deps)).toMatchObject({ kind: "skipped", reason: "terminal" });
    expect(model.runs).toBe(0);
  });

  it("a run past its time budget fails with timeout", async () => {
    h = await harness([echoModel(() => new Promise(() => undefined))], { timeoutMs: 20 });
    const { message } = await queue();
    expect(await executeJob(message, h.deps)).toMatchObject({
      kind: "failed",
      job: { error: { code: "timeout" } },
    });
  });

  it("malformed messages and unknown jobs are acknowledged", async () => {
    h = await harness([echoModel()]);
    expect(await executeJob({ v: 2 }, h.deps)).toMatchObject({ kind: "skipped", reason: "invalid_message" });
    expect(await executeJob({ v: 1, workspace_id: WS, job_id: "nope" }, h.deps)).toMatchObject({
      kind: "skipped",
      reason: "missing",
    });
  });

  it("params that no longer validate fail with invalid_params", async () => {
    h = await harness([echoModel()]);
    const { job, message } = await queue();
    // Simulate a job created under an older params schema.
    const stored = h.jobs.stored(WS, job.job_id)!;
    await h.jobs.create({ ...stored, job_id: "job_old", params: { value: "two" } }, null);
    const outcome = await executeJob({ ...message, job_id: "job_old" }, h.deps);
    expect(outcome).toMatchObject({ kind: "failed", job: { error: { code: "invalid_params" } } });
  });
});
