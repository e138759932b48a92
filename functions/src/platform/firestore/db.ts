import { getFirestore, type Firestore } from "firebase-admin/firestore";
import { adminApp } from "../firebase-app";

let db: Firestore | undefined;
export function firestore(): Firestore {
  if (!db) {
    db = getFirestore(adminApp());
    db.settings({ ignoreUndefinedProperties: true });
  }
  return db;
}
