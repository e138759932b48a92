import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { analyzeAttribution } from "../../../../src/cli/commands/analyze-attribution";
import { CliError } from "../../../../src/cli/output";
import { FIXTURES } from "./helpers";

function capture(): { out: () => string } {
  let buf = "";
  vi.spyOn(process.stdout, "write").mockImplementation((s: string | Uint8Array) => {
    buf += String(s);
    return true;
  });
  vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => {
    buf += a.join(" ") + "\n";
  });
  return { out: () => buf };
}

afterEach(() => vi.restoreAllMocks());

const hand = join(FIXTURES, "hand.csv");
const base = ["--data", hand, "--path", "path", "--conversions", "total_conversions"];

describe("cfap analyze attribution", () => {
  it("reads ChannelAttribution's ';' format and prints the envelope with one row per (model, channel)", async () => {
    const c = capture();
    const code = await analyzeAttribution([
      ...base,
      "--value",
      "total_conversion_value",
      "--nulls",
      "total_null",
      "--times",
      "ages",
      "--json",
    ]);
    expect(code).toBe(0);
    const env = JSON.parse(c.out()) as {
      model: string;
      estimates: { term: string; model: string; estimate: number; value: number }[];
      diagnostics: {
        markov: { removal_effects: { channel: string; removal_effect: number }[] };
        reconciles: boolean;
      };
    };
    expect(env.model).toBe("attribution");
    expect(env.estimates).toHaveLength(8 * 3);
    expect(env.estimates.find((e) => e.model === "markov" && e.term === "b")?.estimate).toBeCloseTo(2, 12);
    expect(env.diagnostics.markov.removal_effects.map((e) => e.removal_effect)).toEqual([
      expect.closeTo(0.625, 12),
      expect.closeTo(0.75, 12),
      expect.closeTo(0.125, 12),
    ]);
    expect(env.diagnostics.reconciles).toBe(true);
  });

  it("prints a channels × models table and honours --models and --order", async () => {
    const c = capture();
    expect(
      await analyzeAttribution([
        ...base,
        "--nulls",
        "total_null",
        "--models",
        "first,markov",
        "--order",
        "2",
      ]),
    ).toBe(0);
    expect(c.out()).toMatch(/channel\s+first\s+markov/);
    expect(c.out()).toMatch(/Markov removal effects/);
    expect(c.out()).toMatch(/totals reconcile: yes/);
  });

  it("reads ',' files with irregular spacing and empty parts (the trim-every-part route)", async () => {
    const c = capture();
    const messy = join(FIXTURES, "messy.csv");
    expect(
      await analyzeAttribution([
        "--data",
        messy,
        "--path",
        "path",
        "--conversions",
        "conv",
        "--nulls",
        "nulls",
        "--models",
        "linear,markov",
        "--json",
      ]),
    ).toBe(0);
    const env = JSON.parse(c.out()) as {
      estimates: { term: string; model: string; estimate: number }[];
      diagnostics: { markov: { removal_effects: { channel: string; removal_effect: number }[] } };
    };
    expect(env.diagnostics.markov.removal_effects.map((e) => [e.channel, e.removal_effect])).toEqual([
      ["a", expect.closeTo(0.625, 12)],
      ["b", expect.closeTo(0.75, 12)],
      ["c", expect.closeTo(0.125, 12)],
    ]);
    expect(env.estimates.find((e) => e.model === "linear" && e.term === "a")?.estimate).toBeCloseTo(
      5 / 3,
      12,
    );
  });

  it("reads a file without a header (columns column0, column1, …)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cfap-attr-cli-"));
    try {
      const f = join(dir, "paths.csv");
      writeFileSync(f, "a > b;2;1\nb;1;2\na > c > a;1;0\nc;0;3\n");
      const c = capture();
      const argv = ["--data", f, "--path", "column0", "--conversions", "column1", "--nulls", "column2"];
      expect(await analyzeAttribution([...argv, "--models", "markov", "--json"])).toBe(0);
      const env = JSON.parse(c.out()) as { estimates: { term: string; estimate: number }[] };
      expect(env.estimates.map((e) => [e.term, e.estimate])).toEqual([
        ["a", expect.closeTo(5 / 3, 12)],
        ["b", expect.closeTo(2, 12)],
        ["c", expect.closeTo(1 / 3, 12)],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("names a missing column and an unknown model", async () => {
    await expect(analyzeAttribution([...base, "--nulls", "nope"])).rejects.toThrow(
      /--nulls: column "nope" is not in/,
    );
    await expect(analyzeAttribution([...base, "--models", "first,magic"])).rejects.toBeInstanceOf(CliError);
    await expect(analyzeAttribution(["--path", "p"])).rejects.toThrow(/--data is required/);
  });
});
