import { getAuth } from "firebase-admin/auth";
import type { IdentityVerifier, VerifiedUser } from "../../auth/ports";
import { adminApp } from "../firebase-app";

export class FirebaseIdentityVerifier implements IdentityVerifier {
  async verifyIdToken(token: string): Promise<VerifiedUser | null> {
    try {
      const decoded = await getAuth(adminApp()).verifyIdToken(token, true);
      return { uid: decoded.uid, email: decoded.email ?? null };
    } catch {
      return null;
    }
  }
}
