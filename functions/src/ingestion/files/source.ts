import { Readable, pipeline } from "node:stream";
import { createGunzip } from "node:zlib";
import { FileReadError } from "./errors";

/**
 * The ratio check starts once this many bytes have been decompressed, so the
 * first chunks of a legitimately very compressible file (when only a few
 * hundred compressed bytes have been consumed) cannot trip it. A bomb is
 * therefore stopped after at most max(1 MiB, ratio × compressed-consumed)
 * bytes of output.
 */
export const GZIP_RATIO_GRACE_BYTES = 1024 * 1024;

/** zlib output chunk size: big enough for throughput, small enough to check often. */
const GUNZIP_CHUNK = 64 * 1024;

export type ByteSource = AsyncIterable<Buffer | Uint8Array | string> | NodeJS.ReadableStream;

function toBuffer(c: unknown): Buffer {
  if (Buffer.isBuffer(c)) return c;
  if (c instanceof Uint8Array) return Buffer.from(c.buffer, c.byteOffset, c.byteLength);
  if (typeof c === "string") return Buffer.from(c, "utf8");
  throw new TypeError(
    `file source yielded a ${c === null ? "null" : typeof c} chunk; expected Buffer/Uint8Array`,
  );
}

/** Iterator over Buffers from any async iterable / Node readable stream. */
export function openSource(input: ByteSource): AsyncIterator<Buffer> {
  const iterable: AsyncIterable<unknown> =
    typeof (input as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function"
      ? (input as AsyncIterable<unknown>)
      : new Readable({ objectMode: false }).wrap(input as NodeJS.ReadableStream);
  const it = iterable[Symbol.asyncIterator]();
  return {
    async next() {
      const r = await it.next();
      return r.done ? { done: true, value: undefined } : { done: false, value: toBuffer(r.value) };
    },
    async return() {
      if (typeof it.return === "function") await it.return();
      return { done: true, value: undefined };
    },
  };
}

/**
 * Wraps an iterator so that the first bytes can be inspected without
 * consuming them. Iterating it replays the peeked bytes, then continues.
 * Closing the iteration early closes the underlying iterator.
 */
export class PeekableSource implements AsyncIterable<Buffer> {
  private head: Buffer[] = [];
  private headLen = 0;
  private done = false;

  constructor(private readonly it: AsyncIterator<Buffer>) {}

  /** At least `n` bytes (fewer only at end of stream), concatenated. */
  async peek(n: number): Promise<Buffer> {
    while (this.headLen < n && !this.done) {
      const r = await this.it.next();
      if (r.done) this.done = true;
      else if (r.value.length > 0) {
        this.head.push(r.value);
        this.headLen += r.value.length;
      }
    }
    if (this.head.length > 1) this.head = [Buffer.concat(this.head, this.headLen)];
    return this.head.length === 1 ? this.head[0] : Buffer.alloc(0);
  }

  async close(): Promise<void> {
    this.done = true;
    if (typeof this.it.return === "function") await this.it.return();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    let completed = false;
    try {
      const head = this.head;
      this.head = [];
      this.headLen = 0;
      for (const b of head) yield b;
      while (!this.done) {
        const r = await this.it.next();
        if (r.done) {
          this.done = true;
          break;
        }
        if (r.value.length > 0) yield r.value;
      }
      completed = true;
    } finally {
      if (!completed) await this.close();
    }
  }
}

/** Pass-through that enforces the total size cap on plain (uncompressed) input. */
export async function* capPlain(source: AsyncIterable<Buffer>, maxBytes: number): AsyncGenerator<Buffer> {
  let total = 0;
  for await (const chunk of source) {
    total += chunk.length;
    if (total > maxBytes) {
      throw new FileReadError("too_large", `file exceeds maxDecompressedBytes (${maxBytes} bytes)`);
    }
    yield chunk;
  }
}

function isZlibError(e: unknown): e is NodeJS.ErrnoException {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return typeof code === "string" && code.startsWith("Z_");
}

/**
 * Streaming gunzip (multi-member aware) with the size and ratio caps checked
 * on every decompressed chunk, i.e. before more than one 64 KiB chunk beyond
 * the limit exists. zlib honours back-pressure inside a single input chunk,
 * and the compressed side is only pulled as the consumer asks, so memory stays
 * flat whatever the expansion. Any zlib failure (bad header, bad data, CRC,
 * truncation, trailing garbage) becomes FileReadError("corrupt_gzip"); errors
 * from the source itself are re-thrown unchanged.
 */
export async function* gunzipCapped(
  source: AsyncIterable<Buffer>,
  maxBytes: number,
  maxRatio: number,
): AsyncGenerator<Buffer> {
  const gunzip = createGunzip({ chunkSize: GUNZIP_CHUNK });
  const feeder = Readable.from(source, { objectMode: false, highWaterMark: GUNZIP_CHUNK });
  // Errors surface through iteration of `gunzip`; the callback only prevents unhandled errors.
  pipeline(feeder, gunzip, () => {});
  let total = 0;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maxBytes) {
        throw new FileReadError(
          "too_large",
          `decompressed data exceeds maxDecompressedBytes (${maxBytes} bytes)`,
        );
      }
      if (total > GZIP_RATIO_GRACE_BYTES) {
        const consumed = Math.max(gunzip.bytesWritten, 1);
        if (total / consumed > maxRatio) {
          throw new FileReadError(
            "gzip_bomb",
            `compression ratio exceeds maxCompressionRatio (${maxRatio}): ${total} bytes from ${consumed} compressed bytes`,
          );
        }
      }
      yield chunk;
    }
  } catch (e) {
    if (isZlibError(e)) {
      throw new FileReadError("corrupt_gzip", `corrupt or truncated gzip data: ${e.message}`, { cause: e });
    }
    throw e;
  } finally {
    gunzip.destroy();
    feeder.destroy();
  }
}
