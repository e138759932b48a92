import type { Firestore } from "firebase-admin/firestore";
import type { ApiKeyRecord, ApiKeyStore } from "../../auth/ports";
import { paths } from "./paths";

/** Keys by hash (server-only collection) plus a listing copy under the workspace, written in one batch. */
export class FirestoreApiKeyStore implements ApiKeyStore {
  constructor(private readonly db: Firestore) {}

  async findByHash(hash: string): Promise<ApiKeyRecord | null> {
    const snap = await this.db.doc(paths.apiKeyByHash(hash)).get();
    return snap.exists ? (snap.data() as ApiKeyRecord) : null;
  }

  async create(hash: string, record: ApiKeyRecord): Promise<void> {
    const batch = this.db.batch();
    batch.create(this.db.doc(paths.apiKeyByHash(hash)), { ...record, hash });
    // The listing copy members can read holds no hash: the hash stays in the server-only collection.
    batch.create(this.db.doc(paths.workspaceApiKey(record.workspace_id, record.key_id)), record);
    await batch.commit();
  }

  async revoke(workspaceId: string, keyId: string, at: string): Promise<boolean> {
    const byHash = this.db
      .collection("api_keys")
      .where("workspace_id", "==", workspaceId)
      .where("key_id", "==", keyId)
      .limit(1);
    return this.db.runTransaction(async (tx) => {
      const listing = await tx.get(this.db.doc(paths.workspaceApiKey(workspaceId, keyId)));
      const found = await tx.get(byHash);
      if (!listing.exists || found.empty) return false;
      tx.update(listing.ref, { revoked_at: at });
      tx.update(found.docs[0].ref, { revoked_at: at });
      return true;
    });
  }

  async list(workspaceId: string): Promise<ApiKeyRecord[]> {
    const snap = await this.db
      .collection(paths.workspaceApiKeys(workspaceId))
      .orderBy("created_at", "desc")
      .get();
    return snap.docs.map((d) => d.data() as ApiKeyRecord);
  }
}
