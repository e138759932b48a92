import type { EventBatchMessage } from "../contracts/messages";

/** Where validated events go next: Pub/Sub in the cloud and emulators, straight to the warehouse in the CLI. */
export interface EventPublisher {
  publish(messages: EventBatchMessage[]): Promise<void>;
}

export class PublishUnavailableError extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = "PublishUnavailableError";
  }
}
