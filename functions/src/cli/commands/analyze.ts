import { CliError } from "../output";

interface Analyzer {
  run: (argv: string[]) => Promise<number>;
  help: string;
}

/**
 * `cfap analyze <model> …`: one subcommand per model, each in its own file, loaded only when it
 * runs (or for the help text): `cfap analyze did` need not load the other models. `require` for the
 * reason given in ../main.ts.
 */
const ANALYZERS: Record<string, () => Analyzer> = {
  did: () => {
    const m = require("./analyze-did") as typeof import("./analyze-did");
    return { run: m.analyzeDid, help: m.DID_HELP };
  },
  ab: () => {
    const m = require("./analyze-ab") as typeof import("./analyze-ab");
    return { run: (argv) => m.analyzeAb(argv), help: m.AB_HELP };
  },
  power: () => {
    const m = require("./analyze-power") as typeof import("./analyze-power");
    return { run: (argv) => m.analyzePower(argv), help: m.POWER_HELP };
  },
  attribution: () => {
    const m = require("./analyze-attribution") as typeof import("./analyze-attribution");
    return { run: m.analyzeAttribution, help: m.ATTRIBUTION_HELP };
  },
  funnel: () => {
    const m = require("./analyze-funnel") as typeof import("./analyze-funnel");
    return { run: m.analyzeFunnel, help: m.FUNNEL_HELP };
  },
  synth: () => {
    const m = require("./analyze-synth") as typeof import("./analyze-synth");
    return { run: (argv) => m.analyzeSynth(argv), help: m.SYNTH_HELP };
  },
  geo_design: () => {
    const m = require("./analyze-geo-design") as typeof import("./analyze-geo-design");
    return { run: (argv) => m.analyzeGeoDesign(argv), help: m.GEO_DESIGN_HELP };
  },
};

/** Every analyzer's help (loads them all). */
export function analyzeHelp(): string {
  return Object.values(ANALYZERS)
    .map((load) => load().help)
    .join("\n\n");
}

export async function analyzeCommand(argv: string[]): Promise<number> {
  const [model, ...rest] = argv;
  const load = model ? ANALYZERS[model] : undefined;
  if (!load) {
    throw new CliError(
      `unknown model '${model ?? ""}' (choose from ${Object.keys(ANALYZERS).join(", ")})\n\n${analyzeHelp()}`,
    );
  }
  const analyzer = load();
  if (rest.includes("--help") || rest.includes("-h")) {
    console.log(analyzer.help);
    return 0;
  }
  return analyzer.run(rest);
}
