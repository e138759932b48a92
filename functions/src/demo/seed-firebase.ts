import { createHash } from "node:crypto";
import { getAuth } from "firebase-admin/auth";
import { adminApp } from "../platform/firebase-app";
import { firestore } from "../platform/firestore/db";
import { FirestoreApiKeyStore } from "../platform/firestore/api-key-store";
import { paths } from "../platform/firestore/paths";
import { hashApiKey } from "../auth/api-keys";

/** Demo accounts for the local stack (emulators only: these credentials are public). */
export const DEMO_USERS = [
  { email: "demo@cfap.dev", password: "demo-password", workspace: "demo", name: "Demo Shop" },
  { email: "other@cfap.dev", password: "other-password", workspace: "other", name: "Other Co" },
] as const;

/** A fixed local API key for the demo workspace, derived from its name, so the printed key stays valid. */
export function demoApiKey(workspace: string): string {
  return "cfap_" + createHash("sha256").update(`cfap-demo-key:${workspace}`).digest("base64url").slice(0, 32);
}

export async function seedFirebase(): Promise<
  Array<{ email: string; password: string; uid: string; workspace: string; api_key: string }>
> {
  if (!process.env.FIRESTORE_EMULATOR_HOST || !process.env.FIREBASE_AUTH_EMULATOR_HOST) {
    throw new Error(
      "seedFirebase only runs against the emulators (FIRESTORE_EMULATOR_HOST and FIREBASE_AUTH_EMULATOR_HOST)",
    );
  }
  const auth = getAuth(adminApp());
  const db = firestore();
  const keys = new FirestoreApiKeyStore(db);
  const out = [];
  for (const u of DEMO_USERS) {
    let uid: string;
    try {
      uid = (await auth.getUserByEmail(u.email)).uid;
    } catch {
      uid = (
        await auth.createUser({
          email: u.email,
          password: u.password,
          emailVerified: true,
          displayName: u.name,
        })
      ).uid;
    }
    const now = new Date().toISOString();
    await db.doc(paths.workspace(u.workspace)).set({ name: u.name, created_at: now }, { merge: true });
    await db
      .doc(paths.member(u.workspace, uid))
      .set({ role: "owner", email: u.email, added_at: now }, { merge: true });
    await db
      .doc(paths.user(uid))
      .set({ email: u.email, workspaces: [{ id: u.workspace, name: u.name }] }, { merge: true });
    const key = demoApiKey(u.workspace);
    const hash = hashApiKey(key);
    if (!(await keys.findByHash(hash))) {
      await keys.create(hash, {
        key_id: hash.slice(0, 16),
        workspace_id: u.workspace,
        name: "local demo key",
        prefix: key.slice(0, 9),
        created_at: now,
        created_by: "seed",
        revoked_at: null,
      });
    }
    out.push({ email: u.email, password: u.password, uid, workspace: u.workspace, api_key: key });
  }
  return out;
}
