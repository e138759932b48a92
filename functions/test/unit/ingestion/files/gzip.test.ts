import { createGzip, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { FileReadError, GZIP_RATIO_GRACE_BYTES, readRows } from "../../../../src/ingestion/files";
import { chunked, fromChunks, LIMITS, readAll, readError, values } from "./helpers";

const b = (s: string) => Buffer.from(s, "utf8");
const NDJSON = b('{"event":"a","n":1}\n{"event":"b","props":{"k":"é"}}\nnot json\n');
const CSV = b('event,context.utm_source,revenue\nbuy,google,9.5\n"multi\nline",,x\n');

/** gzip `size` zero bytes without ever holding them in memory (~1000:1). */
async function gzipZeros(size: number): Promise<Buffer> {
  const gz = createGzip({ level: 9 });
  const out: Buffer[] = [];
  gz.on("data", (c: Buffer) => out.push(c));
  const done = new Promise<void>((resolve, reject) => {
    gz.on("end", resolve);
    gz.on("error", reject);
  });
  const zeros = Buffer.alloc(1024 * 1024);
  for (let written = 0; written < size; written += zeros.length) {
    if (!gz.write(zeros)) await new Promise((r) => gz.once("drain", r));
  }
  gz.end();
  await done;
  return Buffer.concat(out);
}

describe("gzip input", () => {
  it("reads gzip NDJSON and CSV exactly like the plain files", async () => {
    expect(await readAll(gzipSync(NDJSON), "drop.ndjson.gz")).toEqual(await readAll(NDJSON, "drop.ndjson"));
    expect(await readAll(gzipSync(CSV), "drop.csv.gz")).toEqual(await readAll(CSV, "drop.csv"));
    expect(values(await readAll(gzipSync(CSV), "drop.csv.gz"))).toEqual([
      { event: "buy", context: { utm_source: "google" }, revenue: 9.5 },
      { event: "multi\nline", revenue: "x" },
    ]);
  });

  it("detects gzip from the magic bytes when the name has no .gz suffix, and honours compressed: true", async () => {
    expect(await readAll(gzipSync(NDJSON), "drop.ndjson")).toHaveLength(3);
    expect(await readAll(gzipSync(NDJSON), "blob", { compressed: true, format: "ndjson" })).toHaveLength(3);
  });

  it("compressed: false reads a .gz-named object that was transparently decompressed", async () => {
    expect(await readAll(NDJSON, "drop.ndjson.gz", { compressed: false })).toHaveLength(3);
    expect(await readError(NDJSON, "drop.ndjson.gz")).toMatchObject({ code: "corrupt_gzip" });
  });

  it("sniffs the format from decompressed bytes when the name only says .gz", async () => {
    expect(values(await readAll(gzipSync(b('{"a":1}\n')), "upload.gz"))).toEqual([{ a: 1 }]);
  });

  it("supports concatenated gzip members (split anywhere, even mid-line)", async () => {
    const whole = Buffer.concat([NDJSON, NDJSON]);
    const cut = 25; // inside the second line
    const multi = Buffer.concat([
      gzipSync(whole.subarray(0, cut)),
      gzipSync(whole.subarray(cut, 60)),
      gzipSync(whole.subarray(60)),
    ]);
    expect(await readAll(multi, "x.ndjson.gz")).toEqual(await readAll(whole, "x.ndjson"));
    expect(await readAll(chunked(multi, 1), "x.ndjson.gz")).toEqual(await readAll(whole, "x.ndjson"));
  });

  it("handles 1-byte compressed chunks (CSV with quoted newlines and multibyte text)", async () => {
    const csv = b('name,note\n"Zoë","a\r\nb ""c"" 😀"\nx,y\n');
    expect(await readAll(chunked(gzipSync(csv), 1), "x.csv.gz")).toEqual(await readAll(csv, "x.csv"));
  });

  it("fails with corrupt_gzip on truncated input", async () => {
    const gz = gzipSync(Buffer.concat(Array.from({ length: 200 }, () => NDJSON)));
    const e = await readError(gz.subarray(0, gz.length - 20), "x.ndjson.gz");
    expect(e).toBeInstanceOf(FileReadError);
    expect(e).toMatchObject({ code: "corrupt_gzip" });
  });

  it("fails with corrupt_gzip on corrupted data, bad CRC, and trailing garbage", async () => {
    const gz = gzipSync(NDJSON);
    const badData = Buffer.from(gz);
    badData[14] ^= 0xff;
    const badCrc = Buffer.from(gz);
    badCrc[gz.length - 6] ^= 0xff;
    for (const data of [badData, badCrc, Buffer.concat([gz, b("garbage")])]) {
      expect(await readError(data, "x.ndjson.gz")).toMatchObject({ code: "corrupt_gzip" });
    }
  });

  it("fails with empty for a zero-byte .gz object", async () => {
    expect(await readError(Buffer.alloc(0), "x.ndjson.gz")).toMatchObject({ code: "empty" });
  });

  it("fails with too_large when decompressed bytes exceed maxDecompressedBytes", async () => {
    const data = gzipSync(Buffer.concat(Array.from({ length: 2000 }, () => NDJSON)));
    expect(await readError(data, "x.ndjson.gz", { maxDecompressedBytes: 50_000 })).toMatchObject({
      code: "too_large",
    });
  });

  it("stops a real gzip bomb (200 MB of zeros) fast, with bounded memory", async () => {
    const bomb = await gzipZeros(200 * 1024 * 1024);
    expect(bomb.length).toBeLessThan(400 * 1024);
    global.gc?.();
    const rss0 = process.memoryUsage().rss;
    const t0 = Date.now();
    let pulled = 0;
    const source = (async function* () {
      for (const c of chunked(bomb, 16 * 1024)) {
        pulled += c.length;
        yield c;
      }
    })();
    let error: unknown;
    try {
      for await (const batch of readRows(source, "bomb.ndjson.gz", { ...LIMITS, maxCompressionRatio: 100 }))
        void batch;
    } catch (e) {
      error = e;
    }
    const elapsed = Date.now() - t0;
    const growth = process.memoryUsage().rss - rss0;
    expect(error).toBeInstanceOf(FileReadError);
    expect(error).toMatchObject({ code: "gzip_bomb" });
    expect(elapsed).toBeLessThan(2000);
    expect(growth).toBeLessThan(100 * 1024 * 1024);
    // Only a prefix of the compressed bomb was ever read (read-ahead is bounded by
    // the stream high-water marks, ~80 KiB), i.e. we did not drain the source.
    expect(pulled).toBeLessThan(160 * 1024);
    expect(pulled).toBeLessThan(bomb.length);
  });

  it("does not flag legitimately compressible data below the grace size", async () => {
    const data = b(`${JSON.stringify({ a: "x".repeat(1000) })}\n`.repeat(500)); // ~500 KB, ratio ≫ 10
    expect(data.length).toBeLessThan(GZIP_RATIO_GRACE_BYTES);
    expect(await readAll(gzipSync(data), "x.ndjson.gz", { maxCompressionRatio: 10 })).toHaveLength(500);
  });

  it("propagates source errors unchanged and closes the source when the consumer stops early", async () => {
    const boom = new Error("network reset");
    const failing = (async function* () {
      yield gzipSync(NDJSON).subarray(0, 10);
      throw boom;
    })();
    await expect(
      (async () => {
        for await (const batch of readRows(failing, "x.ndjson.gz", LIMITS)) void batch;
      })(),
    ).rejects.toBe(boom);

    let closed = false;
    const endless = (async function* () {
      try {
        const line = gzipSync(b('{"a":1}\n'.repeat(10_000)));
        for (;;) yield line;
      } finally {
        closed = true;
      }
    })();
    for await (const batch of readRows(endless, "x.ndjson.gz", { ...LIMITS, batchSize: 100 })) {
      expect(batch).toHaveLength(100);
      break;
    }
    expect(closed).toBe(true);
  });

  it("readError helper sanity: plain source with fromChunks", async () => {
    const rows = [];
    for await (const batch of readRows(fromChunks([gzipSync(NDJSON)]), "x.ndjson.gz", LIMITS))
      rows.push(...batch);
    expect(rows.map((r) => r.ok)).toEqual([true, true, false]);
  });
});
