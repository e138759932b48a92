import type { Firestore } from "firebase-admin/firestore";
import type { WorkspaceDirectory } from "../../auth/ports";
import { paths } from "./paths";

/** Membership lookups, cached briefly: they sit on every request's path. */
export class FirestoreWorkspaceDirectory implements WorkspaceDirectory {
  private readonly cache = new Map<string, { value: boolean; until: number }>();
  constructor(
    private readonly db: Firestore,
    private readonly ttlMs = 30_000,
  ) {}

  private async cached(key: string, load: () => Promise<boolean>): Promise<boolean> {
    const hit = this.cache.get(key);
    if (hit && hit.until > Date.now()) return hit.value;
    const value = await load();
    // Only positive answers are cached, so a newly created workspace or membership works at once.
    if (value) this.cache.set(key, { value, until: Date.now() + this.ttlMs });
    return value;
  }

  workspaceExists(workspaceId: string): Promise<boolean> {
    return this.cached(
      `w:${workspaceId}`,
      async () => (await this.db.doc(paths.workspace(workspaceId)).get()).exists,
    );
  }

  isMember(workspaceId: string, uid: string): Promise<boolean> {
    return this.cached(
      `m:${workspaceId}:${uid}`,
      async () => (await this.db.doc(paths.member(workspaceId, uid)).get()).exists,
    );
  }
}
