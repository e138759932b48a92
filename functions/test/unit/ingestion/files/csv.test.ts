import { describe, expect, it } from "vitest";
import { detectDelimiter, FileReadError, parseCsvFields } from "../../../../src/ingestion/files";
import { chunked, readAll, readError, values } from "./helpers";

const b = (s: string) => Buffer.from(s, "utf8");

describe("CSV reader", () => {
  it("maps header + rows to objects; index excludes the header; line is physical", async () => {
    const rows = await readAll(b("event,user_id\npage_view,u1\nsignup,u2\n"), "drop.csv");
    expect(rows).toEqual([
      { index: 0, line: 2, ok: true, value: { event: "page_view", user_id: "u1" }, raw: "page_view,u1" },
      { index: 1, line: 3, ok: true, value: { event: "signup", user_id: "u2" }, raw: "signup,u2" },
    ]);
  });

  it("handles CRLF and a last record without newline", async () => {
    const rows = await readAll(b("a,b\r\n1,2\r\n3,4"), "x.csv");
    expect(values(rows)).toEqual([
      { a: "1", b: "2" },
      { a: "3", b: "4" },
    ]);
    expect(rows[0].raw).toBe("1,2");
  });

  it("handles quoted fields: embedded delimiters, doubled quotes, LF and CRLF newlines", async () => {
    const csv = 'a,b,c\r\n"x, y","say ""hi""","line1\r\nline2\nline3"\r\nnext,2,3\r\n';
    const rows = await readAll(b(csv), "x.csv");
    expect(values(rows)).toEqual([
      { a: "x, y", b: 'say "hi"', c: "line1\r\nline2\nline3" },
      { a: "next", b: "2", c: "3" },
    ]);
    // The multi-line record starts on line 2; the following record on physical line 5.
    expect(rows.map((r) => [r.index, r.line])).toEqual([
      [0, 2],
      [1, 5],
    ]);
  });

  it("treats a quote inside an unquoted field literally (does not swallow following lines)", async () => {
    const rows = await readAll(b('name,size\nTV 55" screen,big\nx,y\n'), "x.csv");
    expect(values(rows)).toEqual([
      { name: 'TV 55" screen', size: "big" },
      { name: "x", size: "y" },
    ]);
  });

  it("rejects text after a closing quote", async () => {
    const rows = await readAll(b('a,b\n"x"y,1\nok,2\n'), "x.csv");
    expect(rows[0]).toMatchObject({
      ok: false,
      path: "a",
      reason: "unexpected character after closing quote in column 1",
    });
    expect(rows[1]).toMatchObject({ ok: true, value: { a: "ok", b: "2" } });
  });

  it("rejects rows with the wrong number of columns", async () => {
    const rows = await readAll(b("a,b,c\n1,2\n1,2,3,4\n1,2,3\n"), "x.csv");
    expect(rows.map((r) => (r.ok ? "ok" : r.reason))).toEqual([
      "expected 3 columns, found 2",
      "expected 3 columns, found 4",
      "ok",
    ]);
    expect(rows[0]).toMatchObject({ index: 0, line: 2, path: null, raw: "1,2" });
  });

  it("omits empty cells (quoted or not) instead of producing empty strings", async () => {
    const rows = await readAll(b('a,b,c\n1,,""\n,,3\n'), "x.csv");
    expect(values(rows)).toEqual([{ a: "1" }, { c: "3" }]);
  });

  it("skips blank lines", async () => {
    const rows = await readAll(b("\na,b\n\n1,2\r\n\r\n3,4\n\n"), "x.csv");
    expect(rows.map((r) => [r.index, r.line])).toEqual([
      [0, 4],
      [1, 6],
    ]);
  });

  it.each([
    [",", "a,b,c\n1,2,3\n"],
    [";", "a;b;c\n1;2;3\n"],
    ["\t", "a\tb\tc\n1\t2\t3\n"],
    ["|", "a|b|c\n1|2|3\n"],
  ])("auto-detects delimiter %j", async (_d, csv) => {
    expect(values(await readAll(b(csv), "x.csv"))).toEqual([{ a: "1", b: "2", c: "3" }]);
  });

  it("detects the delimiter from the header only, ignoring quoted text", () => {
    expect(detectDelimiter('"a,b,c";d;e')).toBe(";");
    expect(detectDelimiter("a,b;c")).toBe(",");
    expect(detectDelimiter("single")).toBe(",");
    expect(parseCsvFields('x;"y;z";', ";")).toEqual(["x", "y;z", ""]);
  });

  it("maps dotted headers to nested objects and parses a properties JSON column", async () => {
    const csv =
      "event,context.utm_source,context.page.path,traits.plan,properties\n" +
      'buy,google,/p,pro,"{""plan"":""pro"",""seats"":3,""tags"":[""a""]}"\n' +
      "view,,,,\n";
    const rows = await readAll(b(csv), "x.csv");
    expect(values(rows)).toEqual([
      {
        event: "buy",
        context: { utm_source: "google", page: { path: "/p" } },
        traits: { plan: "pro" },
        properties: { plan: "pro", seats: 3, tags: ["a"] },
      },
      { event: "view" },
    ]);
  });

  it("keeps properties.* columns as strings", async () => {
    const rows = await readAll(b("event,properties.plan,properties.seats\nbuy,pro,007\n"), "x.csv");
    expect(values(rows)).toEqual([{ event: "buy", properties: { plan: "pro", seats: "007" } }]);
  });

  it("rejects a properties cell that is not a JSON object, with path 'properties'", async () => {
    const rows = await readAll(
      b('event,properties\na,"[1,2]"\nb,{oops}\nc,"{""__proto__"":{}}"\nd,"{}"\n'),
      "x.csv",
    );
    expect(rows.map((r) => (r.ok ? "ok" : `${r.path}: ${r.reason.split(":")[0]}`))).toEqual([
      "properties: properties must be a JSON object",
      "properties: invalid JSON",
      'properties: forbidden key "__proto__"',
      "ok",
    ]);
  });

  it("converts only revenue (decimal) and all-digit timestamp (epoch ms) to numbers", async () => {
    const csv =
      "event,revenue,timestamp,quantity,properties.price\n" +
      "a,19.99,1700000000123,3,1.5\n" +
      "b,-2e3,2024-01-02T03:04:05Z,007,x\n" +
      "c,1.2.3,17e5,,\n" +
      "d,0x10,99999999999999999,,\n";
    const rows = await readAll(b(csv), "x.csv");
    expect(values(rows)).toEqual([
      { event: "a", revenue: 19.99, timestamp: 1700000000123, quantity: "3", properties: { price: "1.5" } },
      {
        event: "b",
        revenue: -2000,
        timestamp: "2024-01-02T03:04:05Z",
        quantity: "007",
        properties: { price: "x" },
      },
      { event: "c", revenue: "1.2.3", timestamp: "17e5" },
      { event: "d", revenue: "0x10", timestamp: "99999999999999999" },
    ]);
  });

  it.each([
    ["duplicate", "a,b,a\n1,2,3\n"],
    ["duplicate after trim", "a, a\n1,2\n"],
    ["empty name", "a,,c\n1,2,3\n"],
    ["prefix conflict", "context,context.x\n1,2\n"],
    ["properties conflict", "properties,properties.plan\n{},x\n"],
    ["__proto__", "__proto__.polluted\n1\n"],
    ["constructor", "a.constructor\n1\n"],
    ["empty segment", "a..b\n1\n"],
    ["malformed", '"a"x,b\n1,2\n'],
  ])("rejects a bad header (%s) with bad_header", async (_label, csv) => {
    const e = await readError(b(csv), "x.csv");
    expect(e).toBeInstanceOf(FileReadError);
    expect(e).toMatchObject({ code: "bad_header" });
  });

  it("tolerates a UTF-8 BOM before the header", async () => {
    const rows = await readAll(
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b("event,n\nx,1\n")]),
      "x.csv",
    );
    expect(values(rows)).toEqual([{ event: "x", n: "1" }]);
  });

  it("fails with not_utf8_header when the header is not UTF-8", async () => {
    const e = await readError(Buffer.concat([b("ev"), Buffer.from([0xe9]), b("nement,b\n1,2\n")]), "x.csv");
    expect(e).toMatchObject({ code: "not_utf8_header", message: expect.stringContaining("byte offset 2") });
  });

  it("rejects a row with invalid UTF-8 (byte offset) and continues, including inside a multi-line quoted field", async () => {
    const head = b('a,b\n1,"x\ny');
    const data = Buffer.concat([head, Buffer.from([0xc3, 0x28]), b('"\n2,ü\n')]);
    for (const chunks of [[data], chunked(data, 1)]) {
      const rows = await readAll(chunks, "x.csv");
      expect(rows).toHaveLength(2);
      expect(rows[0]).toMatchObject({
        index: 0,
        line: 2,
        ok: false,
        reason: `not valid UTF-8 (byte offset ${head.length})`,
      });
      expect(rows[1]).toMatchObject({ index: 1, line: 4, ok: true, value: { a: "2", b: "ü" } });
    }
  });

  it("gives identical results for 1-byte chunks (inside quotes, doubled quotes, CRLF, multibyte)", async () => {
    const csv =
      '\ufeffname;note;properties\r\n"Zoë 😀";"a ""quoted""; value\r\nspanning lines";"{""k"":""中文""}"\r\n' +
      'plain;"";\r\nwrong;cols\r\n"x""";"""";"{}"\r\nlast;"ends with quote""";';
    const data = b(csv);
    const whole = await readAll(data, "x.csv");
    expect(whole.map((r) => r.ok)).toEqual([true, true, false, true, true]);
    expect(values(whole)[0]).toEqual({
      name: "Zoë 😀",
      note: 'a "quoted"; value\r\nspanning lines',
      properties: { k: "中文" },
    });
    expect(values(whole)[3]).toEqual({ name: 'x"', note: '"', properties: {} });
    expect(values(whole)[4]).toEqual({ name: "last", note: 'ends with quote"' });
    for (const size of [1, 2, 3, 5]) {
      expect(await readAll(chunked(data, size), "x.csv")).toEqual(whole);
    }
  });

  it("accepts a closing quote as the very last byte of the file (1-byte chunks)", async () => {
    const data = b('a,b\n1,"x ""y"""');
    expect(values(await readAll(chunked(data, 1), "x.csv"))).toEqual([{ a: "1", b: 'x "y"' }]);
  });

  it("rejects an unterminated quoted field at end of file", async () => {
    const rows = await readAll(b('a,b\n1,2\n3,"open\nmore\n'), "x.csv");
    expect(rows[1]).toMatchObject({ index: 1, line: 3, ok: false, reason: "unterminated quoted field" });
  });

  it("rejects an over-long record (even inside quotes) and resynchronises at the record end", async () => {
    const big = "z".repeat(3000);
    const data = b(`a,b\n1,2\n"${big}\n${big}",3\n4,5\n6,${big}\n7,8\n`);
    for (const chunks of [[data], chunked(data, 100), chunked(data, 1)]) {
      const rows = await readAll(chunks, "x.csv", { maxLineBytes: 1000 });
      expect(rows.map((r) => [r.index, r.line, r.ok])).toEqual([
        [0, 2, true],
        [1, 3, false],
        [2, 5, true],
        [3, 6, false],
        [4, 7, true],
      ]);
      expect(rows[1]).toMatchObject({ reason: "record exceeds maxLineBytes (1000 bytes)" });
      expect(values(rows)[2]).toEqual({ a: "4", b: "5" });
    }
  });

  it("fails with bad_header when the header exceeds maxLineBytes", async () => {
    const header = Array.from({ length: 300 }, (_, i) => `col${i}`).join(",");
    expect(await readError(chunked(b(`${header}\n`), 64), "x.csv", { maxLineBytes: 1000 })).toMatchObject({
      code: "bad_header",
    });
  });

  it("throws empty when there is no header or no data rows", async () => {
    expect(await readError(b("\n\n"), "x.csv")).toMatchObject({ code: "empty" });
    expect(await readError(b("a,b\n"), "x.csv")).toMatchObject({ code: "empty" });
  });

  it("detects CSV by sniffing when the name has no extension", async () => {
    expect(values(await readAll(b("a;b\n1;2\n"), "upload"))).toEqual([{ a: "1", b: "2" }]);
  });
});
