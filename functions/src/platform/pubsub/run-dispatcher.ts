import { PubSub, type Topic } from "@google-cloud/pubsub";
import type { RunMessage } from "../../contracts/job";
import { DispatchUnavailableError, type RunDispatcher } from "../../runs/ports";

/** Publishes run requests to the runs topic and waits for the server ack. */
export class PubSubRunDispatcher implements RunDispatcher {
  private readonly topic: Topic;
  constructor(projectId: string, topicName: string) {
    this.topic = new PubSub({ projectId }).topic(topicName, {
      batching: { maxMessages: 1, maxMilliseconds: 0 },
    });
  }

  async dispatch(message: RunMessage): Promise<void> {
    try {
      await this.topic.publishMessage({
        data: Buffer.from(JSON.stringify(message)),
        attributes: { workspace_id: message.workspace_id, job_id: message.job_id },
      });
    } catch (err) {
      throw new DispatchUnavailableError(`Pub/Sub publish failed: ${(err as Error).message}`, err);
    }
  }
}
