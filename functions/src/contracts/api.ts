import { z } from "zod";

/** Every non-2xx API answer has this body: a code, a human message, and field-level issues when relevant. */
export const apiErrorSchema = z.object({
  error: z.object({
    code: z.enum([
      "bad_request",
      "invalid_json",
      "unauthenticated",
      "forbidden",
      "not_found",
      "payload_too_large",
      "conflict",
      "unavailable",
      "internal",
    ]),
    message: z.string(),
    issues: z.array(z.object({ path: z.string().nullable(), reason: z.string() })).optional(),
  }),
});
export type ApiError = z.infer<typeof apiErrorSchema>;
export type ApiErrorCode = ApiError["error"]["code"];

/** `GET /v1/models`: the registry, with each model's params as JSON Schema (the web app builds forms from it). */
export const modelInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  description: z.string(),
  params_schema: z.record(z.string(), z.unknown()),
  params_schema_hash: z.string(),
});
export type ModelInfo = z.infer<typeof modelInfoSchema>;

export const createApiKeyRequestSchema = z.object({
  workspace_id: z.string(),
  name: z.string().min(1).max(100),
});
export const createApiKeyResponseSchema = z.object({
  key_id: z.string(),
  /** Shown once; only its hash is stored. */
  api_key: z.string(),
  name: z.string(),
  prefix: z.string(),
});

export const uploadUrlRequestSchema = z.object({
  workspace_id: z.string(),
  filename: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[A-Za-z0-9._-]+$/, "letters, digits, '.', '_' or '-' only")
    .refine(
      (n) => /\.(csv|ndjson|jsonl)(\.gz)?$/i.test(n),
      "must end in .csv, .ndjson or .jsonl (optionally .gz)",
    ),
  content_type: z.string().optional(),
});
export const uploadUrlResponseSchema = z.object({
  upload_url: z.string(),
  method: z.literal("PUT"),
  object_path: z.string(),
  headers: z.record(z.string(), z.string()),
  expires_at: z.string(),
});
