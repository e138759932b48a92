import { WarehouseError } from "../warehouse";

/** Why a BigQuery call failed, for callers that react differently (e.g. HTTP 400 vs 503). */
export type BigQueryFailure =
  | "bytes_billed_limit"
  | "invalid_query"
  | "not_found"
  | "permission_denied"
  | "quota"
  | "unavailable"
  | "insert_rejected"
  | "invalid_row"
  | "unknown";

export class BigQueryWarehouseError extends WarehouseError {
  constructor(
    message: string,
    readonly failure: BigQueryFailure,
    cause?: unknown,
  ) {
    super(message, cause);
    this.name = "BigQueryWarehouseError";
  }
}

interface ApiErrorLike {
  code?: number;
  message?: string;
  errors?: { reason?: string; message?: string; location?: string }[];
}

function asApiError(err: unknown): ApiErrorLike {
  return typeof err === "object" && err !== null ? (err as ApiErrorLike) : { message: String(err) };
}

/** The first line of BigQuery's own message, without client-side stack or request dumps. */
function serverMessage(e: ApiErrorLike): string {
  const text = e.errors?.find((x) => x.message)?.message ?? e.message ?? "unknown error";
  return text.split("\n")[0].slice(0, 500);
}

/**
 * Maps a client error (common's ApiError: HTTP code + `errors[].reason`) to a WarehouseError whose
 * message is safe to show: what happened and what to do, never a stack trace. `what` names the
 * operation, e.g. `query did_cell_means` or `insert into standard_events`.
 */
export function mapBigQueryError(
  err: unknown,
  what: string,
  maxBytesBilled?: number,
): BigQueryWarehouseError {
  if (err instanceof BigQueryWarehouseError) return err;
  const e = asApiError(err);
  const reasons = new Set((e.errors ?? []).map((x) => x.reason).filter(Boolean));
  const msg = serverMessage(e);
  if (reasons.has("bytesBilledLimitExceeded") || /bytes billed/i.test(msg)) {
    const limit = maxBytesBilled ? ` (${formatBytes(maxBytesBilled)}, CFAP_BQ_MAX_BYTES_BILLED)` : "";
    return new BigQueryWarehouseError(
      `${what} was refused: it would scan more than the per-query byte limit${limit}. ` +
        `Narrow the date range or filters, or raise the limit.`,
      "bytes_billed_limit",
      err,
    );
  }
  if (reasons.has("invalidQuery")) {
    return new BigQueryWarehouseError(`${what} is not valid SQL: ${msg}`, "invalid_query", err);
  }
  if (e.code === 404 || reasons.has("notFound")) {
    return new BigQueryWarehouseError(
      `${what} failed: not found (${msg}). Has the schema been created (ensureSchema / terraform apply)?`,
      "not_found",
      err,
    );
  }
  if (
    reasons.has("quotaExceeded") ||
    reasons.has("rateLimitExceeded") ||
    reasons.has("userRateLimitExceeded") ||
    e.code === 429
  ) {
    return new BigQueryWarehouseError(
      `${what} failed: BigQuery quota or rate limit reached (${msg}). Retry later.`,
      "quota",
      err,
    );
  }
  if (e.code === 401 || e.code === 403 || reasons.has("accessDenied")) {
    return new BigQueryWarehouseError(
      `${what} failed: permission denied (${msg}). Check the service account's BigQuery roles.`,
      "permission_denied",
      err,
    );
  }
  if (e.code !== undefined && e.code >= 500) {
    return new BigQueryWarehouseError(
      `${what} failed: BigQuery is unavailable (${msg}). Retry later.`,
      "unavailable",
      err,
    );
  }
  if (e.code === 400) return new BigQueryWarehouseError(`${what} failed: ${msg}`, "invalid_query", err);
  return new BigQueryWarehouseError(`${what} failed: ${msg}`, "unknown", err);
}

function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[i]}`;
}
