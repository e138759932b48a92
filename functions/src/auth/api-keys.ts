import { createHash, randomBytes } from "node:crypto";
import type { ApiKeyRecord } from "./ports";

/**
 * Workspace API keys: `cfap_<24 random bytes, base64url>`. Only the SHA-256 of a key is stored (it is
 * the Firestore document id, so lookup is one read); the key itself is shown once at creation.
 * A fast hash is appropriate here because keys carry 192 bits of entropy, unlike passwords.
 */
export const API_KEY_PREFIX = "cfap_";
const KEY_PATTERN = /^cfap_[A-Za-z0-9_-]{32}$/;

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

export function looksLikeApiKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}

export function generateApiKey(
  workspaceId: string,
  name: string,
  createdBy: string | null,
  now = new Date(),
): { key: string; hash: string; record: ApiKeyRecord } {
  const key = API_KEY_PREFIX + randomBytes(24).toString("base64url");
  const hash = hashApiKey(key);
  return {
    key,
    hash,
    record: {
      key_id: hash.slice(0, 16),
      workspace_id: workspaceId,
      name,
      prefix: key.slice(0, 9),
      created_at: now.toISOString(),
      created_by: createdBy,
      revoked_at: null,
    },
  };
}
