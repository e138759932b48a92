import type { CloudEvent } from "firebase-functions/v2";
import type { MessagePublishedData } from "firebase-functions/v2/pubsub";
import type { Request } from "firebase-functions/v2/tasks";
import { models } from "../models/all-models";
import { codeVersion, registerModels } from "../models/registry";
import { firebaseRunDeps } from "../platform/firebase-run-services";
import { firebaseServices } from "../platform/firebase-services";
import { PermanentRerunError, runRerunTask } from "../runs/rerun";
import { executeJob } from "../runs/worker";

let registered: Promise<void> | undefined;

/** Once per instance (cold start): record the deployed models in `causal_model_registry`. */
function registerOnColdStart(): Promise<void> {
  registered ??= (async () => {
    const services = firebaseServices();
    try {
      const outcome = await registerModels(await services.warehouse(), codeVersion(), models);
      services.log.info("models registered", { ...outcome, code_version: codeVersion() });
    } catch (err) {
      registered = undefined; // try again on the next message
      services.log.warn("model registration failed", { err: String(err) });
    }
  })();
  return registered;
}

/** Thrown so Pub/Sub redelivers the message (retry is on for the worker). */
export class RedeliverError extends Error {
  override name = "RedeliverError";
}

/**
 * Runs topic → worker. Throwing makes Pub/Sub redeliver: after a warehouse error (the lease was released
 * and the next delivery re-claims with attempt + 1), and while another worker holds a live lease (if that
 * worker dies, a redelivery after its lease expires takes the job over instead of leaving it running).
 */
export async function handleRunMessage(event: CloudEvent<MessagePublishedData>): Promise<void> {
  const services = firebaseServices();
  await registerOnColdStart();
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(event.data.message.data, "base64").toString("utf8"));
  } catch {
    services.log.error("run message is not JSON; dropped", { message_id: event.data.message.messageId });
    return;
  }
  const outcome = await executeJob(json, firebaseRunDeps());
  if (outcome.kind === "retry")
    throw new RedeliverError(`job ${outcome.job.job_id}: retrying after: ${outcome.reason}`);
  if (outcome.kind === "busy") {
    throw new RedeliverError(`job ${outcome.job.job_id} is held by another worker; checking again later`);
  }
}

/** `scheduledRerun` task queue → a new job for a saved analysis, dispatched to the worker. */
export async function handleRunTask(req: Request<unknown>): Promise<void> {
  const services = firebaseServices();
  try {
    const { job, created } = await runRerunTask(req.data, req.id, firebaseRunDeps());
    services.log.info("scheduled re-run", {
      job_id: job.job_id,
      created,
      task_id: req.id,
      retry: req.retryCount,
    });
  } catch (err) {
    if (err instanceof PermanentRerunError) {
      services.log.error("re-run task dropped", { task_id: req.id, err: err.message });
      return; // a 2xx: Cloud Tasks does not retry a task that can never succeed
    }
    throw err; // Cloud Tasks retries with back-off
  }
}
