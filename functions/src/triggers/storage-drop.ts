import type { CloudEvent } from "firebase-functions/v2";
import type { StorageObjectData } from "firebase-functions/v2/storage";
import { processDrop } from "../ingestion/uploads/process-drop";
import { firebaseServices } from "../platform/firebase-services";

export async function handleObjectFinalized(event: CloudEvent<StorageObjectData>): Promise<void> {
  await processDrop(
    {
      objectPath: event.data.name,
      generation: String(event.data.generation ?? "0"),
      size: Number(event.data.size ?? NaN) || null,
    },
    firebaseServices(),
  );
}
