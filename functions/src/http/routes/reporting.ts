import { eventsSummary, recentRejections } from "../../ingestion/reporting";
import type { Services } from "../../services";
import { apiError } from "../errors";
import type { Router } from "../router";
import { requirePrincipal, requireWorkspace } from "./principal";

/** Ingestion health: events per day by name, and recent rejected rows with reasons. */
export function reportingRoutes(router: Router, services: Services): void {
  router.on("GET", "/v1/events/summary", async (req) => {
    const principal = await requirePrincipal(req, services);
    const w = req.query.workspace_id;
    if (!w) return apiError(400, "bad_request", "workspace_id query parameter is required");
    await requireWorkspace(principal, w, services);
    const days = Math.min(Math.max(Number(req.query.days ?? 30) || 30, 1), 366);
    return { status: 200, body: await eventsSummary(await services.warehouse(), w, days) };
  });

  router.on("GET", "/v1/rejections", async (req) => {
    const principal = await requirePrincipal(req, services);
    const w = req.query.workspace_id;
    if (!w) return apiError(400, "bad_request", "workspace_id query parameter is required");
    await requireWorkspace(principal, w, services);
    const limit = Number(req.query.limit ?? 100) || 100;
    return { status: 200, body: { rows: await recentRejections(await services.warehouse(), w, limit) } };
  });
}
