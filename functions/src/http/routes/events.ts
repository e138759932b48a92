import { randomUUID } from "node:crypto";
import { ingestEvents } from "../../ingestion/ingest-service";
import { PublishUnavailableError } from "../../ingestion/ports";
import { parseIngestRequest, resolveWorkspace } from "../../ingestion/request";
import type { Services } from "../../services";
import { readJson } from "../body";
import { apiError } from "../errors";
import type { Router } from "../router";
import { requirePrincipal, requireWorkspace } from "./principal";

/** POST /v1/events — one event, an array, or { workspace_id?, events }. 202 with per-event rejections. */
export function eventRoutes(router: Router, services: Services): void {
  router.on("POST", "/v1/events", async (req) => {
    const s = services.settings;
    const principal = await requirePrincipal(req, services);
    const body = readJson(req, s.CFAP_MAX_BODY_BYTES);
    const parsed = parseIngestRequest(body);
    if (!parsed.ok)
      return apiError(400, "bad_request", `${parsed.path ?? "body"}: ${parsed.reason}`, [parsed]);
    if (parsed.events.length === 0)
      return apiError(400, "bad_request", "events is empty", [{ path: "events", reason: "is empty" }]);
    if (parsed.events.length > s.CFAP_MAX_BATCH_EVENTS) {
      return apiError(
        413,
        "payload_too_large",
        `batch has ${parsed.events.length} events; the limit is ${s.CFAP_MAX_BATCH_EVENTS} per request`,
      );
    }
    const workspaceId = resolveWorkspace(parsed, principal.kind === "api_key" ? principal.workspaceId : null);
    if (!workspaceId) {
      return apiError(400, "bad_request", "workspace_id is required", [
        { path: "workspace_id", reason: "is required" },
      ]);
    }
    await requireWorkspace(principal, workspaceId, services);
    const requestId = req.headers["x-request-id"]?.slice(0, 100) || randomUUID();
    try {
      const { messages: _messages, ...response } = await ingestEvents(
        parsed.events,
        {
          workspaceId,
          path: "http",
          sourceId: `http:${requestId}`,
          receivedAt: new Date(),
          window: services.timeWindow,
          enrichers: await services.enrichersFor(workspaceId),
        },
        services.publisher,
      );
      return { status: 202, body: { ...response, request_id: requestId } };
    } catch (err) {
      if (err instanceof PublishUnavailableError) {
        services.log.error("publish failed", { err: err.message });
        return {
          ...apiError(503, "unavailable", "events could not be queued; retry the same request"),
          headers: { "retry-after": "5" },
        };
      }
      throw err;
    }
  });
}
