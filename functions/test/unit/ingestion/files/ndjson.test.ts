import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { FileReadError, readRows, RAW_MAX_BYTES } from "../../../../src/ingestion/files";
import { chunked, LIMITS, readAll, readBatches, readError, values } from "./helpers";

const b = (s: string) => Buffer.from(s, "utf8");

describe("NDJSON reader", () => {
  it("parses one object per line with 0-based index and 1-based physical line", async () => {
    const rows = await readAll(
      b('{"event":"a","n":1}\n{"event":"b","context":{"x":[1,2]}}\n'),
      "drop.ndjson",
    );
    expect(rows).toEqual([
      { index: 0, line: 1, ok: true, value: { event: "a", n: 1 }, raw: '{"event":"a","n":1}' },
      {
        index: 1,
        line: 2,
        ok: true,
        value: { event: "b", context: { x: [1, 2] } },
        raw: '{"event":"b","context":{"x":[1,2]}}',
      },
    ]);
  });

  it("skips blank and whitespace-only lines without counting them as rows", async () => {
    const rows = await readAll(b('\n{"a":1}\n\n   \n\t\r\n{"a":2}\n\n'), "x.jsonl");
    expect(rows.map((r) => [r.index, r.line])).toEqual([
      [0, 2],
      [1, 6],
    ]);
  });

  it("accepts CRLF line endings and a last line without newline", async () => {
    const rows = await readAll(b('{"a":1}\r\n{"a":2}\r\n{"a":3}'), "x.ndjson");
    expect(values(rows)).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
    expect(rows[1].raw).toBe('{"a":2}');
  });

  it("rejects invalid JSON with a reason and continues", async () => {
    const rows = await readAll(b('{"a":1}\n{"a":\n{"a":3}\n'), "x.ndjson");
    expect(rows[1]).toMatchObject({ index: 1, line: 2, ok: false, path: null, raw: '{"a":' });
    expect((rows[1] as { reason: string }).reason).toMatch(/^invalid JSON: /);
    expect(rows[2]).toMatchObject({ ok: true, value: { a: 3 } });
  });

  it.each([["[1,2]"], ["42"], ['"str"'], ["null"], ["true"]])(
    "rejects non-object JSON value %s",
    async (line) => {
      const rows = await readAll(b(`{"ok":1}\n${line}\n`), "x.ndjson");
      expect(rows[1]).toMatchObject({ ok: false, reason: "each line must be a JSON object", raw: line });
    },
  );

  it("tolerates a UTF-8 BOM at the start (only there)", async () => {
    const rows = await readAll(
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b('{"a":1}\n\ufeff{"a":2}\n')]),
      "x.ndjson",
    );
    expect(rows[0]).toMatchObject({ ok: true, value: { a: 1 }, line: 1 });
    expect(rows[1]).toMatchObject({ ok: false, line: 2 });
  });

  it("rejects a line with invalid UTF-8, reports the byte offset, and resynchronises at the next newline", async () => {
    const prefix = b('{"a":1}\n{"a":"x');
    const data = Buffer.concat([prefix, Buffer.from([0xff, 0xfe]), b('"}\n{"a":"é"}\n')]);
    for (const chunks of [[data], chunked(data, 1), chunked(data, 5)]) {
      const rows = await readAll(chunks, "x.ndjson");
      expect(rows).toHaveLength(3);
      expect(rows[0]).toMatchObject({ ok: true, value: { a: 1 } });
      expect(rows[1]).toMatchObject({
        index: 1,
        line: 2,
        ok: false,
        path: null,
        reason: `not valid UTF-8 (byte offset ${prefix.length})`,
      });
      expect(rows[2]).toMatchObject({ index: 2, line: 3, ok: true, value: { a: "é" } });
    }
  });

  it("stays linear on a hostile file where every line has invalid UTF-8", async () => {
    const bad = Buffer.concat([b('{"a":"'), Buffer.from([0xff]), b('"}\n')]);
    const data = Buffer.concat(Array.from({ length: 200_000 }, () => bad)); // 2 MB, 200k bad lines
    const t0 = Date.now();
    const rows = await readAll(data, "x.ndjson", { maxRejectedRows: Infinity });
    expect(rows).toHaveLength(200_000);
    expect(rows.every((r) => !r.ok)).toBe(true);
    expect(rows[199_999]).toMatchObject({
      line: 200_000,
      reason: `not valid UTF-8 (byte offset ${199_999 * 10 + 6})`,
    });
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it("gives up with too_many_rejected after maxRejectedRows rejections", async () => {
    const data = b('{"a":1}\n' + "garbage\n".repeat(50) + '{"a":2}\n');
    expect(await readAll(data, "x.ndjson", { maxRejectedRows: 50 })).toHaveLength(52);
    const e = await readError(data, "x.ndjson", { maxRejectedRows: 49 });
    expect(e).toMatchObject({ code: "too_many_rejected", message: expect.stringContaining("line 51") });
  });

  it("reports overlong encodings and lone surrogates as invalid UTF-8", async () => {
    const data = Buffer.concat([
      b('{"a":"'),
      Buffer.from([0xc0, 0xaf]),
      b('"}\n{"a":"'),
      Buffer.from([0xed, 0xa0, 0x80]),
      b('"}\n{"a":1}\n'),
    ]);
    const rows = await readAll(data, "x.ndjson");
    expect(rows.map((r) => r.ok)).toEqual([false, false, true]);
    expect(rows[0]).toMatchObject({ reason: "not valid UTF-8 (byte offset 6)" });
    expect(rows[1]).toMatchObject({ reason: "not valid UTF-8 (byte offset 17)", line: 2 });
  });

  it("gives identical results for 1-byte chunks (boundaries inside multibyte characters)", async () => {
    const text = '\ufeff{"name":"Zoë 😀 中文"}\r\n\n{"bad":\n[1]\n{"emoji":"🎉🎉","x":{"y":"ñ"}}';
    const data = b(text);
    const whole = await readAll(data, "x.ndjson");
    for (const size of [1, 2, 3, 7]) {
      expect(await readAll(chunked(data, size), "x.ndjson")).toEqual(whole);
    }
    expect(values(whole)[0]).toEqual({ name: "Zoë 😀 中文" });
    expect(values(whole)[3]).toEqual({ emoji: "🎉🎉", x: { y: "ñ" } });
  });

  it("rejects an over-long line and resynchronises (line spread over many chunks)", async () => {
    const long = `{"a":"${"x".repeat(5000)}"}`;
    const data = b(`{"a":1}\n${long}\n{"a":2}\n`);
    for (const chunks of [[data], chunked(data, 64), chunked(data, 1)]) {
      const rows = await readAll(chunks, "x.ndjson", { maxLineBytes: 1000 });
      expect(rows.map((r) => [r.index, r.line, r.ok])).toEqual([
        [0, 1, true],
        [1, 2, false],
        [2, 3, true],
      ]);
      expect(rows[1]).toMatchObject({ reason: "line exceeds maxLineBytes (1000 bytes)" });
      expect(Buffer.byteLength(rows[1].raw)).toBeLessThanOrEqual(RAW_MAX_BYTES);
    }
  });

  it("rejects an over-long last line without trailing newline", async () => {
    const rows = await readAll(chunked(b(`{"a":1}\n{"a":"${"y".repeat(3000)}"}`), 100), "x.ndjson", {
      maxLineBytes: 1000,
    });
    expect(rows.map((r) => r.ok)).toEqual([true, false]);
  });

  it("truncates raw to 2 KiB of UTF-8 without splitting characters", async () => {
    const line = `{"a":"${"é".repeat(3000)}",}`; // invalid JSON (trailing comma) → rejected
    const rows = await readAll(b(line + "\n"), "x.ndjson");
    expect(rows[0].ok).toBe(false);
    expect(Buffer.byteLength(rows[0].raw)).toBeLessThanOrEqual(RAW_MAX_BYTES);
    expect(Buffer.byteLength(rows[0].raw)).toBeGreaterThan(RAW_MAX_BYTES - 4);
    expect(line.startsWith(rows[0].raw)).toBe(true);
  });

  it('rejects objects with a "__proto__" key (also \\u-escaped) and never pollutes prototypes', async () => {
    const rows = await readAll(
      b(
        '{"__proto__":{"polluted":1}}\n{"a":{"\\u005f_proto__":{"polluted":1}}}\n{"note":"\\u00e9"}\n{"constructor":{"prototype":{"polluted":1}}}\n',
      ),
      "x.ndjson",
    );
    expect(rows.map((r) => r.ok)).toEqual([false, false, true, true]);
    expect(rows[0]).toMatchObject({ reason: 'forbidden key "__proto__"' });
    expect(values(rows)[2]).toEqual({ note: "é" });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("yields batches of at most batchSize rows, in order", async () => {
    const lines = Array.from({ length: 12_345 }, (_, i) => JSON.stringify({ i }));
    const batches = await readBatches(b(lines.join("\n")), "x.ndjson", { batchSize: 5000 });
    expect(batches.every((x) => x.length > 0 && x.length <= 5000)).toBe(true);
    const rows = batches.flat();
    expect(rows).toHaveLength(12_345);
    expect(rows.every((r, i) => r.index === i && r.line === i + 1 && r.ok && r.value.i === i)).toBe(true);
  });

  it("accepts a Node Readable stream and Uint8Array chunks", async () => {
    const stream = Readable.from([new Uint8Array(b('{"a":1}\n{"a"')), b(":2}\n")]);
    const rows = [];
    for await (const batch of readRows(stream, "x.ndjson", LIMITS)) rows.push(...batch);
    expect(values(rows)).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it("closes the source when the consumer stops early (plain input)", async () => {
    let closed = false;
    const endless = (async function* () {
      try {
        for (;;) yield b('{"a":1}\n'.repeat(1000));
      } finally {
        closed = true;
      }
    })();
    for await (const batch of readRows(endless, "x.ndjson", { ...LIMITS, batchSize: 10 })) {
      expect(batch).toHaveLength(10);
      break;
    }
    expect(closed).toBe(true);
  });

  it("closes the source when detection fails", async () => {
    let closed = false;
    const src = (async function* () {
      try {
        yield b("plain text without any format\n");
        yield b("more\n");
      } finally {
        closed = true;
      }
    })();
    await expect(
      (async () => {
        for await (const batch of readRows(src, "notes.txt", LIMITS)) void batch;
      })(),
    ).rejects.toMatchObject({ code: "unsupported_format" });
    expect(closed).toBe(true);
  });

  it("throws empty for an empty file or a file of blank lines", async () => {
    expect(await readError(Buffer.alloc(0), "x.ndjson")).toMatchObject({ code: "empty" });
    expect(await readError(b("\n\n  \r\n"), "x.ndjson")).toMatchObject({ code: "empty" });
  });

  it("throws unsupported_format for a JSON array document and for undetectable formats", async () => {
    const e = await readError(b('[\n  {"a":1}\n]\n'), "x.json");
    expect(e).toBeInstanceOf(FileReadError);
    expect(e).toMatchObject({ code: "unsupported_format" });
    expect(await readError(b("hello world\n"), "notes.txt")).toMatchObject({ code: "unsupported_format" });
  });

  it("throws too_large when plain input exceeds maxDecompressedBytes", async () => {
    const data = b('{"a":1}\n'.repeat(1000));
    expect(await readError(chunked(data, 100), "x.ndjson", { maxDecompressedBytes: 4000 })).toMatchObject({
      code: "too_large",
    });
  });

  it("sniffs NDJSON from content when the name has no known extension", async () => {
    expect(values(await readAll(b('  {"a":1}\n'), "upload.bin"))).toEqual([{ a: 1 }]);
  });

  it("validates options", async () => {
    await expect(readAll(b("{}"), "x.ndjson", { maxDecompressedBytes: 0 })).rejects.toBeInstanceOf(
      RangeError,
    );
    await expect(readAll(b("{}"), "x.ndjson", { maxCompressionRatio: Number.NaN })).rejects.toBeInstanceOf(
      RangeError,
    );
  });
});
