import { settings } from "../config/settings";
import { consoleLogger, timeWindowOf, type Services } from "../services";
import { openWarehouse } from "../warehouse/open-warehouse";
import type { Warehouse } from "../warehouse/warehouse";
import { FirebaseIdentityVerifier } from "./auth/firebase-identity";
import { firestore } from "./firestore/db";
import { FirestoreApiKeyStore } from "./firestore/api-key-store";
import { FirestoreUploadStore } from "./firestore/upload-store";
import { FirestoreWorkspaceDirectory } from "./firestore/workspace-directory";
import { PubSubEventPublisher } from "./pubsub/event-publisher";
import { CloudStorageObjectStore, CloudStorageUploadUrlSigner } from "./storage/object-store";
import { loadEnrichers } from "./firestore/enrichers";

let services: Services | undefined;

/** The composition root for deployed (and emulated) functions: one instance per process. */
export function firebaseServices(): Services {
  if (services) return services;
  const s = settings();
  const db = firestore();
  const apiKeys = new FirestoreApiKeyStore(db);
  const workspaces = new FirestoreWorkspaceDirectory(db);
  let warehouse: Promise<Warehouse> | undefined;
  services = {
    settings: s,
    log: consoleLogger,
    timeWindow: timeWindowOf(s),
    auth: { identity: new FirebaseIdentityVerifier(), apiKeys, workspaces },
    apiKeys,
    publisher: new PubSubEventPublisher(s.CFAP_PROJECT_ID, s.CFAP_EVENTS_TOPIC),
    enrichersFor: (w) => loadEnrichers(db, w),
    warehouse: () => (warehouse ??= openWarehouse(s)),
    uploads: new FirestoreUploadStore(db),
    uploadUrls: new CloudStorageUploadUrlSigner(s.CFAP_BUCKET),
    objects: new CloudStorageObjectStore(s.CFAP_BUCKET),
  };
  return services;
}
