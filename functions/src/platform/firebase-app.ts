import { getApps, initializeApp, type App } from "firebase-admin/app";

/** The one Admin SDK app of this process (emulator hosts come from the environment the emulators set). */
export function adminApp(): App {
  return getApps()[0] ?? initializeApp();
}
