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
 * V4 signed PUT URLs in production. Against the Storage emulator there is nothing to sign: the URL is the
 * emulator's media upload endpoint, which accepts the same PUT.
 */
export class CloudStorageUploadUrlSigner implements UploadUrlSigner {
  constructor(private readonly bucketName: string) {}

  async signedPutUrl(objectPath: string, contentType: string, expiresAt: Date) {
    const emulator = process.env.FIREBASE_STORAGE_EMULATOR_HOST ?? process.env.STORAGE_EMULATOR_HOST;
    if (emulator) {
      const base = emulator.startsWith("http") ? emulator : `http://${emulator}`;
      const url = `${base}/upload/storage/v1/b/${encodeURIComponent(this.bucketName)}/o?uploadType=media&name=${encodeURIComponent(objectPath)}`;
      return { url, headers: { "content-type": contentType } };
    }
    const [url] = await getStorage(adminApp())
      .bucket(this.bucketName)
      .file(objectPath)
      .getSignedUrl({ version: "v4", action: "write", expires: expiresAt, contentType });
    return { url, headers: { "content-type": contentType } };
  }
}
