/** `cfap analyze geo_design`: rank treatment market sets for a geo test from a unit × period CSV. */
import { parseArgs } from "node:util";
import type { ResultEnvelope } from "../../contracts/result";
import { geoDesignModel } from "../../models/geo-design";
import { createRegistry, type ModelRegistry } from "../../models/registry";
import { runModelOnCsv } from "../csv-model";
import { CliError, formatNumber, printJson, splitList, table } from "../output";

export const GEO_DESIGN_HELP = `cfap analyze geo_design --data <panel.csv> --unit <col> --time <col> --outcome <col>
  --test-length <periods> --expected-effect <relative, e.g. 0.05>
  [--sizes 1,2,3] [--include a,b] [--exclude c] [--candidates a,b,c,…] [--windows 20] [--top 10]
  [--max-sets 2000] [--budget <amount> --cpic <cost per incremental unit>] [--alpha 0.1] [--power 0.8]
  [--seed 1] [--json]

Ranks treatment market sets by simulated power (historical windows, effect injected, conformal test),
minimum detectable effect and pre-period fit. Seeded and deterministic; parallel on worker threads.`;

export async function analyzeGeoDesign(argv: string[], registry?: ModelRegistry): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: "string" },
      unit: { type: "string" },
      time: { type: "string" },
      outcome: { type: "string" },
      "test-length": { type: "string" },
      "expected-effect": { type: "string" },
      sizes: { type: "string" },
      include: { type: "string" },
      exclude: { type: "string" },
      candidates: { type: "string" },
      windows: { type: "string" },
      top: { type: "string" },
      "max-sets": { type: "string" },
      budget: { type: "string" },
      cpic: { type: "string" },
      alpha: { type: "string" },
      power: { type: "string" },
      seed: { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  for (const flag of ["data", "unit", "time", "outcome", "test-length", "expected-effect"] as const) {
    if (!values[flag]) throw new CliError(`--${flag} is required\n\n${GEO_DESIGN_HELP}`);
  }
  const n = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const params: Record<string, unknown> = {
    source: {
      kind: "table",
      table: "cli_panel",
      unit: values.unit,
      time: values.time,
      outcome: values.outcome,
    },
    test_length: n(values["test-length"]),
    expected_effect: n(values["expected-effect"]),
    ...(values.sizes ? { treatment_sizes: splitList(values.sizes).map(Number) } : {}),
    ...(values.include ? { include: splitList(values.include) } : {}),
    ...(values.exclude ? { exclude: splitList(values.exclude) } : {}),
    ...(values.candidates ? { candidates: splitList(values.candidates) } : {}),
    ...(values.windows ? { n_windows: n(values.windows) } : {}),
    ...(values.top ? { top_sets: n(values.top) } : {}),
    ...(values["max-sets"] ? { max_sets: n(values["max-sets"]) } : {}),
    ...(values.budget ? { budget: n(values.budget) } : {}),
    ...(values.cpic ? { cost_per_incremental: n(values.cpic) } : {}),
    ...(values.alpha ? { alpha: n(values.alpha) } : {}),
    ...(values.power ? { power_target: n(values.power) } : {}),
    ...(values.seed ? { seed: n(values.seed) } : {}),
  };
  const result = await runModelOnCsv({
    data: values.data as string,
    table: "cli_panel",
    model: "geo_design",
    params,
    columns: { unit: values.unit, time: values.time, outcome: values.outcome },
    registry: registry ?? createRegistry([geoDesignModel]),
  });
  if (values.json) printJson(result);
  else printDesign(result);
  return 0;
}

function printDesign(r: ResultEnvelope): void {
  const d = r.diagnostics as {
    feasible?: boolean;
    reason?: string;
    ranked?: {
      rank: number;
      markets: string[];
      power: number;
      mde: number | null;
      scaled_pre_rmspe: number | null;
      cost: number | null;
    }[];
    simulations?: number;
    parallel?: { mode: string; threads: number };
    windows?: { count: number };
    test_length?: number;
  };
  if (!d.feasible) {
    console.log(`no feasible market set: ${d.reason ?? "unknown reason"}`);
  } else {
    console.log(
      `${r.model} ${r.model_version}: ${d.simulations} simulations over ${d.windows?.count} windows of ${d.test_length} periods (${d.parallel?.mode}, ${d.parallel?.threads} thread(s))\n`,
    );
    console.log(
      table(
        (d.ranked ?? []).map((s) => ({
          rank: s.rank,
          markets: s.markets.join(" "),
          power: s.power,
          mde: s.mde,
          scaled_pre_rmspe: s.scaled_pre_rmspe,
          ...(s.cost !== null ? { cost: s.cost } : {}),
        })),
      ),
    );
    const best = d.ranked?.[0];
    if (best)
      console.log(
        `\nbest: ${best.markets.join(", ")} — power ${formatNumber(best.power)}${best.mde !== null ? `, MDE ${formatNumber(best.mde)}` : ""}`,
      );
  }
  for (const w of r.warnings) console.log(`warning: ${w}`);
}
