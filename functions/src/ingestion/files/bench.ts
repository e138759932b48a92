import { gzipSync } from "node:zlib";
import { readRows } from "./read";

/** One NDJSON event of ~300 bytes with nested context/properties. */
export function sampleEventLine(i: number): string {
  return JSON.stringify({
    event: i % 7 === 0 ? "purchase" : "page_view",
    user_id: `u_${(100000 + (i % 90000)).toString()}`,
    anonymous_id: `a_${i.toString(36).padStart(10, "0")}`,
    timestamp: 1_700_000_000_000 + i * 17,
    workspace: "ws_bench",
    context: { utm_source: "google", utm_campaign: `spring_${i % 13}`, locale: "en-US" },
    properties: {
      plan: i % 3 === 0 ? "pro" : "free",
      revenue: (i % 1000) / 10,
      items: [{ sku: `A${i % 500}`, qty: 1 + (i % 4) }],
      beta: i % 2 === 0,
    },
  });
}

/** Build a block of `lines` distinct NDJSON lines (reused to synthesise big inputs without big memory). */
export function ndjsonBlock(lines: number, offset = 0): Buffer {
  const parts: string[] = new Array<string>(lines);
  for (let i = 0; i < lines; i++) parts[i] = sampleEventLine(offset + i);
  return Buffer.from(parts.join("\n") + "\n", "utf8");
}

/** Yield `repeat` copies of `block` in `chunkSize` slices (like a file/network stream). */
export async function* repeatBlock(
  block: Buffer,
  repeat: number,
  chunkSize = 64 * 1024,
): AsyncGenerator<Buffer> {
  for (let r = 0; r < repeat; r++) {
    for (let p = 0; p < block.length; p += chunkSize)
      yield block.subarray(p, Math.min(p + chunkSize, block.length));
  }
}

interface BenchResult {
  label: string;
  rows: number;
  ok: number;
  bytes: number;
  seconds: number;
  /** CPU seconds (user+system) of this process: robust when the machine is shared. */
  cpuSeconds: number;
}

async function run(
  label: string,
  source: AsyncIterable<Buffer>,
  name: string,
  bytes: number,
): Promise<BenchResult> {
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  let rows = 0;
  let ok = 0;
  for await (const batch of readRows(source, name, {
    maxDecompressedBytes: 4 * 1024 ** 3,
    maxCompressionRatio: 1000,
  })) {
    rows += batch.length;
    for (const r of batch) if (r.ok) ok++;
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  return { label, rows, ok, bytes, seconds, cpuSeconds: (c.user + c.system) / 1e6 };
}

function report(r: BenchResult): void {
  const lps = r.rows / r.seconds;
  const mbs = r.bytes / r.seconds / 1e6;
  console.log(
    `${r.label.padEnd(22)} ${r.rows.toLocaleString("en-US").padStart(10)} rows  ${r.seconds.toFixed(2)} s  ` +
      `${Math.round(lps).toLocaleString("en-US").padStart(10)} lines/s  ${mbs.toFixed(1).padStart(6)} MB/s` +
      `  (cpu ${r.cpuSeconds.toFixed(2)} s → ${Math.round(r.rows / r.cpuSeconds).toLocaleString("en-US")} lines/cpu-s)` +
      (r.ok === r.rows ? "" : `  (${r.rows - r.ok} rejected!)`),
  );
}

/**
 * Reader micro-benchmark: 1,000,000 NDJSON lines (~300 B, nested properties)
 * generated in memory (a 10,000-line block repeated), plain and gzip
 * (concatenated gzip members), plus the same events as CSV. Reports lines/s
 * and decompressed MB/s for the reader alone (decode + split + JSON.parse).
 */
export async function benchReaders(total = 1_000_000): Promise<void> {
  const blockLines = 10_000;
  const repeat = Math.max(1, Math.round(total / blockLines));
  const block = ndjsonBlock(blockLines);
  const n = blockLines * repeat;
  console.log(
    `readers: ${n.toLocaleString("en-US")} NDJSON lines, avg ${(block.length / blockLines).toFixed(0)} bytes/line, node ${process.version}`,
  );

  // Warm-up (JIT) on a small run.
  await run("warmup", repeatBlock(block, 2), "warm.ndjson", block.length * 2);

  // Floor: JSON.parse alone over the same lines (what any NDJSON reader must pay).
  {
    const text = block.toString("utf8").split("\n");
    text.pop();
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    let rows = 0;
    for (let r = 0; r < repeat; r++) for (const l of text) if (JSON.parse(l) !== null) rows++;
    const c = process.cpuUsage(c0);
    report({
      label: "JSON.parse only",
      rows,
      ok: rows,
      bytes: block.length * repeat,
      seconds: Number(process.hrtime.bigint() - t0) / 1e9,
      cpuSeconds: (c.user + c.system) / 1e6,
    });
  }
  report(await run("ndjson", repeatBlock(block, repeat), "bench.ndjson", block.length * repeat));

  const gz = gzipSync(block);
  report(await run("ndjson.gz", repeatBlock(gz, repeat), "bench.ndjson.gz", block.length * repeat));

  const header =
    "event,user_id,anonymous_id,timestamp,workspace,context.utm_source,context.utm_campaign,revenue,properties\n";
  const csvLines: string[] = [];
  for (let i = 0; i < blockLines; i++) {
    const props = JSON.stringify({
      plan: i % 3 === 0 ? "pro" : "free",
      items: [{ sku: `A${i % 500}`, qty: 1 }],
    }).replace(/"/g, '""');
    csvLines.push(
      `page_view,u_${100000 + i},a_${i.toString(36)},${1_700_000_000_000 + i},ws_bench,google,"spring, ${i % 13}",${(i % 1000) / 10},"${props}"`,
    );
  }
  const csvBlock = Buffer.from(csvLines.join("\n") + "\n");
  const csvSource = (async function* () {
    yield Buffer.from(header);
    yield* repeatBlock(csvBlock, repeat);
  })();
  report(await run("csv", csvSource, "bench.csv", csvBlock.length * repeat));
}

if (require.main === module) {
  benchReaders(process.argv[2] ? Number(process.argv[2]) : undefined).catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
