import { HttpsError, type CallableRequest, type FunctionsErrorCode } from "firebase-functions/v2/https";
import type { IngestResponse } from "../contracts/event";
import { acceptIngestRequest, type IngestRequestFailure } from "../ingestion/accept-request";
import { firebaseServices } from "../platform/firebase-services";

const CALLABLE_CODE: Record<IngestRequestFailure["status"], FunctionsErrorCode> = {
  400: "invalid-argument",
  401: "unauthenticated",
  403: "permission-denied",
  404: "not-found",
  413: "invalid-argument",
  503: "unavailable",
};

/** `ingestEvents` callable: the HTTP contract for client SDKs (Firebase Auth required). */
export async function handleIngestCallable(request: CallableRequest<unknown>): Promise<IngestResponse> {
  if (!request.auth) throw new HttpsError("unauthenticated", "sign in to send events");
  const principal = {
    kind: "user" as const,
    uid: request.auth.uid,
    email: (request.auth.token.email as string | undefined) ?? null,
  };
  const outcome = await acceptIngestRequest(request.data, principal, "callable", firebaseServices());
  if (outcome.ok) return outcome.response;
  const { status, message, issues } = outcome.failure;
  throw new HttpsError(CALLABLE_CODE[status], message, issues ? { issues } : undefined);
}
