import { spawnSync } from "node:child_process";
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { once } from "node:events";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { bulkIngestNdjsonFile } from "../ingestion/bulk/bulk-ndjson";
import { DirectWarehousePublisher } from "../ingestion/event-writer";
import { readRows } from "../ingestion/files";
import { ingestRowStream } from "../ingestion/stream-ingest";
import { openDuckDbWarehouse } from "../warehouse/duckdb";
import { duckdbCreateTable, duckdbKeyIndex } from "../warehouse/schema/duckdb-ddl";
import { tableSchema } from "../warehouse/schema/table-schemas";
import { PeakMemory, mib } from "./memory";

function cpuSeconds(u: NodeJS.CpuUsage): number {
  return (u.user + u.system) / 1e6;
}

/** One synthetic event of ≈300 bytes with nested properties. */
function syntheticLine(i: number, now: number): string {
  return JSON.stringify({
    event_id: `bench-${i}`,
    event_name: i % 10 === 0 ? "purchase" : "page_view",
    timestamp: new Date(now - (i % 86_400) * 1000).toISOString(),
    user_id: `user_${i % 50_000}`,
    session_id: `s_${i % 200_000}`,
    properties: { geo: `geo_${i % 20}`, cart: { items: i % 5, sku: `sku-${i % 977}` } },
    context: {
      page_url: "https://shop.example.com/p?x=1",
      utm_source: "google",
      utm_medium: "cpc",
      utm_campaign: "brand",
    },
    ...(i % 10 === 0 ? { revenue: (i % 100) + 0.99, currency: "USD" } : {}),
  });
}

async function writeFile(path: string, n: number, firstId = 0): Promise<void> {
  const out = createWriteStream(path);
  const now = Date.now() - 60_000;
  let buf: string[] = [];
  for (let i = firstId; i < firstId + n; i++) {
    buf.push(syntheticLine(i, now));
    if (buf.length === 10_000) {
      if (!out.write(buf.join("\n") + "\n")) await once(out, "drain");
      buf = [];
    }
  }
  out.end(buf.length ? buf.join("\n") + "\n" : "");
  await once(out, "finish");
}

/**
 * `npm run bench -- ingest`: 1M events (CFAP_BENCH_EVENTS) through validate → normalise → dedup-write
 * into a DuckDB file, as `cfap ingest` does it (the bulk NDJSON loader), against a bare streamed
 * JSON.parse of the same lines; then a replay, and the row path on the first 200k events.
 */
export async function benchIngest(n = Number(process.env.CFAP_BENCH_EVENTS ?? 1_000_000)): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "cfap-bench-"));
  const file = join(dir, "events.ndjson");
  try {
    await writeFile(file, n);
    const bytes = statSync(file).size;
    console.log(
      `ingest: ${n.toLocaleString("en-US")} events, ${(bytes / n).toFixed(0)} bytes each, ${mib(bytes)} file`,
    );

    // Baseline: a streamed JSON.parse of every line.
    let t = performance.now();
    let parsed = 0;
    const rl = createInterface({
      input: createReadStream(file, { highWaterMark: 1 << 20 }),
      crlfDelay: Infinity,
    });
    for await (const line of rl) {
      if (line) {
        JSON.parse(line);
        parsed++;
      }
    }
    const parseSec = (performance.now() - t) / 1000;

    const base = {
      workspaceId: "bench",
      path: "cli" as const,
      sourceId: "bench",
      receivedAt: new Date(),
      window: { maxFutureSkewMs: 300_000, maxAgeMs: 400 * 86_400_000 },
    };
    const warehouse = await openDuckDbWarehouse({ path: join(dir, "bench.duckdb") });

    // The path `cfap ingest` takes for NDJSON: DuckDB parses and checks natively, JS takes the rest.
    let mem = new PeakMemory();
    t = performance.now();
    let cpu = process.cpuUsage();
    const sliceBytes = process.env.CFAP_BENCH_SLICE_MB
      ? Number(process.env.CFAP_BENCH_SLICE_MB) * 2 ** 20
      : undefined;
    const bulk = await bulkIngestNdjsonFile(warehouse, file, { base, sliceBytes });
    const totalSec = (performance.now() - t) / 1000;
    const cpuSec = cpuSeconds(process.cpuUsage(cpu));
    const peak = mem.stop();
    const rate = bulk.rows_accepted / totalSec;
    console.log(
      `  bare JSON.parse (streamed):     ${Math.round(parsed / parseSec).toLocaleString("en-US")} events/s, ${(bytes / 1024 / 1024 / parseSec).toFixed(1)} MB/s`,
    );
    console.log(
      `  validate → normalise → DuckDB: ${Math.round(rate).toLocaleString("en-US")} events/s, ${(bytes / 1024 / 1024 / totalSec).toFixed(1)} MB/s, ${totalSec.toFixed(2)} s (bulk loader: ${bulk.native_rows} rows native, ${bulk.deferred_rows} via the row path)`,
    );
    // CPU time of the whole process (JS thread + DuckDB threads): a steadier figure than wall time on a shared machine.
    console.log(
      `  process CPU time:              ${cpuSec.toFixed(2)} s (${Math.round(bulk.rows_accepted / cpuSec).toLocaleString("en-US")} events per CPU-second)`,
    );
    console.log(`  ratio to parse baseline:       ${(rate / (parsed / parseSec)).toFixed(2)} (target ≥ 0.5)`);
    console.log(
      `  accepted ${bulk.rows_accepted}, rejected ${bulk.rows_rejected}, inserted ${bulk.inserted}, peak RSS ${mib(peak)}`,
    );

    // Replay: the same file again must insert nothing.
    t = performance.now();
    cpu = process.cpuUsage();
    const replay = await bulkIngestNdjsonFile(warehouse, file, { base, sliceBytes });
    console.log(
      `  replay of the same file: inserted ${replay.inserted}, duplicates ${replay.duplicates}, ${((performance.now() - t) / 1000).toFixed(2)} s, CPU ${cpuSeconds(process.cpuUsage(cpu)).toFixed(2)} s`,
    );

    // The same number of new events into the table that now holds the first ones: the key index is
    // kept up to date row by row (the first load built it once, after its rows; bulk-ndjson.ts).
    const more = join(dir, "more.ndjson");
    await writeFile(more, n, n);
    t = performance.now();
    cpu = process.cpuUsage();
    const second = await bulkIngestNdjsonFile(warehouse, more, { base, sliceBytes });
    const secondSec = (performance.now() - t) / 1000;
    console.log(
      `  ${n.toLocaleString("en-US")} new events into the table holding the first ones: ${Math.round(second.inserted / secondSec).toLocaleString("en-US")} events/s, ${secondSec.toFixed(2)} s, CPU ${cpuSeconds(process.cpuUsage(cpu)).toFixed(2)} s (ratio ${(second.inserted / secondSec / (parsed / parseSec)).toFixed(2)})`,
    );
    rmSync(more, { force: true });

    // The floor: the same rows, already normalised, written again by DuckDB alone — one INSERT into
    // a copy of standard_events with its key index kept up to date, then a checkpoint (the compressed write).
    const events = tableSchema("standard_events");
    await warehouse.exec(duckdbCreateTable(events, "main.floor_events"));
    await warehouse.exec(duckdbKeyIndex(events, "main.floor_events", "floor_events_key"));
    t = performance.now();
    cpu = process.cpuUsage();
    await warehouse.exec(`INSERT INTO main.floor_events SELECT * FROM main.standard_events LIMIT ${n}`);
    await warehouse.exec("CHECKPOINT");
    const floorSec = (performance.now() - t) / 1000;
    console.log(
      `  DuckDB write alone (pre-normalised rows, one INSERT with the key + checkpoint): ${Math.round(n / floorSec).toLocaleString("en-US")} events/s, ${floorSec.toFixed(2)} s, CPU ${cpuSeconds(process.cpuUsage(cpu)).toFixed(2)} s`,
    );

    // The row path (HTTP batches, file drops, CSV) on the first rows of the same file, for comparison.
    const rowEvents = Math.min(n, Number(process.env.CFAP_BENCH_ROW_EVENTS ?? 200_000));
    const rowFile = join(dir, "rows.ndjson");
    await writeFile(rowFile, rowEvents);
    const rowWarehouse = await openDuckDbWarehouse({ path: join(dir, "rows.duckdb") });
    const publisher = new DirectWarehousePublisher(rowWarehouse);
    mem = new PeakMemory();
    t = performance.now();
    const counts = await ingestRowStream(
      readRows(createReadStream(rowFile, { highWaterMark: 1 << 20 }), "events.ndjson", {
        maxDecompressedBytes: 16 * 1024 ** 3,
        maxCompressionRatio: 1000,
      }),
      { base, publisher },
    );
    const rowSec = (performance.now() - t) / 1000;
    console.log(
      `  row path (JS validate → normalise → appender), ${rowEvents.toLocaleString("en-US")} events: ${Math.round(counts.rows_accepted / rowSec).toLocaleString("en-US")} events/s, peak RSS ${mib(mem.stop())}`,
    );
    await rowWarehouse.close();

    // Peak memory follows the slice, not the file: fresh processes, two file sizes, two slice sizes.
    for (const [f, events, sliceMb] of [
      [rowFile, rowEvents, 64],
      [file, n, 64],
      [rowFile, rowEvents, 512],
      [file, n, 512],
    ] as const) {
      const child = spawnSync(process.execPath, [process.argv[1], "ingest-child"], {
        encoding: "utf8",
        env: { ...process.env, CFAP_BENCH_CHILD_FILE: f, CFAP_BENCH_CHILD_SLICE_MB: String(sliceMb) },
      });
      const line = child.stdout.trim().split("\n").pop() ?? "";
      const r = line.startsWith("{") ? (JSON.parse(line) as { rate: number; peak: number }) : null;
      console.log(
        r
          ? `  fresh process, ${events.toLocaleString("en-US")} events in ${sliceMb} MiB slices: ${Math.round(r.rate).toLocaleString("en-US")} events/s, peak RSS ${mib(r.peak)}`
          : `  fresh process, ${sliceMb} MiB slices: failed (${child.stderr.trim().slice(0, 200)})`,
      );
    }
    await warehouse.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One bulk load in this (fresh) process, for the parent's memory figures: prints {rate, peak}. */
export async function benchIngestChild(): Promise<void> {
  const file = process.env.CFAP_BENCH_CHILD_FILE;
  const sliceMb = Number(process.env.CFAP_BENCH_CHILD_SLICE_MB ?? 512);
  if (!file) throw new Error("CFAP_BENCH_CHILD_FILE is not set");
  const dir = mkdtempSync(join(tmpdir(), "cfap-bench-child-"));
  try {
    const warehouse = await openDuckDbWarehouse({
      path: join(dir, "child.duckdb"),
      memoryLimit: process.env.CFAP_BENCH_CHILD_MEMORY_LIMIT || undefined,
    });
    const mem = new PeakMemory();
    const t = performance.now();
    const out = await bulkIngestNdjsonFile(warehouse, file, {
      base: {
        workspaceId: "bench",
        path: "cli",
        sourceId: "bench-child",
        receivedAt: new Date(),
        window: { maxFutureSkewMs: 300_000, maxAgeMs: 400 * 86_400_000 },
      },
      sliceBytes: sliceMb * 2 ** 20,
    });
    const sec = (performance.now() - t) / 1000;
    const peak = mem.stop();
    await warehouse.close();
    console.log(JSON.stringify({ rate: out.rows_accepted / sec, peak }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
