import { authenticate, authorizeWorkspace, isAuthFailure, type Principal } from "../../auth/authenticate";
import type { Services } from "../../services";
import { apiError, HttpError } from "../errors";
import type { HttpRequest } from "../types";

export async function requirePrincipal(req: HttpRequest, services: Services): Promise<Principal> {
  const result = await authenticate(
    { authorization: req.headers["authorization"], apiKey: req.headers["x-api-key"] },
    services.auth,
  );
  if (isAuthFailure(result)) throw new HttpError(apiError(result.status, result.code, result.message));
  return result;
}

export async function requireWorkspace(
  principal: Principal,
  workspaceId: string,
  services: Services,
): Promise<void> {
  const denied = await authorizeWorkspace(principal, workspaceId, services.auth);
  if (denied) throw new HttpError(apiError(denied.status, denied.code, denied.message));
}
