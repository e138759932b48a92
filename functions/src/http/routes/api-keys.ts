import { generateApiKey } from "../../auth/api-keys";
import { principalLabel } from "../../auth/authenticate";
import { createApiKeyRequestSchema } from "../../contracts/api";
import type { Services } from "../../services";
import { readJson, validate } from "../body";
import { apiError } from "../errors";
import type { Router } from "../router";
import { requirePrincipal, requireWorkspace } from "./principal";

/** API key management: only signed-in members (not other API keys) may create, list or revoke keys. */
export function apiKeyRoutes(router: Router, services: Services): void {
  router.on("POST", "/v1/api-keys", async (req) => {
    const principal = await requirePrincipal(req, services);
    if (principal.kind !== "user")
      return apiError(403, "forbidden", "API keys cannot create API keys; sign in");
    const body = validate(createApiKeyRequestSchema, readJson(req, 16_384));
    await requireWorkspace(principal, body.workspace_id, services);
    const { key, hash, record } = generateApiKey(body.workspace_id, body.name, principalLabel(principal));
    await services.apiKeys.create(hash, record);
    return {
      status: 201,
      body: { key_id: record.key_id, api_key: key, name: record.name, prefix: record.prefix },
    };
  });

  router.on("GET", "/v1/api-keys", async (req) => {
    const principal = await requirePrincipal(req, services);
    const workspaceId = req.query.workspace_id;
    if (!workspaceId) return apiError(400, "bad_request", "workspace_id query parameter is required");
    if (principal.kind !== "user") return apiError(403, "forbidden", "sign in to manage API keys");
    await requireWorkspace(principal, workspaceId, services);
    return { status: 200, body: { api_keys: await services.apiKeys.list(workspaceId) } };
  });

  router.on("DELETE", "/v1/api-keys/:keyId", async (req, params) => {
    const principal = await requirePrincipal(req, services);
    const workspaceId = req.query.workspace_id;
    if (!workspaceId) return apiError(400, "bad_request", "workspace_id query parameter is required");
    if (principal.kind !== "user") return apiError(403, "forbidden", "sign in to manage API keys");
    await requireWorkspace(principal, workspaceId, services);
    const ok = await services.apiKeys.revoke(workspaceId, params.keyId, new Date().toISOString());
    return ok
      ? { status: 200, body: { revoked: params.keyId } }
      : apiError(404, "not_found", `no API key ${params.keyId}`);
  });
}
