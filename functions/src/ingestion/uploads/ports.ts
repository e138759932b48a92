/** Ports for file drops: object storage, signed upload URLs, and the upload's live status. */
export interface ObjectStore {
  /** Streams an object's bytes (never the whole object in memory). */
  read(objectPath: string): AsyncIterable<Buffer>;
  /** Streams a new object; `end` resolves when it is stored. */
  createWriter(objectPath: string, contentType: string): ObjectWriter;
}

export interface ObjectWriter {
  write(chunk: string): Promise<void>;
  end(): Promise<void>;
}

export interface UploadUrlSigner {
  signedPutUrl(
    objectPath: string,
    contentType: string,
    expiresAt: Date,
  ): Promise<{ url: string; headers: Record<string, string> }>;
}

export type UploadStatus = "processing" | "succeeded" | "failed";

export interface UploadRecord {
  workspace_id: string;
  upload_id: string;
  object_path: string;
  generation: string;
  format: "csv" | "ndjson";
  compressed: boolean;
  status: UploadStatus;
  rows_read: number;
  rows_accepted: number;
  rows_rejected: number;
  bytes_total: number | null;
  report_path: string | null;
  error: { code: string; message: string } | null;
  started_at: string;
  updated_at: string;
  finished_at: string | null;
}

export interface UploadStore {
  /**
   * Claims the upload for processing. Returns false when it already succeeded (a redelivered trigger),
   * so the file is not processed twice.
   */
  begin(record: UploadRecord): Promise<boolean>;
  update(workspaceId: string, uploadId: string, patch: Partial<UploadRecord>): Promise<void>;
}
