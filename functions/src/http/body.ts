import type { z } from "zod";
import { allIssues } from "../ingestion/zod-issues";
import { apiError, HttpError } from "./errors";
import type { HttpRequest } from "./types";

/**
 * Parses the raw body ourselves (not the framework's parser) so oversize bodies get 413, malformed JSON a
 * 400 with the parser's position, and nothing is parsed before the size check.
 */
export function readJson(req: HttpRequest, maxBytes: number): unknown {
  const declared = Number(req.headers["content-length"] ?? NaN);
  if ((Number.isFinite(declared) && declared > maxBytes) || req.rawBody.length > maxBytes) {
    throw new HttpError(
      apiError(
        413,
        "payload_too_large",
        `request body is larger than ${maxBytes} bytes; send smaller batches`,
      ),
    );
  }
  if (req.rawBody.length === 0) throw new HttpError(apiError(400, "invalid_json", "request body is empty"));
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(req.rawBody);
  } catch {
    throw new HttpError(apiError(400, "invalid_json", "request body is not valid UTF-8"));
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new HttpError(apiError(400, "invalid_json", `malformed JSON: ${(err as Error).message}`));
  }
}

export function validate<S extends z.ZodType>(schema: S, value: unknown, what = "request"): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issues = allIssues(parsed.error);
    const first = issues[0];
    throw new HttpError(
      apiError(
        400,
        "bad_request",
        `invalid ${what}: ${first?.path ?? "(root)"}: ${first?.reason ?? "invalid"}`,
        issues,
      ),
    );
  }
  return parsed.data;
}
