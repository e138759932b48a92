import { getApp, getApps, initializeApp, type FirebaseApp, type FirebaseOptions } from "firebase/app";
import { connectAuthEmulator, getAuth, type Auth } from "firebase/auth";
import { connectFirestoreEmulator, getFirestore, type Firestore } from "firebase/firestore";
import { connectStorageEmulator, getStorage, type FirebaseStorage } from "firebase/storage";

/** Project id the emulators run under (see .firebaserc / emulators/). */
export const DEMO_PROJECT_ID = "demo-cfap";

/**
 * Local mode: the dev server, or the page served from localhost (the Hosting emulator on :5002).
 * VITE_USE_EMULATORS=1/0 overrides the guess either way.
 */
export function isEmulatorMode(
  hostname: string = typeof location === "undefined" ? "" : location.hostname,
  env: Pick<ImportMetaEnv, "DEV" | "VITE_USE_EMULATORS"> = import.meta.env,
): boolean {
  if (env.VITE_USE_EMULATORS === "1") return true;
  if (env.VITE_USE_EMULATORS === "0") return false;
  return env.DEV || hostname === "localhost" || hostname === "127.0.0.1" || hostname === "[::1]";
}

function firebaseOptions(emulated: boolean): FirebaseOptions {
  const env = import.meta.env;
  if (emulated) {
    return {
      apiKey: "demo-key",
      authDomain: `${DEMO_PROJECT_ID}.firebaseapp.com`,
      projectId: DEMO_PROJECT_ID,
      storageBucket: `${DEMO_PROJECT_ID}.appspot.com`,
      appId: "demo-app",
    };
  }
  return {
    apiKey: env.VITE_FIREBASE_API_KEY,
    authDomain: env.VITE_FIREBASE_AUTH_DOMAIN,
    projectId: env.VITE_FIREBASE_PROJECT_ID,
    storageBucket: env.VITE_FIREBASE_STORAGE_BUCKET,
    appId: env.VITE_FIREBASE_APP_ID,
    messagingSenderId: env.VITE_FIREBASE_MESSAGING_SENDER_ID,
  };
}

export interface FirebaseHandles {
  app: FirebaseApp;
  auth: Auth;
  db: Firestore;
  storage: FirebaseStorage;
  emulated: boolean;
}

let handles: FirebaseHandles | null = null;

/** Initialises the Firebase web SDK once, connected to the emulators in local mode. */
export function firebase(): FirebaseHandles {
  if (handles) return handles;
  const emulated = isEmulatorMode();
  const app = getApps().length ? getApp() : initializeApp(firebaseOptions(emulated));
  const auth = getAuth(app);
  const db = getFirestore(app);
  const storage = getStorage(app);
  if (emulated) {
    connectAuthEmulator(auth, "http://127.0.0.1:9099", { disableWarnings: true });
    connectFirestoreEmulator(db, "127.0.0.1", 8080);
    connectStorageEmulator(storage, "127.0.0.1", 9199);
  }
  handles = { app, auth, db, storage, emulated };
  return handles;
}
