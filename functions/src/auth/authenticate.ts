import { hashApiKey, looksLikeApiKey } from "./api-keys";
import type { ApiKeyStore, IdentityVerifier, WorkspaceDirectory } from "./ports";

/** Who is calling: a signed-in user (any of their workspaces) or an API key (exactly one workspace). */
export type Principal =
  | { kind: "user"; uid: string; email: string | null }
  | { kind: "api_key"; keyId: string; workspaceId: string };

export type AuthFailure = {
  status: 401 | 403 | 404;
  code: "unauthenticated" | "forbidden" | "not_found";
  message: string;
};

export interface AuthDeps {
  identity: IdentityVerifier;
  apiKeys: ApiKeyStore;
  workspaces: WorkspaceDirectory;
}

export async function authenticate(
  headers: { authorization?: string; apiKey?: string },
  deps: AuthDeps,
): Promise<Principal | AuthFailure> {
  if (headers.apiKey !== undefined) {
    const key = headers.apiKey.trim();
    if (!looksLikeApiKey(key))
      return { status: 401, code: "unauthenticated", message: "X-API-Key is not a CFAP API key" };
    const record = await deps.apiKeys.findByHash(hashApiKey(key));
    if (!record) return { status: 401, code: "unauthenticated", message: "unknown API key" };
    if (record.revoked_at)
      return { status: 401, code: "unauthenticated", message: `API key ${record.prefix}… was revoked` };
    return { kind: "api_key", keyId: record.key_id, workspaceId: record.workspace_id };
  }
  const auth = headers.authorization;
  if (auth) {
    const match = /^Bearer\s+(\S+)$/i.exec(auth.trim());
    if (!match)
      return {
        status: 401,
        code: "unauthenticated",
        message: "Authorization must be 'Bearer <Firebase ID token>'",
      };
    const user = await deps.identity.verifyIdToken(match[1]);
    if (!user) return { status: 401, code: "unauthenticated", message: "the ID token is invalid or expired" };
    return { kind: "user", uid: user.uid, email: user.email };
  }
  return {
    status: 401,
    code: "unauthenticated",
    message: "send a Firebase ID token (Authorization: Bearer …) or a workspace API key (X-API-Key)",
  };
}

/** May this principal act on this workspace? Unknown workspaces are 404 for members, 403 otherwise. */
export async function authorizeWorkspace(
  principal: Principal,
  workspaceId: string,
  deps: Pick<AuthDeps, "workspaces">,
): Promise<AuthFailure | null> {
  if (principal.kind === "api_key") {
    return principal.workspaceId === workspaceId
      ? null
      : {
          status: 403,
          code: "forbidden",
          message: `this API key belongs to another workspace, not ${workspaceId}`,
        };
  }
  if (!(await deps.workspaces.workspaceExists(workspaceId))) {
    return { status: 404, code: "not_found", message: `workspace ${workspaceId} does not exist` };
  }
  if (!(await deps.workspaces.isMember(workspaceId, principal.uid))) {
    return { status: 403, code: "forbidden", message: `you are not a member of workspace ${workspaceId}` };
  }
  return null;
}

export function isAuthFailure(x: Principal | AuthFailure | null): x is AuthFailure {
  return x !== null && "status" in x;
}

export function principalLabel(p: Principal): string {
  return p.kind === "user" ? (p.email ?? p.uid) : `api_key:${p.keyId}`;
}
