import { acceptIngestRequest } from "../../ingestion/accept-request";
import type { Services } from "../../services";
import { readJson } from "../body";
import { apiError } from "../errors";
import type { Router } from "../router";
import { requirePrincipal } from "./principal";

/** POST /v1/events — one event, an array, or { workspace_id?, events }. 202 with per-event rejections. */
export function eventRoutes(router: Router, services: Services): void {
  router.on("POST", "/v1/events", async (req) => {
    const principal = await requirePrincipal(req, services);
    const body = readJson(req, services.settings.CFAP_MAX_BODY_BYTES);
    const requestId = req.headers["x-request-id"]?.slice(0, 100) || undefined;
    const outcome = await acceptIngestRequest(body, principal, "http", services, requestId);
    if (outcome.ok) return { status: 202, body: outcome.response };
    const { status, code, message, issues } = outcome.failure;
    const response = apiError(status, code, message, issues);
    return status === 503 ? { ...response, headers: { "retry-after": "5" } } : response;
  });
}
