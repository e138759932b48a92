import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { analyzeSynth, parsePredictor } from "../../../../src/cli/commands/analyze-synth";
import { CliError } from "../../../../src/cli/output";
import { fixtures } from "./helpers";

let out: string[];
beforeEach(() => {
  out = [];
  vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => void out.push(a.join(" ")));
  vi.spyOn(process.stdout, "write").mockImplementation(
    (s: string | Uint8Array) => (out.push(String(s)), true),
  );
});
afterEach(() => vi.restoreAllMocks());

const prop99 = [
  "--data",
  join(fixtures, "prop99.csv"),
  "--unit",
  "state",
  "--time",
  "year",
  "--outcome",
  "cigsale",
  "--treated-unit",
  "California",
  "--treatment-start",
  "1989",
];

describe("cfap analyze synth", () => {
  it("--json prints the envelope with weights, gaps and placebo p-value/rank", async () => {
    expect(await analyzeSynth([...prop99, "--json"])).toBe(0);
    const env = JSON.parse(out.join(""));
    expect(env.model).toBe("synth");
    expect(env.diagnostics.weights.Utah).toBeCloseTo(0.3939, 4);
    expect(Object.keys(env.diagnostics.gaps)).toHaveLength(31);
    expect(env.diagnostics.placebo.rank).toBe(3);
    expect(env.diagnostics.placebo.p_value).toBeCloseTo(3 / 39, 12);
  });

  it("prints a readable summary", async () => {
    await analyzeSynth([...prop99, "--inference", "conformal"]);
    const text = out.join("\n");
    expect(text).toMatch(/att/);
    expect(text).toMatch(/Utah/);
    expect(text).toMatch(/optimiser converged/);
  });

  it("--predictors with windows", async () => {
    expect(parsePredictor("beer@1984-1988")).toEqual({ variable: "beer", from: 1984, to: 1988 });
    expect(parsePredictor("cigsale@1975")).toEqual({ variable: "cigsale", from: 1975, to: 1975 });
    expect(parsePredictor("x@2024-01-01..2024-02-01")).toEqual({
      variable: "x",
      from: "2024-01-01",
      to: "2024-02-01",
    });
    expect(parsePredictor("lnincome")).toBe("lnincome");
  });

  it("errors are one-line CliErrors", async () => {
    await expect(analyzeSynth(prop99.slice(0, 4))).rejects.toBeInstanceOf(CliError);
    await expect(analyzeSynth([...prop99.slice(0, 9), "Atlantis", ...prop99.slice(10)])).rejects.toThrow(
      /invalid_params: treated unit/,
    );
    await expect(analyzeSynth([...prop99, "--method", "adh"])).rejects.toThrow(/predictors/);
    const bad = [...prop99];
    bad[5] = "nope";
    await expect(analyzeSynth(bad)).rejects.toThrow(/column "nope" is not in/);
  });
});
