import { beforeAll, describe, expect, it } from "vitest";
import { seedFirebase } from "../../src/demo/seed-firebase";
import { firestore } from "../../src/platform/firestore/db";
import { firestoreGetAsUser, requireEmulators, signIn } from "../support/emulator-client";

let demo: string;
let other: string;

beforeAll(async () => {
  requireEmulators();
  await seedFirebase();
  await firestore().doc("workspaces/demo/jobs/rules-probe").set({ status: "queued" });
  await firestore().doc("workspaces/other/jobs/rules-probe").set({ status: "queued" });
  demo = await signIn("demo@cfap.dev", "demo-password");
  other = await signIn("other@cfap.dev", "other-password");
});

describe("Firestore rules (workspace membership)", () => {
  it("lets members read their workspace's jobs and nobody else's", async () => {
    expect(await firestoreGetAsUser("workspaces/demo/jobs/rules-probe", demo)).toBe(200);
    expect(await firestoreGetAsUser("workspaces/other/jobs/rules-probe", demo)).toBe(403);
    expect(await firestoreGetAsUser("workspaces/other/jobs/rules-probe", other)).toBe(200);
    expect(await firestoreGetAsUser("workspaces/demo/jobs/rules-probe", other)).toBe(403);
  });

  it("never exposes key hashes or idempotency records, even to members", async () => {
    const snap = await firestore().collection("api_keys").where("workspace_id", "==", "demo").limit(1).get();
    expect(snap.empty).toBe(false);
    expect(await firestoreGetAsUser(`api_keys/${snap.docs[0].id}`, demo)).toBe(403);
    expect(await firestoreGetAsUser("workspaces/demo/idempotency/x", demo)).toBe(403);
  });

  it("lets a user read only their own profile", async () => {
    const uid = JSON.parse(Buffer.from(demo.split(".")[1], "base64url").toString()).user_id as string;
    expect(await firestoreGetAsUser(`users/${uid}`, demo)).toBe(200);
    expect(await firestoreGetAsUser(`users/${uid}`, other)).toBe(403);
  });
});
