import type { ApiError, ApiErrorCode } from "../contracts/api";
import type { HttpResponse } from "./types";

export function apiError(
  status: number,
  code: ApiErrorCode,
  message: string,
  issues?: Array<{ path: string | null; reason: string }>,
): HttpResponse {
  const body: ApiError = { error: { code, message, ...(issues ? { issues } : {}) } };
  return { status, body };
}

export class HttpError extends Error {
  constructor(readonly response: HttpResponse) {
    super(JSON.stringify(response.body));
  }
}
