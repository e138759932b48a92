import {
  apiErrorSchema,
  type ApiErrorCode,
  type Job,
  type ModelInfo,
  type ResultEnvelope,
} from "@cfap/contracts";

export interface ApiIssue {
  path: string | null;
  reason: string;
}

/** A non-2xx answer from /v1, with the typed error body when the server sent one. */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode | "network" | "unknown",
    message: string,
    readonly issues: ApiIssue[] = [],
  ) {
    super(message);
    this.name = "ApiRequestError";
  }
}

export type TokenSource = () => Promise<string | null>;

export interface ApiClientOptions {
  getToken: TokenSource;
  baseUrl?: string;
  fetchImpl?: typeof fetch;
}

/** GET /v1/events/summary (functions/src/ingestion/reporting.ts). */
export interface EventsSummary {
  workspace_id: string;
  days: Array<{ day: string; event_name: string; events: number }>;
  by_name: Array<{ event_name: string; events: number }>;
  total: number;
  first_ts: string | null;
  last_ts: string | null;
  last_received_at: string | null;
}

export interface RejectionRow {
  row_index: number;
  source_id?: string;
  field_path: string | null;
  reason: string;
  ingest_path: string;
  rejected_at: string;
  raw: string | null;
}

export interface ApiKeyInfo {
  key_id: string;
  name: string;
  prefix: string;
  created_at: string;
  created_by?: string | null;
  revoked_at: string | null;
}

export interface CreatedApiKey {
  key_id: string;
  api_key: string;
  name: string;
  prefix: string;
}

export interface UploadTicket {
  upload_url: string;
  method: "PUT";
  object_path: string;
  headers: Record<string, string>;
  expires_at: string;
}

/** Thin typed client over the `/v1` HTTP API; every call carries the Firebase ID token. */
export class ApiClient {
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly opts: ApiClientOptions) {
    this.baseUrl = opts.baseUrl ?? "/v1";
    this.fetchImpl = opts.fetchImpl ?? ((...args) => fetch(...args));
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const token = await this.opts.getToken();
    const headers: Record<string, string> = { Accept: "application/json" };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let res: Response;
    try {
      res = await this.fetchImpl(this.baseUrl + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new ApiRequestError(0, "network", `Could not reach the API: ${(err as Error).message}`);
    }
    const text = await res.text();
    let json: unknown = null;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        json = null;
      }
    }
    if (!res.ok) {
      const parsed = apiErrorSchema.safeParse(json);
      if (parsed.success) {
        const e = parsed.data.error;
        throw new ApiRequestError(res.status, e.code, e.message, e.issues ?? []);
      }
      throw new ApiRequestError(
        res.status,
        "unknown",
        `The API answered ${res.status} ${res.statusText}`.trim(),
      );
    }
    return json as T;
  }

  models() {
    return this.request<{ models: ModelInfo[] }>("GET", "/models");
  }
  runAnalysis(body: { workspace_id: string; model_name: string; params: unknown; idempotency_key?: string }) {
    return this.request<Job>("POST", "/analysis/run", body);
  }
  cancel(workspaceId: string, jobId: string) {
    return this.request<Job>("POST", `/analysis/${encodeURIComponent(jobId)}/cancel`, {
      workspace_id: workspaceId,
    });
  }
  job(workspaceId: string, jobId: string) {
    return this.request<Job>(
      "GET",
      `/jobs/${encodeURIComponent(jobId)}?${qs({ workspace_id: workspaceId })}`,
    );
  }
  results(workspaceId: string, jobId: string) {
    return this.request<{ results: ResultEnvelope[] }>(
      "GET",
      `/results?${qs({ workspace_id: workspaceId, job_id: jobId })}`,
    );
  }
  eventsSummary(workspaceId: string, days = 30) {
    return this.request<EventsSummary>(
      "GET",
      `/events/summary?${qs({ workspace_id: workspaceId, days: String(days) })}`,
    );
  }
  rejections(workspaceId: string) {
    return this.request<{ rows: RejectionRow[] }>("GET", `/rejections?${qs({ workspace_id: workspaceId })}`);
  }
  apiKeys(workspaceId: string) {
    return this.request<{ api_keys: ApiKeyInfo[] }>("GET", `/api-keys?${qs({ workspace_id: workspaceId })}`);
  }
  createApiKey(workspaceId: string, name: string) {
    return this.request<CreatedApiKey>("POST", "/api-keys", { workspace_id: workspaceId, name });
  }
  revokeApiKey(workspaceId: string, keyId: string) {
    return this.request<{ revoked: string }>(
      "DELETE",
      `/api-keys/${encodeURIComponent(keyId)}?${qs({ workspace_id: workspaceId })}`,
    );
  }
  uploadUrl(workspaceId: string, filename: string, contentType?: string) {
    return this.request<UploadTicket>("POST", "/uploads", {
      workspace_id: workspaceId,
      filename,
      ...(contentType ? { content_type: contentType } : {}),
    });
  }
}

function qs(params: Record<string, string>): string {
  return new URLSearchParams(params).toString();
}

/** A sentence for any error thrown by the API client or elsewhere. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiRequestError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
