import { randomUUID } from "node:crypto";
import { authorizeWorkspace, type Principal } from "../auth/authenticate";
import type { ApiErrorCode } from "../contracts/api";
import type { IngestPath, IngestResponse } from "../contracts/event";
import type { Services } from "../services";
import { ingestEvents } from "./ingest-service";
import { PublishUnavailableError } from "./ports";
import { parseIngestRequest, resolveWorkspace } from "./request";

export interface IngestRequestFailure {
  status: 400 | 401 | 403 | 404 | 413 | 503;
  code: ApiErrorCode;
  message: string;
  issues?: Array<{ path: string | null; reason: string }>;
}

export type AcceptOutcome =
  { ok: true; response: IngestResponse } | { ok: false; failure: IngestRequestFailure };

const fail = (
  status: IngestRequestFailure["status"],
  code: ApiErrorCode,
  message: string,
  issues?: IngestRequestFailure["issues"],
): AcceptOutcome => ({ ok: false, failure: { status, code, message, ...(issues ? { issues } : {}) } });

/**
 * One ingestion request, whatever carried it (HTTP route or callable): body shape, batch limit,
 * workspace resolution and membership, then the shared validate → normalise → publish path. Transports
 * only translate the failure into their own error type.
 */
export async function acceptIngestRequest(
  body: unknown,
  principal: Principal,
  path: Extract<IngestPath, "http" | "callable">,
  services: Pick<Services, "settings" | "auth" | "timeWindow" | "enrichersFor" | "publisher" | "log">,
  requestId: string = randomUUID(),
): Promise<AcceptOutcome> {
  const limit = services.settings.CFAP_MAX_BATCH_EVENTS;
  const parsed = parseIngestRequest(body);
  if (!parsed.ok) return fail(400, "bad_request", `${parsed.path ?? "body"}: ${parsed.reason}`, [parsed]);
  if (parsed.events.length === 0) {
    return fail(400, "bad_request", "events is empty", [{ path: "events", reason: "is empty" }]);
  }
  if (parsed.events.length > limit) {
    return fail(
      413,
      "payload_too_large",
      `batch has ${parsed.events.length} events; the limit is ${limit} per request`,
    );
  }
  const workspaceId = resolveWorkspace(parsed, principal.kind === "api_key" ? principal.workspaceId : null);
  if (!workspaceId) {
    return fail(400, "bad_request", "workspace_id is required", [
      { path: "workspace_id", reason: "is required" },
    ]);
  }
  const denied = await authorizeWorkspace(principal, workspaceId, services.auth);
  if (denied) return fail(denied.status, denied.code, denied.message);
  try {
    const { messages: _messages, ...response } = await ingestEvents(
      parsed.events,
      {
        workspaceId,
        path,
        sourceId: `${path}:${requestId}`,
        receivedAt: new Date(),
        window: services.timeWindow,
        enrichers: await services.enrichersFor(workspaceId),
      },
      services.publisher,
    );
    return { ok: true, response: { ...response, request_id: requestId } };
  } catch (err) {
    if (err instanceof PublishUnavailableError) {
      services.log.error("publish failed", { err: err.message });
      return fail(503, "unavailable", "events could not be queued; retry the same request");
    }
    throw err;
  }
}
