/**
 * Run routes of the `/v1` API:
 *   POST /v1/analysis/run             {workspace_id, model_name, params, idempotency_key?} → 202 job
 *   POST /v1/analysis/:job/cancel     workspace_id in body or query → 200 (cancelled) / 202 (requested)
 *   POST /v1/analysis/:job/rerun      {workspace_id, at?, delay_seconds?, idempotency_key?} → 202
 *   GET  /v1/jobs/:job?workspace_id=
 *   GET  /v1/jobs?workspace_id=&model=&status=&limit=
 *   GET  /v1/results?workspace_id=&model=&campaign=&since=&until=&job_id=&limit=
 *   GET  /v1/results/health?workspace_id=&since=&model=
 *   GET  /v1/models
 * With an API key, workspace_id may be omitted (the key's workspace).
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { principalLabel, type Principal } from "../auth/authenticate";
import { jobStatusSchema, runRequestSchema } from "../contracts/job";
import { readJson, validate } from "../http/body";
import { apiError, HttpError } from "../http/errors";
import type { Router } from "../http/router";
import { requirePrincipal, requireWorkspace } from "../http/routes/principal";
import type { HttpRequest } from "../http/types";
import { modelInfo } from "../models/registry";
import type { Services } from "../services";
import { mirrorStatus, readResults, statusCounts } from "./results";
import { requestRun, runDepsOf, type RunPorts } from "./run-service";

const timestamp = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()])
  .transform((v) => new Date(v))
  .refine((d) => Number.isFinite(d.getTime()), "is not a valid date");

const limit = (max: number, dflt: number) => z.coerce.number().int().min(1).max(max).default(dflt);

const jobsQuerySchema = z.object({
  workspace_id: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
  status: jobStatusSchema.optional(),
  limit: limit(100, 20),
});

const resultsQuerySchema = z.object({
  workspace_id: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
  campaign: z.string().min(1).optional(),
  job_id: z.string().min(1).optional(),
  since: timestamp.optional(),
  until: timestamp.optional(),
  limit: limit(500, 50),
});

const healthQuerySchema = z.object({
  workspace_id: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
  since: timestamp.optional(),
});

const workspaceOnlySchema = z.object({ workspace_id: z.string().min(1).optional() });

const rerunBodySchema = z
  .object({
    workspace_id: z.string().min(1).optional(),
    at: timestamp.optional(),
    delay_seconds: z
      .number()
      .int()
      .min(0)
      .max(30 * 86_400)
      .optional(),
    idempotency_key: z.string().min(1).max(200).optional(),
  })
  .refine((b) => !(b.at && b.delay_seconds !== undefined), { message: "give at or delay_seconds, not both" });

/** Undefined query values (repeated parameters) dropped so zod sees only what was sent. */
function queryOf(req: HttpRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.query)) if (v !== undefined && v !== "") out[k] = v;
  return out;
}

function workspaceOf(value: string | undefined, principal: Principal): string {
  const w = value ?? (principal.kind === "api_key" ? principal.workspaceId : undefined);
  if (!w) {
    throw new HttpError(
      apiError(400, "bad_request", "workspace_id is required", [
        { path: "workspace_id", reason: "is required" },
      ]),
    );
  }
  return w;
}

function notFound(what: string): HttpError {
  return new HttpError(apiError(404, "not_found", what));
}

/** Builds the routes over the given run ports (tests pass in-memory ones). */
export function createRunRoutes(portsFor: (services: Services) => RunPorts | Promise<RunPorts>) {
  return (router: Router, services: Services): void => {
    let ports: Promise<RunPorts> | undefined;
    const getPorts = () => (ports ??= Promise.resolve(portsFor(services)));
    const authorized = async (req: HttpRequest, workspaceId: string | undefined) => {
      const principal = await requirePrincipal(req, services);
      const w = workspaceOf(workspaceId, principal);
      await requireWorkspace(principal, w, services);
      return { principal, workspaceId: w };
    };

    router.on("POST", "/v1/analysis/run", async (req) => {
      const principal = await requirePrincipal(req, services);
      const body = readJson(req, services.settings.CFAP_MAX_BODY_BYTES);
      const withWorkspace =
        body &&
        typeof body === "object" &&
        !Array.isArray(body) &&
        principal.kind === "api_key" &&
        !("workspace_id" in body)
          ? { ...body, workspace_id: principal.workspaceId }
          : body;
      const runReq = validate(runRequestSchema, withWorkspace, "run request");
      await requireWorkspace(principal, runReq.workspace_id, services);
      const { job, created } = await requestRun(runReq, principal, runDepsOf(services, await getPorts()));
      return {
        status: 202,
        body: job,
        headers: {
          location: `/v1/jobs/${encodeURIComponent(job.job_id)}?workspace_id=${encodeURIComponent(job.workspace_id)}`,
          ...(created ? {} : { "idempotent-replayed": "true" }),
        },
      };
    });

    router.on("POST", "/v1/analysis/:job/cancel", async (req, { job: jobId }) => {
      const body = req.rawBody.length > 0 ? readJson(req, services.settings.CFAP_MAX_BODY_BYTES) : {};
      const fromBody = validate(workspaceOnlySchema, body ?? {}, "request").workspace_id;
      const fromQuery = validate(workspaceOnlySchema, queryOf(req), "query").workspace_id;
      const { workspaceId } = await authorized(req, fromBody ?? fromQuery);
      const p = await getPorts();
      const outcome = await p.jobs.cancel(workspaceId, jobId);
      switch (outcome.kind) {
        case "missing":
          throw notFound(`job ${jobId} does not exist in workspace ${workspaceId}`);
        case "terminal":
          if (outcome.job.status === "cancelled") return { status: 200, body: outcome.job };
          return apiError(
            409,
            "conflict",
            `job ${jobId} already ${outcome.job.status}; it cannot be cancelled`,
          );
        case "cancelled":
          services.log.info("job cancelled", { job_id: jobId, workspace_id: workspaceId });
          try {
            await mirrorStatus(await services.warehouse(), outcome.job);
          } catch (err) {
            services.log.warn("job_status mirror write failed", { job_id: jobId, err: String(err) });
          }
          return { status: 200, body: outcome.job };
        case "requested":
          services.log.info("job cancel requested", { job_id: jobId, workspace_id: workspaceId });
          return { status: 202, body: outcome.job };
      }
    });

    router.on("POST", "/v1/analysis/:job/rerun", async (req, { job: jobId }) => {
      const principal = await requirePrincipal(req, services);
      const body = validate(
        rerunBodySchema,
        req.rawBody.length > 0 ? readJson(req, services.settings.CFAP_MAX_BODY_BYTES) : {},
      );
      const workspaceId = workspaceOf(body.workspace_id ?? queryOf(req).workspace_id, principal);
      await requireWorkspace(principal, workspaceId, services);
      const p = await getPorts();
      const saved = await p.jobs.get(workspaceId, jobId);
      if (!saved) throw notFound(`job ${jobId} does not exist in workspace ${workspaceId}`);
      const taskId = body.idempotency_key
        ? "rerun-" +
          createHash("sha256")
            .update(`${workspaceId}\n${jobId}\n${body.idempotency_key}`)
            .digest("hex")
            .slice(0, 40)
        : undefined;
      const at = body.at ?? new Date(p.now().getTime() + (body.delay_seconds ?? 0) * 1000);
      await p.reruns.schedule(
        {
          v: 1,
          workspace_id: workspaceId,
          from_job_id: jobId,
          requested_by: principalLabel(principal),
          ...(taskId ? { idempotency_key: taskId } : {}),
        },
        { at, ...(taskId ? { id: taskId } : {}) },
      );
      return {
        status: 202,
        body: { scheduled: true, from_job_id: jobId, workspace_id: workspaceId, at: at.toISOString() },
      };
    });

    router.on("GET", "/v1/jobs/:job", async (req, { job: jobId }) => {
      const q = validate(workspaceOnlySchema, queryOf(req), "query");
      const { workspaceId } = await authorized(req, q.workspace_id);
      const job = await (await getPorts()).jobs.get(workspaceId, jobId);
      if (!job) throw notFound(`job ${jobId} does not exist in workspace ${workspaceId}`);
      return { status: 200, body: job };
    });

    router.on("GET", "/v1/jobs", async (req) => {
      const q = validate(jobsQuerySchema, queryOf(req), "query");
      const { workspaceId } = await authorized(req, q.workspace_id);
      const jobs = await (
        await getPorts()
      ).jobs.list(workspaceId, { model: q.model, status: q.status, limit: q.limit });
      return { status: 200, body: { jobs } };
    });

    router.on("GET", "/v1/results", async (req) => {
      const q = validate(resultsQuerySchema, queryOf(req), "query");
      const { workspaceId } = await authorized(req, q.workspace_id);
      const results = await readResults(await services.warehouse(), {
        workspaceId,
        model: q.model,
        campaign: q.campaign,
        jobId: q.job_id,
        since: q.since,
        until: q.until,
        limit: q.limit,
      });
      return { status: 200, body: { results } };
    });

    router.on("GET", "/v1/results/health", async (req) => {
      const q = validate(healthQuerySchema, queryOf(req), "query");
      const { workspaceId } = await authorized(req, q.workspace_id);
      const counts = await statusCounts(await services.warehouse(), workspaceId, q.since, q.model);
      return {
        status: 200,
        body: {
          workspace_id: workspaceId,
          since: q.since?.toISOString() ?? null,
          model: q.model ?? null,
          counts,
        },
      };
    });

    router.on("GET", "/v1/models", async (req) => {
      await requirePrincipal(req, services);
      const models = (await getPorts()).registry.list().map(modelInfo);
      return { status: 200, body: { models } };
    });
  };
}

/** The deployed routes: Firestore / Pub/Sub / Cloud Tasks ports, loaded on first use. */
export const runRoutes = createRunRoutes(async (services) => {
  const { firebaseRunPorts } = await import("../platform/firebase-run-services");
  return firebaseRunPorts(services);
});
