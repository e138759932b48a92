/**
 * `cfap analyze ab`: experiment analysis of a unit-level CSV (one row per unit) with the same
 * model code as the API — the CSV becomes a DuckDB table and the `ab` model's table source.
 */
import { parseArgs } from "node:util";
import type { ResultEnvelope } from "../../contracts/result";
import { abModel } from "../../models/ab";
import { createRegistry, type ModelRegistry } from "../../models/registry";
import { runModelOnCsv } from "../csv-model";
import { CliError, formatNumber, printJson, table } from "../output";

export const AB_HELP = `cfap analyze ab --data <unit-level.csv> --variant <col> --control <value> --outcome <col>
  [--metric mean|proportion|ratio] [--denominator <col>] [--covariate <pre-period col>]
  [--engine frequentist|bayesian] [--sequential] [--planned-units n] [--time <look col>]
  [--segment <col>] [--correction holm|bh|none] [--split control=1,b=1] [--cap <v> | --cap-quantile <q>]
  [--no-cuped] [--alpha 0.05] [--json]

One row per unit. Each treatment arm is compared with --control: estimate = treatment − control
(Welch t for means, two-proportion z for proportions, delta method for ratios), relative lift with
its delta-method interval, CUPED when --covariate names the pre-period metric (empty = no pre-period
data), SRM against --split (default equal). --sequential reports always-valid confidence sequences.`;

function parseSplit(s: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of s.split(",")) {
    const [k, v] = part.split("=");
    const w = Number(v);
    if (!k || !(w > 0)) throw new CliError(`--split: expected arm=weight pairs, got ${JSON.stringify(part)}`);
    out[k.trim()] = w;
  }
  return out;
}

export async function analyzeAb(argv: string[], opts: { registry?: ModelRegistry } = {}): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: "string" },
      variant: { type: "string" },
      control: { type: "string" },
      outcome: { type: "string" },
      metric: { type: "string" },
      denominator: { type: "string" },
      covariate: { type: "string" },
      segment: { type: "string" },
      time: { type: "string" },
      engine: { type: "string" },
      sequential: { type: "boolean", default: false },
      "planned-units": { type: "string" },
      correction: { type: "string" },
      split: { type: "string" },
      cap: { type: "string" },
      "cap-quantile": { type: "string" },
      "no-cuped": { type: "boolean", default: false },
      alpha: { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  for (const f of ["data", "variant", "control", "outcome"] as const) {
    if (!values[f]) throw new CliError(`--${f} is required\n\n${AB_HELP}`);
  }
  const num = (flag: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new CliError(`--${flag}: not a number: ${v}`);
    return n;
  };
  const plannedUnits = num("planned-units", values["planned-units"]);
  const cap = num("cap", values.cap);
  const capQ = num("cap-quantile", values["cap-quantile"]);
  const params: Record<string, unknown> = {
    source: {
      kind: "table",
      table: "cli_ab",
      variant: values.variant,
      outcome: values.outcome,
      ...(values.metric ? { metric: values.metric } : {}),
      ...(values.denominator ? { denominator: values.denominator } : {}),
      ...(values.covariate ? { covariate: values.covariate } : {}),
      ...(values.segment ? { segment: values.segment } : {}),
      ...(values.time ? { time: values.time } : {}),
    },
    control: values.control,
    ...(values.engine ? { engine: values.engine } : {}),
    ...(values.correction ? { correction: values.correction } : {}),
    ...(values.split ? { planned_split: parseSplit(values.split) } : {}),
    ...(cap !== undefined ? { cap: { value: cap } } : capQ !== undefined ? { cap: { quantile: capQ } } : {}),
    ...(values["no-cuped"] ? { cuped: false } : {}),
    ...(values.sequential
      ? {
          sequential: {
            method: "confidence_sequence",
            ...(plannedUnits ? { planned_units: plannedUnits } : {}),
          },
        }
      : {}),
    ...(values.alpha ? { alpha: num("alpha", values.alpha) } : {}),
  };
  const result = await runModelOnCsv({
    data: values.data as string,
    table: "cli_ab",
    model: "ab",
    outcome: values.outcome,
    columns: {
      variant: values.variant,
      denominator: values.denominator,
      covariate: values.covariate,
      segment: values.segment,
      time: values.time,
    },
    params,
    registry: opts.registry ?? createRegistry([abModel]),
  });
  if (values.json) printJson(result);
  else printAb(result);
  return 0;
}

const pct = (v: unknown) => (typeof v === "number" ? `${(v * 100).toFixed(2)}%` : "");

function printAb(r: ResultEnvelope): void {
  const d = r.diagnostics as Record<string, unknown>;
  const alpha = Number((r.params as { alpha?: number }).alpha ?? 0.05);
  console.log(
    `${r.model} ${r.model_version}: ${r.n_obs.toLocaleString("en-US")} units, control ${String(d.control)}\n`,
  );
  const bayes = r.estimates.some((e) => e.chance_to_beat_control !== undefined);
  console.log(
    table(
      r.estimates.map((e) => ({
        arm: e.term,
        estimate: e.estimate,
        ci_low: e.ci_low,
        ci_high: e.ci_high,
        ...(bayes
          ? { chance_to_beat: pct(e.chance_to_beat_control), expected_loss: e.expected_loss as number }
          : { p_value: e.p_value, adj_p: e.adjusted_p_value as number }),
        lift: pct(e.relative_estimate),
        lift_ci: `${pct(e.relative_ci_low)} to ${pct(e.relative_ci_high)}`,
      })),
    ),
  );
  const cuped = d.cuped as { theta?: number; variance_reduction?: number } | undefined;
  if (cuped && typeof cuped.theta === "number") {
    console.log(
      `\nCUPED: theta ${formatNumber(cuped.theta)}, variance reduced by ${pct(cuped.variance_reduction)}.`,
    );
  }
  const verdicts = (d.guardrails ?? []) as { status: string; message: string }[];
  for (const v of verdicts) console.log(`${v.status === "ok" ? "ok" : v.status}: ${v.message}`);
  console.log(`\nIntervals at ${Math.round((1 - alpha) * 100)}%.`);
  for (const w of r.warnings) console.log(`warning: ${w}`);
}
