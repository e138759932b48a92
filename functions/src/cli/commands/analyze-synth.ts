/**
 * `cfap analyze synth`: synthetic control on a unit × period CSV, in-process, through the same
 * run path as the API (runModelLocally).
 */
import { parseArgs } from "node:util";
import type { ResultEnvelope } from "../../contracts/result";
import { createRegistry, type ModelRegistry } from "../../models/registry";
import { synthModel } from "../../models/synth";
import { runModelOnCsv } from "../csv-model";
import { CliError, formatNumber, printJson, splitList, table } from "../output";

export const SYNTH_HELP = `cfap analyze synth --data <panel.csv> --unit <col> --time <col> --outcome <col>
  --treated-unit <value[,value…]> --treatment-start <period>
  [--predictors a,b@1980-1988,c@1975] [--method outcome|adh|augmented] [--inference placebo|conformal]
  [--multiple aggregate|per_unit] [--exclude-donors x,y] [--alpha 0.05] [--json]

Synthetic control: donor weights on the simplex (exact active-set QP, KKT-checked); --method adh
weights predictors (each the mean of a column over a window, default the whole pre period) with a
data-driven V. Placebo-in-space or conformal inference; interval and p-value from the same test.`;

/** "col", "col@1975" or "col@1980-1988" (numeric periods) or "col@2024-01-01..2024-03-01". */
export function parsePredictor(
  spec: string,
): string | { variable: string; from?: string | number; to?: string | number } {
  const at = spec.lastIndexOf("@");
  if (at <= 0) return spec;
  const variable = spec.slice(0, at);
  const range = spec.slice(at + 1);
  const val = (x: string) => (/^-?\d+(\.\d+)?$/.test(x) ? Number(x) : x);
  const dots = range.split("..");
  if (dots.length === 2) return { variable, from: val(dots[0]), to: val(dots[1]) };
  const m = /^(-?\d+(?:\.\d+)?)-(-?\d+(?:\.\d+)?)$/.exec(range);
  if (m) return { variable, from: Number(m[1]), to: Number(m[2]) };
  return { variable, from: val(range), to: val(range) };
}

export async function analyzeSynth(argv: string[], registry?: ModelRegistry): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: "string" },
      unit: { type: "string" },
      time: { type: "string" },
      outcome: { type: "string" },
      "treated-unit": { type: "string" },
      "treatment-start": { type: "string" },
      predictors: { type: "string" },
      method: { type: "string" },
      inference: { type: "string" },
      multiple: { type: "string" },
      "exclude-donors": { type: "string" },
      alpha: { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  for (const flag of ["data", "unit", "time", "outcome", "treated-unit", "treatment-start"] as const) {
    if (!values[flag]) throw new CliError(`--${flag} is required\n\n${SYNTH_HELP}`);
  }
  const start = values["treatment-start"] as string;
  const params: Record<string, unknown> = {
    source: {
      kind: "table",
      table: "cli_panel",
      unit: values.unit,
      time: values.time,
      outcome: values.outcome,
    },
    treated_units: splitList(values["treated-unit"]),
    treatment_start: /^-?\d+(\.\d+)?$/.test(start) ? Number(start) : start,
    ...(values.method ? { method: values.method } : {}),
    ...(values.inference ? { inference: values.inference } : {}),
    ...(values.multiple ? { multiple: values.multiple } : {}),
    ...(values.predictors ? { predictors: splitList(values.predictors).map(parsePredictor) } : {}),
    ...(values["exclude-donors"] ? { exclude_donors: splitList(values["exclude-donors"]) } : {}),
    ...(values.alpha ? { alpha: Number(values.alpha) } : {}),
  };
  const result = await runModelOnCsv({
    data: values.data as string,
    table: "cli_panel",
    model: "synth",
    params,
    columns: { unit: values.unit, time: values.time, outcome: values.outcome },
    registry: registry ?? createRegistry([synthModel]),
  });
  if (values.json) printJson(result);
  else printSynth(result);
  return 0;
}

function printSynth(r: ResultEnvelope): void {
  const d = r.diagnostics as {
    method?: string;
    n_pre?: number;
    n_post?: number;
    n_donors?: number;
    pre_rmspe?: number;
    scaled_l2_imbalance?: number | null;
    weights?: Record<string, number>;
    inference?: { method?: string; p_value?: number | null; rank?: number; n_units?: number; alpha?: number };
    optimizer?: { converged?: boolean; kkt_residual?: number; iterations?: number };
  };
  console.log(
    `${r.model} ${r.model_version} (${d.method}): ${d.n_pre} pre and ${d.n_post} post periods, ${d.n_donors} donors, ` +
      `${d.inference?.method} inference\n`,
  );
  console.log(
    table(
      r.estimates.map((e) => ({
        term: e.term,
        estimate: e.estimate,
        ci_low: e.ci_low,
        ci_high: e.ci_high,
        p_value: e.p_value,
      })),
    ),
  );
  const w = Object.entries(d.weights ?? {})
    .filter(([, v]) => Math.abs(v) > 1e-6)
    .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]));
  console.log(`\ndonor weights (${w.length} non-zero):`);
  console.log(table(w.slice(0, 15).map(([donor, weight]) => ({ donor, weight }))));
  if (d.inference?.rank !== undefined)
    console.log(`\nplacebo rank ${d.inference.rank} of ${d.inference.n_units}`);
  console.log(
    `pre-period RMSPE ${formatNumber(d.pre_rmspe ?? NaN)}, scaled L2 imbalance ${d.scaled_l2_imbalance == null ? "n/a" : formatNumber(d.scaled_l2_imbalance)}; ` +
      `optimiser ${d.optimizer?.converged ? "converged" : "NOT converged"} (KKT residual ${(d.optimizer?.kkt_residual ?? NaN).toExponential(1)})`,
  );
  for (const x of r.warnings) console.log(`warning: ${x}`);
}
