import { randomUUID } from "node:crypto";
import { HttpsError, type CallableRequest } from "firebase-functions/v2/https";
import { authorizeWorkspace } from "../auth/authenticate";
import type { IngestResponse } from "../contracts/event";
import { ingestEvents } from "../ingestion/ingest-service";
import { PublishUnavailableError } from "../ingestion/ports";
import { parseIngestRequest, resolveWorkspace } from "../ingestion/request";
import { firebaseServices } from "../platform/firebase-services";

/** `ingestEvents` callable: the HTTP contract for client SDKs (Firebase Auth required). */
export async function handleIngestCallable(request: CallableRequest<unknown>): Promise<IngestResponse> {
  const services = firebaseServices();
  const s = services.settings;
  if (!request.auth) throw new HttpsError("unauthenticated", "sign in to send events");
  const parsed = parseIngestRequest(request.data);
  if (!parsed.ok) {
    throw new HttpsError("invalid-argument", `${parsed.path ?? "data"}: ${parsed.reason}`, {
      issues: [parsed],
    });
  }
  if (parsed.events.length === 0) throw new HttpsError("invalid-argument", "events is empty");
  if (parsed.events.length > s.CFAP_MAX_BATCH_EVENTS) {
    throw new HttpsError(
      "invalid-argument",
      `batch has ${parsed.events.length} events; the limit is ${s.CFAP_MAX_BATCH_EVENTS}`,
    );
  }
  const workspaceId = resolveWorkspace(parsed, null);
  if (!workspaceId)
    throw new HttpsError("invalid-argument", "workspace_id is required", {
      issues: [{ path: "workspace_id", reason: "is required" }],
    });
  const principal = {
    kind: "user" as const,
    uid: request.auth.uid,
    email: (request.auth.token.email as string | undefined) ?? null,
  };
  const denied = await authorizeWorkspace(principal, workspaceId, services.auth);
  if (denied) throw new HttpsError(denied.status === 404 ? "not-found" : "permission-denied", denied.message);
  const requestId = randomUUID();
  try {
    const { messages: _m, ...response } = await ingestEvents(
      parsed.events,
      {
        workspaceId,
        path: "callable",
        sourceId: `callable:${requestId}`,
        receivedAt: new Date(),
        window: services.timeWindow,
        enrichers: await services.enrichersFor(workspaceId),
      },
      services.publisher,
    );
    return { ...response, request_id: requestId };
  } catch (err) {
    if (err instanceof PublishUnavailableError)
      throw new HttpsError("unavailable", "events could not be queued; retry");
    throw err;
  }
}
