import { readRows, type FileReadOptions, type FileRow } from "../../../../src/ingestion/files";

export const LIMITS: FileReadOptions = { maxDecompressedBytes: 1 << 30, maxCompressionRatio: 1000 };

export async function* fromChunks(chunks: Iterable<Buffer>): AsyncGenerator<Buffer> {
  for (const c of chunks) yield c;
}

/** Split a buffer into chunks of `size` bytes. */
export function chunked(b: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < b.length; i += size) out.push(b.subarray(i, i + size));
  return out;
}

export async function readAll(
  data: Buffer | Buffer[],
  name: string,
  opts: Partial<FileReadOptions> = {},
): Promise<FileRow[]> {
  const chunks = Array.isArray(data) ? data : [data];
  const rows: FileRow[] = [];
  for await (const batch of readRows(fromChunks(chunks), name, { ...LIMITS, ...opts })) rows.push(...batch);
  return rows;
}

export async function readBatches(
  data: Buffer,
  name: string,
  opts: Partial<FileReadOptions> = {},
): Promise<FileRow[][]> {
  const batches: FileRow[][] = [];
  for await (const batch of readRows(fromChunks([data]), name, { ...LIMITS, ...opts })) batches.push(batch);
  return batches;
}

export async function readError(
  data: Buffer | Buffer[],
  name: string,
  opts: Partial<FileReadOptions> = {},
): Promise<unknown> {
  try {
    await readAll(data, name, opts);
  } catch (e) {
    return e;
  }
  throw new Error("expected readRows to throw");
}

export function values(rows: FileRow[]): unknown[] {
  return rows.map((r) => (r.ok ? r.value : { rejected: r.reason }));
}
