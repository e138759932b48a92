import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { analyzeGeoDesign } from "../../../../src/cli/commands/analyze-geo-design";

let out: string[];
beforeEach(() => {
  out = [];
  vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => void out.push(a.join(" ")));
  vi.spyOn(process.stdout, "write").mockImplementation(
    (s: string | Uint8Array) => (out.push(String(s)), true),
  );
});
afterEach(() => vi.restoreAllMocks());

describe("cfap analyze geo_design", () => {
  it("ranks market sets from a CSV", async () => {
    const dir = mkdtempSync(join(tmpdir(), "geo-"));
    const rows = ["geo,day,sales"];
    for (let i = 0; i < 8; i++)
      for (let d = 0; d < 40; d++)
        rows.push(`m${i},${d},${100 + 7 * i + 3 * Math.sin(d / 4 + i) + ((i * 31 + d * 17) % 7) / 7}`);
    writeFileSync(join(dir, "geo.csv"), rows.join("\n"));
    const args = [
      "--data",
      join(dir, "geo.csv"),
      "--unit",
      "geo",
      "--time",
      "day",
      "--outcome",
      "sales",
      "--test-length",
      "5",
      "--expected-effect",
      "0.1",
      "--windows",
      "5",
      "--top",
      "3",
    ];
    expect(await analyzeGeoDesign(args)).toBe(0);
    expect(out.join("\n")).toMatch(/best: /);
    out = [];
    expect(await analyzeGeoDesign([...args, "--budget", "1", "--cpic", "10", "--json"])).toBe(0);
    const env = JSON.parse(out.join(""));
    expect(env.diagnostics.feasible).toBe(false);
  }, 60_000);
});
