/**
 * Cloud Functions entry point: wires triggers to handlers, nothing else.
 * Settings are validated here, at load time, so a bad setting fails deployment / emulator start-up
 * with the variable's name instead of failing the first request.
 */
import { onRequest, onCall } from "firebase-functions/v2/https";
import { onMessagePublished } from "firebase-functions/v2/pubsub";
import { onObjectFinalized } from "firebase-functions/v2/storage";
import { onTaskDispatched } from "firebase-functions/v2/tasks";
import { settings } from "./config/settings";
import { handleHttp } from "./triggers/http-api";
import { handleIngestCallable } from "./triggers/callable-ingest";
import { handleEventBatch } from "./triggers/pubsub-event-writer";
import { handleObjectFinalized } from "./triggers/storage-drop";
import { handleRunMessage, handleRunTask } from "./triggers/run-worker";
import { handleRunCallable } from "./triggers/callable-run";

const s = settings();
const region = s.CFAP_REGION;

export const api = onRequest({ region, cors: true, memory: "512MiB", timeoutSeconds: 60 }, handleHttp);

export const ingestEvents = onCall({ region, memory: "512MiB" }, handleIngestCallable);

export const writeEvents = onMessagePublished(
  { region, topic: s.CFAP_EVENTS_TOPIC, retry: true, memory: "1GiB", timeoutSeconds: 300 },
  handleEventBatch,
);

export const processDrop = onObjectFinalized(
  { region, bucket: s.CFAP_BUCKET, memory: "1GiB", timeoutSeconds: 540 },
  handleObjectFinalized,
);

export const runAnalysisWorker = onMessagePublished(
  { region, topic: s.CFAP_RUNS_TOPIC, retry: true, memory: "2GiB", timeoutSeconds: 540 },
  handleRunMessage,
);

export const scheduledRerun = onTaskDispatched(
  {
    region,
    retryConfig: { maxAttempts: 5, minBackoffSeconds: 30 },
    rateLimits: { maxConcurrentDispatches: 5 },
  },
  handleRunTask,
);

export const runAnalysis = onCall({ region, memory: "512MiB" }, handleRunCallable);
