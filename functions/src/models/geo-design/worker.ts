/** worker_threads entry: simulate a chunk of market sets (see parallel.ts). */
import { parentPort, workerData } from "node:worker_threads";
import { simulateSet, type SimConfig, type SimTask } from "./simulate";

const { tasks, cfg } = workerData as { tasks: SimTask[]; cfg: SimConfig };
parentPort?.postMessage(tasks.map((t) => simulateSet(t, cfg)));
