import { mkdtempSync, rmSync, writeFileSync, createReadStream } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { bulkIngestNdjsonFile, isBulkNdjsonFile } from "../../../../src/ingestion/bulk/bulk-ndjson";
import { DirectWarehousePublisher } from "../../../../src/ingestion/event-writer";
import { readRows } from "../../../../src/ingestion/files";
import { ingestRowStream, type RowRejection } from "../../../../src/ingestion/stream-ingest";
import { openDuckDbWarehouse, type DuckDbWarehouse } from "../../../../src/warehouse/duckdb";
import { corpus, RECEIVED_AT, WORKSPACE } from "./corpus";

const dir = mkdtempSync(join(tmpdir(), "cfap-bulk-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = {
  workspaceId: WORKSPACE,
  path: "cli" as const,
  sourceId: "src-1",
  receivedAt: RECEIVED_AT,
  window: { maxFutureSkewMs: 300_000, maxAgeMs: 400 * 86_400_000 },
};
const MAX_LINE = 4096;

function file(name: string, text: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

async function viaStream(path: string) {
  const wh = await openDuckDbWarehouse({ path: ":memory:" });
  const publisher = new DirectWarehousePublisher(wh);
  const rejections: RowRejection[] = [];
  const counts = await ingestRowStream(
    readRows(createReadStream(path), "f.ndjson", {
      maxDecompressedBytes: 1e9,
      maxCompressionRatio: 1000,
      maxLineBytes: MAX_LINE,
    }),
    { base, publisher, onRejected: (r) => void rejections.push(r) },
  );
  return { wh, counts, totals: publisher.totals, rejections };
}

async function viaBulk(path: string, sliceBytes: number) {
  const wh = await openDuckDbWarehouse({ path: ":memory:" });
  const rejections: RowRejection[] = [];
  const out = await bulkIngestNdjsonFile(wh, path, {
    base,
    sliceBytes,
    maxLineBytes: MAX_LINE,
    onRejected: (r) => void rejections.push(r),
  });
  return { wh, out, rejections };
}

async function table(wh: DuckDbWarehouse, name: string, order: string) {
  const r = await wh.query({ sql: `SELECT * FROM main.${name} ORDER BY ${order}`, label: "t" });
  return r.rows;
}

const isInBatchDuplicate = (reason: string) => reason.startsWith("duplicate of event");

describe("bulkIngestNdjsonFile against the streaming path", () => {
  for (const sliceBytes of [1 << 20, 16 * 1024]) {
    it(`stores the same rows and rejects the same lines (slices of ${sliceBytes} bytes)`, async () => {
      const path = file(`corpus-${sliceBytes}.ndjson`, corpus(3000));
      const js = await viaStream(path);
      const bulk = await viaBulk(path, sliceBytes);
      try {
        // Most rows are taken natively; the rest went through JavaScript.
        expect(bulk.out.native_rows).toBeGreaterThan(2000);
        expect(bulk.out.deferred_rows).toBeGreaterThan(100);

        const jsEvents = await table(js.wh, "standard_events", "event_id");
        const bulkEvents = await table(bulk.wh, "standard_events", "event_id");
        expect(bulkEvents.length).toBe(jsEvents.length);
        expect(bulkEvents).toEqual(jsEvents);

        // Rejections: the same lines with the same reasons, except in-batch duplicates: the bulk
        // loader counts a repeated id as a duplicate, unless both rows went through the row path.
        const key = (r: RowRejection) => `${r.index}|${r.line}|${r.path}|${r.reason}|${r.raw}`;
        const real = (rs: RowRejection[]) => rs.filter((r) => !isInBatchDuplicate(r.reason)).map(key);
        expect(real(bulk.rejections)).toEqual(real(js.rejections));
        const realRows = async (wh: DuckDbWarehouse) =>
          (await table(wh, "rejected_events", "row_index")).filter(
            (r) => !isInBatchDuplicate(String(r.reason)),
          );
        expect(await realRows(bulk.wh)).toEqual(await realRows(js.wh));

        const jsInBatch = js.rejections.length - real(js.rejections).length;
        const bulkInBatch = bulk.rejections.length - real(bulk.rejections).length;
        expect(bulk.out.rows_read).toBe(js.counts.rows_read);
        expect(bulk.out.rows_rejected - bulkInBatch).toBe(js.counts.rows_rejected - jsInBatch);
        expect(bulk.out.inserted).toBe(js.totals.inserted);
        expect(bulk.out.duplicates + bulkInBatch).toBe(js.totals.duplicates + jsInBatch);
      } finally {
        await js.wh.close();
        await bulk.wh.close();
      }
    });
  }

  it("keeps the first of two rows with one id when the first needs JavaScript", async () => {
    const path = file("collide.ndjson", corpus(10));
    const bulk = await viaBulk(path, 1 << 20);
    try {
      const rows = await bulk.wh.query({
        sql: `SELECT event_id, event_name FROM main.standard_events WHERE event_id LIKE 'col-%' ORDER BY 1`,
        label: "t",
      });
      // col-1: the first row (an offset timestamp, taken by JavaScript) wins over the later native one;
      // col-2: the first row is rejected (no user), so the later one is stored.
      expect(rows.rows).toEqual([
        { event_id: "col-1", event_name: "first" },
        { event_id: "col-2", event_name: "second" },
      ]);
    } finally {
      await bulk.wh.close();
    }
  });

  it("replays a file without inserting anything", async () => {
    const path = file("replay.ndjson", corpus(500, 3));
    const wh = await openDuckDbWarehouse({ path: ":memory:" });
    try {
      const first = await bulkIngestNdjsonFile(wh, path, { base, maxLineBytes: MAX_LINE });
      const again = await bulkIngestNdjsonFile(wh, path, { base, maxLineBytes: MAX_LINE });
      expect(first.inserted).toBeGreaterThan(300);
      expect(again.inserted).toBe(0);
      expect(again.duplicates).toBe(first.inserted + first.duplicates);
    } finally {
      await wh.close();
    }
  });

  for (const sliceBytes of [2048, 1 << 20])
    it(`reads slices DuckDB cannot take line for line (CRLF, BOM, invalid UTF-8, 0x01, NUL, long lines) like the streaming parser (slices of ${sliceBytes} bytes)`, async () => {
      const good = (i: number) =>
        JSON.stringify({
          event_id: `b-${i}`,
          event_name: "x",
          timestamp: "2026-06-01T11:00:00.000Z",
          user_id: "u",
        });
      const parts: Buffer[] = [Buffer.from([0xef, 0xbb, 0xbf])];
      for (let i = 0; i < 400; i++) {
        let line = Buffer.from(good(i));
        if (i === 50) line = Buffer.concat([line, Buffer.from("\r")]);
        if (i === 120) line = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
        if (i === 200) line = Buffer.from(good(i).replace('"x"', '"x\u0001"'));
        if (i === 250) line = Buffer.concat([line.subarray(0, 5), Buffer.from([0]), line.subarray(5)]);
        if (i === 300)
          line = Buffer.from(
            JSON.stringify({ ...JSON.parse(good(i)), properties: { pad: "p".repeat(5000) } }),
          );
        if (i === 350) line = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), line]);
        parts.push(line, Buffer.from("\n"));
      }
      const path = file(`odd-bytes-${sliceBytes}.ndjson`, Buffer.concat(parts));
      const js = await viaStream(path);
      const bulk = await viaBulk(path, sliceBytes);
      try {
        expect(await table(bulk.wh, "standard_events", "event_id")).toEqual(
          await table(js.wh, "standard_events", "event_id"),
        );
        const key = (r: RowRejection) => `${r.index}|${r.line}|${r.path}|${r.reason}|${r.raw}`;
        expect(bulk.rejections.map(key)).toEqual(js.rejections.map(key));
        expect(bulk.out.rows_read).toBe(js.counts.rows_read);
      } finally {
        await js.wh.close();
        await bulk.wh.close();
      }
    });

  it("tells which files it can take", async () => {
    expect(await isBulkNdjsonFile(file("a.ndjson", '{"a":1}\n'))).toBe(true);
    expect(await isBulkNdjsonFile(file("a.jsonl", '{"a":1}\n'))).toBe(true);
    expect(await isBulkNdjsonFile(file("a.csv", "a,b\n1,2\n"))).toBe(false);
    expect(await isBulkNdjsonFile(file("a.json", "[{}]"))).toBe(false);
    expect(await isBulkNdjsonFile(file("e.ndjson", ""))).toBe(false);
    expect(await isBulkNdjsonFile(file("z.ndjson.gz", Buffer.from([0x1f, 0x8b, 8, 0])))).toBe(false);
  });

  it("refuses an empty file as the streaming reader does", async () => {
    const wh = await openDuckDbWarehouse({ path: ":memory:" });
    try {
      await expect(bulkIngestNdjsonFile(wh, file("blank.ndjson", "\n  \n"), { base })).rejects.toThrow(
        /contains no data rows/,
      );
    } finally {
      await wh.close();
    }
  });
});

describe("bulkIngestNdjsonFile and the key index", () => {
  /** The warehouse with every SQL statement of its bulk sessions recorded. */
  function recording(wh: DuckDbWarehouse): string[] {
    const sqls: string[] = [];
    const open = wh.withBulkSession.bind(wh);
    vi.spyOn(wh, "withBulkSession").mockImplementation((fn) =>
      open((s) =>
        fn({
          ...s,
          run: (sql, params) => (sqls.push(sql), s.run(sql, params)),
          all: (sql, params) => (sqls.push(sql), s.all(sql, params)),
        }),
      ),
    );
    return sqls;
  }
  const ordinary = (from: number, n: number) =>
    Array.from({ length: n }, (_, i) =>
      JSON.stringify({
        event_id: `k-${from + i}`,
        event_name: "page_view",
        timestamp: "2026-06-01T11:00:00.000Z",
        user_id: `u${i % 7}`,
      }),
    ).join("\n") + "\n";

  it("builds the key once after a load into an empty table, then keeps it up to date", async () => {
    const wh = await openDuckDbWarehouse({ path: ":memory:" });
    const sqls = recording(wh);
    try {
      const first = await bulkIngestNdjsonFile(wh, file("k1.ndjson", ordinary(0, 300)), {
        base,
        maxLineBytes: MAX_LINE,
      });
      expect(sqls.some((q) => q.startsWith("DROP INDEX"))).toBe(true);
      sqls.length = 0;
      // Overlapping ids: the rebuilt index deduplicates, and the table is no longer empty.
      const second = await bulkIngestNdjsonFile(wh, file("k2.ndjson", ordinary(200, 300)), {
        base,
        maxLineBytes: MAX_LINE,
      });
      expect(sqls.some((q) => q.startsWith("DROP INDEX"))).toBe(false);
      expect([first.inserted, second.inserted, second.duplicates]).toEqual([300, 200, 100]);
      const { rows } = await wh.query({
        label: "t",
        sql: "SELECT count(*) AS n, count(DISTINCT event_id) AS ids, (SELECT count(*) FROM duckdb_indexes() WHERE index_name = 'standard_events_key') AS idx FROM main.standard_events",
      });
      expect(rows[0]).toEqual({ n: 500, ids: 500, idx: 1 });
    } finally {
      await wh.close();
    }
  });

  it("keeps the index when the slice repeats an id (the first occurrence wins through ON CONFLICT)", async () => {
    const wh = await openDuckDbWarehouse({ path: ":memory:" });
    const sqls = recording(wh);
    try {
      const text = ordinary(0, 50) + ordinary(10, 1).replace('"u0"', '"later"');
      const out = await bulkIngestNdjsonFile(wh, file("k3.ndjson", text), { base, maxLineBytes: MAX_LINE });
      expect(sqls.some((q) => q.startsWith("DROP INDEX"))).toBe(false);
      expect([out.inserted, out.duplicates]).toEqual([50, 1]);
      const { rows } = await wh.query({
        label: "t",
        sql: "SELECT user_id FROM main.standard_events WHERE event_id = 'k-10'",
      });
      expect(rows).toEqual([{ user_id: "u3" }]);
    } finally {
      await wh.close();
    }
  });
});
