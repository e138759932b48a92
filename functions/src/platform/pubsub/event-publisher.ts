import { PubSub, type Topic } from "@google-cloud/pubsub";
import type { EventBatchMessage } from "../../contracts/messages";
import { PublishUnavailableError, type EventPublisher } from "../../ingestion/ports";

/**
 * Publishes event batches to the events topic. The publish of a request waits for every message's
 * server ack, so a 202 means the events are durably queued.
 */
export class PubSubEventPublisher implements EventPublisher {
  private readonly topic: Topic;
  constructor(projectId: string, topicName: string) {
    this.topic = new PubSub({ projectId }).topic(topicName, {
      batching: { maxMessages: 100, maxMilliseconds: 5 },
    });
  }

  async publish(messages: EventBatchMessage[]): Promise<void> {
    try {
      await Promise.all(
        messages.map((m) =>
          this.topic.publishMessage({
            data: Buffer.from(JSON.stringify(m)),
            attributes: { workspace_id: m.workspace_id, source_id: m.source_id, chunk: String(m.chunk) },
          }),
        ),
      );
    } catch (err) {
      throw new PublishUnavailableError(`Pub/Sub publish failed: ${(err as Error).message}`, err);
    }
  }
}
