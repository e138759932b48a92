import type { RunMessage } from "../../contracts/job";
import {
  DispatchUnavailableError,
  type RerunOptions,
  type RerunScheduler,
  type RerunTask,
  type RunDispatcher,
} from "../ports";

/** Collects dispatched messages; a test (or the local runner) delivers them. */
export class MemoryRunDispatcher implements RunDispatcher {
  readonly messages: RunMessage[] = [];
  /** Make the next N dispatches fail (tests of publish outages). */
  failNext = 0;

  async dispatch(message: RunMessage): Promise<void> {
    await Promise.resolve();
    if (this.failNext > 0) {
      this.failNext--;
      throw new DispatchUnavailableError("dispatch failed (simulated)");
    }
    this.messages.push(structuredClone(message));
  }

  /** Removes and returns the queued messages. */
  drain(): RunMessage[] {
    return this.messages.splice(0, this.messages.length);
  }
}

/** Records scheduled re-runs; tasks with an id already seen are ignored, like Cloud Tasks. */
export class MemoryRerunScheduler implements RerunScheduler {
  readonly tasks: Array<{ task: RerunTask; options: RerunOptions }> = [];

  async schedule(task: RerunTask, options: RerunOptions = {}): Promise<void> {
    await Promise.resolve();
    if (options.id && this.tasks.some((t) => t.options.id === options.id)) return;
    this.tasks.push({ task: structuredClone(task), options: { ...options } });
  }
}
