import { registry } from "../models/all-models";
import type { RunPorts } from "../runs/run-service";
import { runConfigOf, runDepsOf } from "../runs/run-service";
import type { WorkerDeps } from "../runs/worker";
import type { Services } from "../services";
import { firebaseServices } from "./firebase-services";
import { firestore } from "./firestore/db";
import { FirestoreJobStore } from "./firestore/job-store";
import { PubSubRunDispatcher } from "./pubsub/run-dispatcher";
import { TaskQueueRerunScheduler } from "./tasks/rerun-scheduler";

let ports: RunPorts | undefined;

/** The run ports of deployed (and emulated) functions: Firestore jobs, Pub/Sub dispatch, Cloud Tasks re-runs. */
export function firebaseRunPorts(services: Services = firebaseServices()): RunPorts {
  if (ports) return ports;
  const s = services.settings;
  ports = {
    jobs: new FirestoreJobStore(firestore()),
    dispatcher: new PubSubRunDispatcher(s.CFAP_PROJECT_ID, s.CFAP_RUNS_TOPIC),
    reruns: new TaskQueueRerunScheduler("scheduledRerun", s.CFAP_REGION),
    registry: registry(),
    config: runConfigOf(s),
    now: () => new Date(),
  };
  return ports;
}

/** Everything the worker, the callable and the task handler need. */
export function firebaseRunDeps(): WorkerDeps {
  const services = firebaseServices();
  return runDepsOf(services, firebaseRunPorts(services));
}
