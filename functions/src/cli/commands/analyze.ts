import { CliError } from "../output";
import { AB_HELP, analyzeAb } from "./analyze-ab";
import { ATTRIBUTION_HELP, analyzeAttribution } from "./analyze-attribution";
import { DID_HELP, analyzeDid } from "./analyze-did";
import { FUNNEL_HELP, analyzeFunnel } from "./analyze-funnel";
import { GEO_DESIGN_HELP, analyzeGeoDesign } from "./analyze-geo-design";
import { POWER_HELP, analyzePower } from "./analyze-power";
import { SYNTH_HELP, analyzeSynth } from "./analyze-synth";

/** `cfap analyze <model> …`: one subcommand per model, each in its own file. */
const ANALYZERS: Record<string, { run: (argv: string[]) => Promise<number>; help: string }> = {
  did: { run: analyzeDid, help: DID_HELP },
  ab: { run: (argv) => analyzeAb(argv), help: AB_HELP },
  power: { run: (argv) => analyzePower(argv), help: POWER_HELP },
  attribution: { run: analyzeAttribution, help: ATTRIBUTION_HELP },
  funnel: { run: analyzeFunnel, help: FUNNEL_HELP },
  synth: { run: (argv) => analyzeSynth(argv), help: SYNTH_HELP },
  geo_design: { run: (argv) => analyzeGeoDesign(argv), help: GEO_DESIGN_HELP },
};

export const ANALYZE_HELP = Object.values(ANALYZERS)
  .map((a) => a.help)
  .join("\n\n");

export async function analyzeCommand(argv: string[]): Promise<number> {
  const [model, ...rest] = argv;
  const analyzer = model ? ANALYZERS[model] : undefined;
  if (!analyzer) {
    throw new CliError(
      `unknown model '${model ?? ""}' (choose from ${Object.keys(ANALYZERS).join(", ")})\n\n${ANALYZE_HELP}`,
    );
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    console.log(analyzer.help);
    return 0;
  }
  return analyzer.run(rest);
}
