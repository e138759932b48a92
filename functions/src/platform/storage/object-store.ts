import { getStorage } from "firebase-admin/storage";
import type { ObjectStore, ObjectWriter, UploadUrlSigner } from "../../ingestion/uploads/ports";
import { adminApp } from "../firebase-app";

/** Cloud Storage (or its emulator) through the Admin SDK; reads stream, writes stream. */
export class CloudStorageObjectStore implements ObjectStore {
  constructor(private readonly bucketName: string) {}

  private bucket() {
    return getStorage(adminApp()).bucket(this.bucketName);
  }

  read(objectPath: string): AsyncIterable<Buffer> {
    return this.bucket().file(objectPath).createReadStream({ validation: false });
  }

  createWriter(objectPath: string, contentType: string): ObjectWriter {
    // Opened lazily: a clean file writes no report at all.
    let stream: NodeJS.WritableStream | null = null;
    let done: Promise<void> | null = null;
    const open = () => {
      const s = this.bucket().file(objectPath).createWriteStream({ contentType, resumable: false });
      done = new Promise<void>((resolve, reject) => {
        s.on("finish", () => resolve());
        s.on("error", reject);
      });
      return s;
    };
    return {
      write: async (chunk) => {
        stream ??= open();
        if (!stream.write(chunk)) await new Promise((r) => stream!.once("drain", r));
      },
      end: async () => {
        if (!stream) return;
        stream.end();
        await done;
      },
    };
  }
}

/**
 * V4 signed PUT URLs in production. The Storage emulator cannot check signatures, so there the URL is a
 * resumable-upload session opened by the server (as admin), which accepts the same single PUT — the
 * client code is identical in both cases.
 */
export class CloudStorageUploadUrlSigner implements UploadUrlSigner {
  constructor(private readonly bucketName: string) {}

  async signedPutUrl(objectPath: string, contentType: string, expiresAt: Date) {
    const emulator = process.env.FIREBASE_STORAGE_EMULATOR_HOST ?? process.env.STORAGE_EMULATOR_HOST;
    if (emulator) {
      const base = emulator.startsWith("http") ? emulator : `http://${emulator}`;
      const start = `${base}/upload/storage/v1/b/${encodeURIComponent(this.bucketName)}/o?uploadType=resumable&name=${encodeURIComponent(objectPath)}`;
      const res = await fetch(start, {
        method: "POST",
        headers: {
          authorization: "Bearer owner",
          "content-type": "application/json",
          "x-upload-content-type": contentType,
        },
        body: JSON.stringify({ name: objectPath, contentType }),
      });
      const location = res.headers.get("location");
      if (!res.ok || !location) throw new Error(`storage emulator refused an upload session (${res.status})`);
      return { url: location, headers: { "content-type": contentType } };
    }
    const [url] = await getStorage(adminApp())
      .bucket(this.bucketName)
      .file(objectPath)
      .getSignedUrl({ version: "v4", action: "write", expires: expiresAt, contentType });
    return { url, headers: { "content-type": contentType } };
  }
}
