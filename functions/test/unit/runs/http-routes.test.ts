import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadSettings } from "../../../src/config/settings";
import { Router } from "../../../src/http/router";
import type { HttpRequest, HttpResponse } from "../../../src/http/types";
import { MemoryRerunScheduler } from "../../../src/runs/memory";
import { createRunRoutes } from "../../../src/runs/http-routes";
import type { RunPorts } from "../../../src/runs/run-service";
import { executeJob } from "../../../src/runs/worker";
import type { Services } from "../../../src/services";
import { echoModel, harness, WS, type Harness } from "./support";

let h: Harness;
let call: (
  method: string,
  path: string,
  opts?: { body?: unknown; query?: Record<string, string>; token?: string },
) => Promise<HttpResponse>;
let reruns: MemoryRerunScheduler;

beforeEach(async () => {
  h = await harness([echoModel()]);
  reruns = new MemoryRerunScheduler();
  const services = {
    settings: loadSettings({}),
    log: h.deps.log,
    auth: {
      identity: {
        verifyIdToken: async (t: string) =>
          t.startsWith("user:") ? { uid: t.slice(5), email: `${t.slice(5)}@example.com` } : null,
      },
      apiKeys: { findByHash: async () => null },
      workspaces: {
        workspaceExists: async (w: string) => w === WS || w === "ws_b",
        isMember: async (w: string, uid: string) => w === WS && uid === "alice",
      },
    },
    warehouse: async () => h.warehouse,
  } as unknown as Services;
  const ports: RunPorts = { ...h.deps, reruns };
  const router = new Router();
  createRunRoutes(() => ports)(router, services);
  call = (method, path, opts = {}) => {
    const req: HttpRequest = {
      method,
      path,
      query: opts.query ?? {},
      headers: { authorization: `Bearer ${opts.token ?? "user:alice"}` },
      rawBody: opts.body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(opts.body)),
    };
    return router.handle(req, (err) => {
      throw err;
    });
  };
});
afterEach(() => h.close());

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response JSON, asserted field by field
const body = (r: HttpResponse) => r.body as any;

describe("run routes", () => {
  it("POST /v1/analysis/run → 202 with the job; replays with the key are flagged", async () => {
    const req = { workspace_id: WS, model_name: "echo", params: { value: 1 }, idempotency_key: "abc" };
    const r = await call("POST", "/v1/analysis/run", { body: req });
    expect(r.status).toBe(202);
    expect(body(r)).toMatchObject({ status: "queued", model: "echo", requested_by: "alice@example.com" });
    expect(r.headers?.location).toBe(`/v1/jobs/${body(r).job_id}?workspace_id=${WS}`);
    const again = await call("POST", "/v1/analysis/run", { body: req });
    expect(again.status).toBe(202);
    expect(again.headers?.["idempotent-replayed"]).toBe("true");
    expect(body(again).job_id).toBe(body(r).job_id);
  });

  it("validation: 400 with field paths; auth: 401 / 403", async () => {
    const bad = await call("POST", "/v1/analysis/run", {
      body: { workspace_id: WS, model_name: "echo", params: { value: "x" } },
    });
    expect(bad.status).toBe(400);
    expect(body(bad).error.issues).toEqual([{ path: "params.value", reason: expect.any(String) }]);
    const noModel = await call("POST", "/v1/analysis/run", { body: { workspace_id: WS } });
    expect(body(noModel).error.issues[0].path).toBe("model_name");
    expect((await call("POST", "/v1/analysis/run", { body: {}, token: "garbage" })).status).toBe(401);
    const other = await call("POST", "/v1/analysis/run", {
      body: { workspace_id: "ws_b", model_name: "echo", params: { value: 1 } },
    });
    expect(other.status).toBe(403);
  });

  it("GET /v1/jobs/:job, GET /v1/jobs, GET /v1/results after the worker ran", async () => {
    const created = body(
      await call("POST", "/v1/analysis/run", {
        body: { workspace_id: WS, model_name: "echo", params: { value: 4 } },
      }),
    );
    await executeJob(h.dispatcher.drain()[0], h.deps);
    const job = await call("GET", `/v1/jobs/${created.job_id}`, { query: { workspace_id: WS } });
    expect(body(job)).toMatchObject({ status: "succeeded", summary: { estimate: 4 } });
    expect((await call("GET", "/v1/jobs/nope", { query: { workspace_id: WS } })).status).toBe(404);
    expect((await call("GET", `/v1/jobs/${created.job_id}`)).status).toBe(400); // workspace_id missing

    const list = await call("GET", "/v1/jobs", {
      query: { workspace_id: WS, status: "succeeded", model: "echo" },
    });
    expect(body(list).jobs.map((j: { job_id: string }) => j.job_id)).toEqual([created.job_id]);
    expect((await call("GET", "/v1/jobs", { query: { workspace_id: WS, status: "done" } })).status).toBe(400);

    const results = await call("GET", "/v1/results", {
      query: { workspace_id: WS, model: "echo", campaign: "spring", since: "2026-03-01" },
    });
    expect(body(results).results).toHaveLength(1);
    expect(body(results).results[0]).toMatchObject({
      job_id: created.job_id,
      estimates: [{ term: "att", estimate: 4 }],
    });
    const none = await call("GET", "/v1/results", {
      query: { workspace_id: WS, until: "2026-03-01T00:00:00Z" },
    });
    expect(body(none).results).toEqual([]);
    const byJob = await call("GET", "/v1/results", {
      query: { workspace_id: WS, job_id: created.job_id, limit: "1" },
    });
    expect(body(byJob).results).toHaveLength(1);
    expect(
      (await call("GET", "/v1/results", { query: { workspace_id: WS, since: "yesterday" } })).status,
    ).toBe(400);

    const health = await call("GET", "/v1/results/health", { query: { workspace_id: WS } });
    expect(body(health).counts).toEqual({ queued: 0, running: 0, succeeded: 1, failed: 0, cancelled: 0 });
  });

  it("POST /v1/analysis/:job/cancel: queued → 200 cancelled; again → 200; finished → 409", async () => {
    const created = body(
      await call("POST", "/v1/analysis/run", {
        body: { workspace_id: WS, model_name: "echo", params: { value: 1 } },
      }),
    );
    const r = await call("POST", `/v1/analysis/${created.job_id}/cancel`, { body: { workspace_id: WS } });
    expect(r.status).toBe(200);
    expect(body(r).status).toBe("cancelled");
    expect(
      (await call("POST", `/v1/analysis/${created.job_id}/cancel`, { query: { workspace_id: WS } })).status,
    ).toBe(200);
    const done = body(
      await call("POST", "/v1/analysis/run", {
        body: { workspace_id: WS, model_name: "echo", params: { value: 1 } },
      }),
    );
    for (const m of h.dispatcher.drain()) await executeJob(m, h.deps);
    expect(
      (await call("POST", `/v1/analysis/${done.job_id}/cancel`, { query: { workspace_id: WS } })).status,
    ).toBe(409);
    expect((await call("POST", `/v1/analysis/nope/cancel`, { query: { workspace_id: WS } })).status).toBe(
      404,
    );
  });

  it("POST /v1/analysis/:job/rerun schedules a task for the saved job", async () => {
    const created = body(
      await call("POST", "/v1/analysis/run", {
        body: { workspace_id: WS, model_name: "echo", params: { value: 1 } },
      }),
    );
    const r = await call("POST", `/v1/analysis/${created.job_id}/rerun`, {
      body: { workspace_id: WS, at: "2026-04-01T06:00:00Z", idempotency_key: "nightly-1" },
    });
    expect(r.status).toBe(202);
    await call("POST", `/v1/analysis/${created.job_id}/rerun`, {
      body: { workspace_id: WS, at: "2026-04-01T06:00:00Z", idempotency_key: "nightly-1" },
    });
    expect(reruns.tasks).toHaveLength(1);
    expect(reruns.tasks[0].task).toMatchObject({ v: 1, workspace_id: WS, from_job_id: created.job_id });
    expect(reruns.tasks[0].options.at?.toISOString()).toBe("2026-04-01T06:00:00.000Z");
  });

  it("GET /v1/models lists the registry with JSON Schemas", async () => {
    const r = await call("GET", "/v1/models");
    expect(body(r).models).toEqual([
      expect.objectContaining({
        name: "echo",
        version: "0.0.1",
        params_schema_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      }),
    ]);
    expect(body(r).models[0].params_schema.properties.value).toEqual({ type: "number" });
  });
});
