import type { AuthDeps } from "./auth/authenticate";
import type { ApiKeyStore } from "./auth/ports";
import type { Settings } from "./config/settings";
import type { EventEnricher } from "./ingestion/enrichment";
import type { EventPublisher } from "./ingestion/ports";
import type { TimeWindow } from "./ingestion/timestamp";
import type { UploadStore, UploadUrlSigner, ObjectStore } from "./ingestion/uploads/ports";
import type { Warehouse } from "./warehouse/warehouse";

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * Everything a handler needs, as ports. `platform/firebase-services.ts` wires the Firebase / Google Cloud
 * adapters; tests and the CLI wire in-memory or embedded ones. Domain code never imports firebase-*.
 */
export interface Services {
  settings: Settings;
  log: Logger;
  timeWindow: TimeWindow;
  auth: AuthDeps;
  apiKeys: ApiKeyStore;
  publisher: EventPublisher;
  enrichersFor(workspaceId: string): Promise<readonly EventEnricher[]>;
  warehouse(): Promise<Warehouse>;
  uploads: UploadStore;
  uploadUrls: UploadUrlSigner;
  objects: ObjectStore;
}

export function timeWindowOf(s: Settings): TimeWindow {
  return {
    maxFutureSkewMs: s.CFAP_MAX_FUTURE_SKEW_SECONDS * 1000,
    maxAgeMs: s.CFAP_MAX_EVENT_AGE_DAYS * 86_400_000,
  };
}

export const consoleLogger: Logger = {
  info: (m, f) => console.log(JSON.stringify({ severity: "INFO", message: m, ...f })),
  warn: (m, f) => console.warn(JSON.stringify({ severity: "WARNING", message: m, ...f })),
  error: (m, f) => console.error(JSON.stringify({ severity: "ERROR", message: m, ...f })),
};
