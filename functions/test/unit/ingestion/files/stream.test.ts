import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { readRows } from "../../../../src/ingestion/files";
import { ndjsonBlock } from "../../../../src/ingestion/files/bench";
import { LIMITS } from "./helpers";

const MB = 1024 * 1024;

/** A callable full GC even without --expose-gc (flag set at runtime, gc taken from a fresh context). */
function getGc(): () => void {
  if (typeof global.gc === "function") return global.gc as () => void;
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

describe("streaming / back-pressure", () => {
  it("reads a ~200 MB NDJSON stream generated on the fly with flat memory, pulling only as the consumer asks", async () => {
    const template = ndjsonBlock(220); // ~64 KB of complete ~300 B lines
    const target = 200 * MB;
    const chunks = Math.ceil(target / template.length);
    let pulled = 0;
    const source = (async function* () {
      for (let i = 0; i < chunks; i++) {
        const chunk = Buffer.from(template); // fresh buffer each time, like a network stream
        pulled += chunk.length;
        yield chunk;
      }
    })();

    const gc = getGc();
    gc();
    const live = () => {
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    };
    const live0 = live();
    const rss0 = process.memoryUsage().rss;
    let maxRss = rss0;
    let maxLive = live0;
    let rows = 0;
    let okRows = 0;
    let batches = 0;
    let pulledAtFirstBatch = -1;
    for await (const batch of readRows(source, "big.ndjson", { ...LIMITS, maxDecompressedBytes: 1 << 30 })) {
      if (pulledAtFirstBatch < 0) pulledAtFirstBatch = pulled;
      batches++;
      rows += batch.length;
      for (const r of batch) if (r.ok) okRows++;
      if (batches % 10 === 0) {
        // Retention check: after a full GC, live memory must not grow with the bytes read.
        gc();
        maxLive = Math.max(maxLive, live());
        maxRss = Math.max(maxRss, process.memoryUsage().rss);
      }
    }
    expect(rows).toBe(chunks * 220);
    expect(okRows).toBe(rows);
    expect(pulled).toBeGreaterThanOrEqual(target);
    // First batch (5000 rows ≈ 1.5 MB) is produced after reading only a few MB, not the whole file.
    expect(pulledAtFirstBatch).toBeLessThan(4 * MB);
    expect(maxLive - live0).toBeLessThan(32 * MB);
    expect(maxRss - rss0).toBeLessThan(100 * MB);
  }, 120_000);

  it("does not read ahead while the consumer is paused", async () => {
    const template = ndjsonBlock(220);
    let pulled = 0;
    const source = (async function* () {
      for (let i = 0; i < 10_000; i++) {
        pulled++;
        yield template;
      }
    })();
    const it = readRows(source, "x.ndjson", { ...LIMITS, batchSize: 1000 })[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.done).toBe(false);
    const afterFirst = pulled;
    await new Promise((r) => setTimeout(r, 50));
    expect(pulled).toBe(afterFirst); // nothing pulled while we were not asking
    expect(afterFirst).toBeLessThanOrEqual(6); // 1000 rows ≈ 5 chunks of 220 lines
    await it.return?.(undefined);
  });
});
