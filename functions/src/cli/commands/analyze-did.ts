import { parseArgs } from "node:util";
import type { ResultEnvelope } from "../../contracts/result";
import { didModel } from "../../models/did";
import { createRegistry } from "../../models/registry";
import { runModelOnCsv } from "../csv-model";
import { CliError, formatNumber, printJson, splitList, table } from "../output";

export const DID_HELP = `cfap analyze did --data <file.csv> --outcome <col> --treated <0/1 col> --post <0/1 col>
  [--unit <col>] [--time <col> --first-treated <col>] [--cluster <col>] [--se cr1|hc1|classical]
  [--design 2x2|twfe] [--covariates a,b] [--leads n --lags m] [--alpha 0.05] [--json]

Loads the CSV into the embedded warehouse in-process ('NA' and empty cells are missing; rows missing
the outcome are dropped and counted in warnings) and runs the same model code as the API.`;

/** `cfap analyze did …`: the DID model on a CSV, through the same run path as the API. */
export async function analyzeDid(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: "string" },
      outcome: { type: "string" },
      treated: { type: "string" },
      post: { type: "string" },
      unit: { type: "string" },
      time: { type: "string" },
      "first-treated": { type: "string" },
      cluster: { type: "string" },
      se: { type: "string" },
      design: { type: "string" },
      covariates: { type: "string" },
      leads: { type: "string" },
      lags: { type: "string" },
      alpha: { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  if (!values.data) throw new CliError(`--data is required\n\n${DID_HELP}`);
  if (!values.outcome) throw new CliError("--outcome is required");
  const columns = {
    treated: values.treated,
    post: values.post,
    unit: values.unit,
    time: values.time,
    "first-treated": values["first-treated"],
    cluster: values.cluster,
  };
  const params: Record<string, unknown> = {
    source: {
      kind: "table",
      table: "cli_data",
      outcome: values.outcome,
      ...(values.treated ? { treated: values.treated } : {}),
      ...(values.post ? { post: values.post } : {}),
      ...(values.unit ? { unit: values.unit } : {}),
      ...(values.time ? { time: values.time } : {}),
      ...(values["first-treated"] ? { first_treated: values["first-treated"] } : {}),
      ...(values.cluster ? { cluster: values.cluster } : {}),
    },
    ...(values.se ? { se: values.se } : {}),
    ...(values.design ? { design: values.design } : {}),
    ...(values.covariates ? { covariates: splitList(values.covariates) } : {}),
    ...(values.leads || values.lags
      ? { event_study: { leads: Number(values.leads ?? 1), lags: Number(values.lags ?? 0) } }
      : {}),
    ...(values.alpha ? { alpha: Number(values.alpha) } : {}),
  };
  const result = await runModelOnCsv({
    data: values.data,
    table: "cli_data",
    model: "did",
    registry: createRegistry([didModel]),
    outcome: values.outcome,
    columns,
    params,
  });
  if (values.json) printJson(result);
  else printReadable(result);
  return 0;
}

function printReadable(r: ResultEnvelope): void {
  const se = (r.diagnostics.se ?? {}) as { type?: string; df?: number };
  console.log(
    `${r.model} ${r.model_version}: ${r.n_obs.toLocaleString("en-US")} observations${se.type ? `, SE ${se.type}` : ""}\n`,
  );
  console.log(
    table(
      r.estimates.map((e) => ({
        term: e.term,
        estimate: e.estimate,
        std_error: e.std_error,
        ci_low: e.ci_low,
        ci_high: e.ci_high,
        p_value: e.p_value,
        df: e.df ?? null,
      })),
    ),
  );
  const att = r.estimates.find((e) => e.term === "att");
  if (att && att.p_value !== null && att.ci_low !== null && att.ci_high !== null) {
    const alpha = Number((r.params as { alpha?: number }).alpha ?? 0.05);
    const sig = att.p_value < alpha;
    console.log(
      `\nATT ${formatNumber(att.estimate)} (${Math.round((1 - alpha) * 100)}% CI ${formatNumber(att.ci_low)} to ${formatNumber(att.ci_high)}): ` +
        (sig
          ? `statistically significant at the ${alpha * 100}% level.`
          : `not statistically significant at the ${alpha * 100}% level.`),
    );
  }
  for (const w of r.warnings) console.log(`warning: ${w}`);
}
