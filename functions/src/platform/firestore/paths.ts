/**
 * Firestore layout (see firestore.rules):
 *   workspaces/{w}                      name, created_at
 *   workspaces/{w}/members/{uid}        role
 *   workspaces/{w}/jobs/{jobId}         live run status
 *   workspaces/{w}/uploads/{uploadId}   file drop progress
 *   workspaces/{w}/api_keys/{keyId}     key metadata (no secret, no hash) for listing
 *   workspaces/{w}/idempotency/{key}    run-request idempotency keys → job id
 *   api_keys/{sha256}                   key lookup by hash (server only)
 *   users/{uid}                         { workspaces: [...] } for the workspace switcher
 */
export const paths = {
  workspace: (w: string) => `workspaces/${w}`,
  member: (w: string, uid: string) => `workspaces/${w}/members/${uid}`,
  job: (w: string, job: string) => `workspaces/${w}/jobs/${job}`,
  jobs: (w: string) => `workspaces/${w}/jobs`,
  upload: (w: string, id: string) => `workspaces/${w}/uploads/${id}`,
  workspaceApiKey: (w: string, keyId: string) => `workspaces/${w}/api_keys/${keyId}`,
  workspaceApiKeys: (w: string) => `workspaces/${w}/api_keys`,
  idempotency: (w: string, key: string) => `workspaces/${w}/idempotency/${key}`,
  apiKeyByHash: (hash: string) => `api_keys/${hash}`,
  user: (uid: string) => `users/${uid}`,
};
