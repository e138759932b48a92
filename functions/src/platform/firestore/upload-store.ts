import type { Firestore } from "firebase-admin/firestore";
import type { UploadRecord, UploadStore } from "../../ingestion/uploads/ports";
import { paths } from "./paths";

export class FirestoreUploadStore implements UploadStore {
  constructor(private readonly db: Firestore) {}

  async begin(record: UploadRecord): Promise<boolean> {
    const ref = this.db.doc(paths.upload(record.workspace_id, record.upload_id));
    return this.db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      if (snap.exists && snap.get("status") === "succeeded") return false;
      tx.set(ref, record);
      return true;
    });
  }

  async update(workspaceId: string, uploadId: string, patch: Partial<UploadRecord>): Promise<void> {
    await this.db.doc(paths.upload(workspaceId, uploadId)).set(patch, { merge: true });
  }
}
