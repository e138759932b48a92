import { getFunctions, type TaskOptions } from "firebase-admin/functions";
import type { RerunOptions, RerunScheduler, RerunTask } from "../../runs/ports";
import { adminApp } from "../firebase-app";

/**
 * Enqueues re-runs on the `scheduledRerun` task queue (Cloud Tasks; the Functions emulator emulates it).
 * A task id makes enqueueing idempotent: an id that exists already is treated as done.
 */
export class TaskQueueRerunScheduler implements RerunScheduler {
  constructor(
    private readonly functionName = "scheduledRerun",
    private readonly region?: string,
  ) {}

  async schedule(task: RerunTask, options: RerunOptions = {}): Promise<void> {
    const name = this.region ? `locations/${this.region}/functions/${this.functionName}` : this.functionName;
    const queue = getFunctions(adminApp()).taskQueue<RerunTask>(name);
    const opts: TaskOptions = options.at
      ? { scheduleTime: options.at }
      : { scheduleDelaySeconds: Math.max(0, Math.round(options.delaySeconds ?? 0)) };
    if (options.id) opts.id = options.id;
    try {
      await queue.enqueue(task, opts);
    } catch (err) {
      if ((err as { code?: string }).code === "functions/task-already-exists") return;
      throw err;
    }
  }
}
