/** Framework-free HTTP shapes: handlers are plain functions, testable without Express or the emulator. */
export interface HttpRequest {
  method: string;
  /** Path without the function prefix, e.g. "/v1/events". */
  path: string;
  query: Record<string, string | undefined>;
  headers: Record<string, string | undefined>;
  rawBody: Buffer;
}

export interface HttpResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}
