import { HttpsError, type CallableRequest, type FunctionsErrorCode } from "firebase-functions/v2/https";
import { authorizeWorkspace, type Principal } from "../auth/authenticate";
import type { Job } from "../contracts/job";
import { runRequestSchema } from "../contracts/job";
import { HttpError } from "../http/errors";
import type { ApiError } from "../contracts/api";
import { allIssues } from "../ingestion/zod-issues";
import { firebaseRunDeps } from "../platform/firebase-run-services";
import { firebaseServices } from "../platform/firebase-services";
import { requestRun } from "../runs/run-service";

const CODES: Record<number, FunctionsErrorCode> = {
  400: "invalid-argument",
  401: "unauthenticated",
  403: "permission-denied",
  404: "not-found",
  409: "already-exists",
  503: "unavailable",
};

/** `runAnalysis` callable: the contract of `POST /v1/analysis/run` for signed-in web clients. */
export async function handleRunCallable(request: CallableRequest<unknown>): Promise<Job> {
  const services = firebaseServices();
  if (!request.auth) throw new HttpsError("unauthenticated", "sign in to run an analysis");
  const parsed = runRequestSchema.safeParse(request.data);
  if (!parsed.success) {
    const issues = allIssues(parsed.error);
    throw new HttpsError(
      "invalid-argument",
      `invalid run request: ${issues[0]?.path ?? "(root)"}: ${issues[0]?.reason}`,
      {
        issues,
      },
    );
  }
  const principal: Principal = {
    kind: "user",
    uid: request.auth.uid,
    email: (request.auth.token.email as string | undefined) ?? null,
  };
  const denied = await authorizeWorkspace(principal, parsed.data.workspace_id, services.auth);
  if (denied) throw new HttpsError(denied.status === 404 ? "not-found" : "permission-denied", denied.message);
  try {
    return (await requestRun(parsed.data, principal, firebaseRunDeps())).job;
  } catch (err) {
    if (err instanceof HttpError) {
      const body = err.response.body as ApiError;
      throw new HttpsError(CODES[err.response.status] ?? "internal", body.error.message, {
        code: body.error.code,
        ...(body.error.issues ? { issues: body.error.issues } : {}),
      });
    }
    throw err;
  }
}
