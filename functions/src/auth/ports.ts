/** What authentication needs from the platform: token verification and two Firestore lookups. */
export interface VerifiedUser {
  uid: string;
  email: string | null;
}

export interface IdentityVerifier {
  /** Resolves the user of a Firebase ID token, or null when the token is invalid or expired. */
  verifyIdToken(token: string): Promise<VerifiedUser | null>;
}

export interface ApiKeyRecord {
  key_id: string;
  workspace_id: string;
  name: string;
  prefix: string;
  created_at: string;
  created_by: string | null;
  revoked_at: string | null;
}

export interface ApiKeyStore {
  findByHash(hash: string): Promise<ApiKeyRecord | null>;
  create(hash: string, record: ApiKeyRecord): Promise<void>;
  revoke(workspaceId: string, keyId: string, at: string): Promise<boolean>;
  list(workspaceId: string): Promise<ApiKeyRecord[]>;
}

export interface WorkspaceDirectory {
  workspaceExists(workspaceId: string): Promise<boolean>;
  isMember(workspaceId: string, uid: string): Promise<boolean>;
}
