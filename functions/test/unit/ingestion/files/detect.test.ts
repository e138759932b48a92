import { describe, expect, it } from "vitest";
import { detectFormat, hasGzipSuffix, isGzipMagic } from "../../../../src/ingestion/files";

const b = (s: string) => Buffer.from(s, "utf8");

describe("detectFormat", () => {
  it.each([
    ["drops/ws1/events.csv", "csv"],
    ["drops/ws1/EVENTS.CSV.GZ", "csv"],
    ["a.tsv", "csv"],
    ["a.ndjson", "ndjson"],
    ["a.jsonl.gz", "ndjson"],
    ["a.json", "ndjson"],
    ["a.json.gzip", "ndjson"],
  ])("from the name %s → %s", (name, format) => {
    expect(detectFormat(name, b("whatever"))).toBe(format);
    expect(detectFormat(name)).toBe(format);
  });

  it("sniffs content when the name is inconclusive", () => {
    expect(detectFormat("upload", b('\ufeff \n {"a":1}'))).toBe("ndjson");
    expect(detectFormat("upload.txt", b("a;b;c\n1;2;3"))).toBe("csv");
    expect(detectFormat("upload.txt", b("a\tb\n"))).toBe("csv");
    expect(detectFormat("upload.txt", b("hello\nworld,x"))).toBeNull();
    expect(detectFormat("upload", Buffer.from([0x1f, 0x8b, 8, 0]))).toBeNull();
    expect(detectFormat("dir.v2/upload")).toBeNull();
    expect(detectFormat("upload", Buffer.alloc(0))).toBeNull();
  });

  it("recognises gzip by magic bytes and suffix", () => {
    expect(isGzipMagic(Buffer.from([0x1f, 0x8b]))).toBe(true);
    expect(isGzipMagic(Buffer.from([0x1f]))).toBe(false);
    expect(hasGzipSuffix("x.CSV.GZ")).toBe(true);
    expect(hasGzipSuffix("x.csv")).toBe(false);
  });
});
