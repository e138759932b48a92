import type { CloudEvent } from "firebase-functions/v2";
import type { MessagePublishedData } from "firebase-functions/v2/pubsub";
import { InvalidMessageError, parseEventBatchMessage, writeEventBatch } from "../ingestion/event-writer";
import { firebaseServices } from "../platform/firebase-services";

/**
 * Events topic → warehouse. Throwing makes Pub/Sub redeliver (retry is on); that is safe because rows are
 * keyed. A malformed message can never succeed, so it is logged and acknowledged instead.
 */
export async function handleEventBatch(event: CloudEvent<MessagePublishedData>): Promise<void> {
  const services = firebaseServices();
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(event.data.message.data, "base64").toString("utf8"));
  } catch {
    services.log.error("event batch is not JSON; dropped", { message_id: event.data.message.messageId });
    return;
  }
  try {
    const message = parseEventBatchMessage(json);
    const outcome = await writeEventBatch(await services.warehouse(), message);
    services.log.info("events written", { source_id: message.source_id, chunk: message.chunk, ...outcome });
  } catch (err) {
    if (err instanceof InvalidMessageError) {
      services.log.error(err.message, { message_id: event.data.message.messageId });
      return;
    }
    throw err;
  }
}
