/**
 * `cfap analyze power`: sample size / MDE / runtime of a planned experiment, with the same model
 * code as the API (the API version can also read the workspace's traffic from standard_events).
 */
import { parseArgs } from "node:util";
import type { ResultEnvelope } from "../../contracts/result";
import { powerModel } from "../../models/power";
import { createRegistry, type ModelRegistry } from "../../models/registry";
import { runModelLocally } from "../../runs/local-runner";
import { runErrorToCli } from "../run-errors";
import { openDuckDbWarehouse } from "../../warehouse/duckdb";
import { CliError, printJson, table } from "../output";

export const POWER_HELP = `cfap analyze power --metric mean|proportion (--baseline <mean|rate>) [--sd <unit sd>]
  (--mde <absolute> | --mde-relative <fraction> | --units <total> | --days <n> --daily-units <n>)
  [--daily-units <new units/day>] [--traffic-fraction 1] [--alpha 0.05] [--power 0.8] [--arms 2]
  [--split 50,50] [--variance-reduction <CUPED, 0..1>] [--correction bonferroni|none] [--json]

Means need --sd (and --baseline for a relative MDE); proportions need --baseline (the control rate).`;

export async function analyzePower(argv: string[], opts: { registry?: ModelRegistry } = {}): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      metric: { type: "string" },
      baseline: { type: "string" },
      sd: { type: "string" },
      mde: { type: "string" },
      "mde-relative": { type: "string" },
      units: { type: "string" },
      days: { type: "string" },
      "daily-units": { type: "string" },
      "traffic-fraction": { type: "string" },
      alpha: { type: "string" },
      power: { type: "string" },
      arms: { type: "string" },
      split: { type: "string" },
      "variance-reduction": { type: "string" },
      correction: { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  const n = (flag: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    const x = Number(v);
    if (!Number.isFinite(x)) throw new CliError(`--${flag}: not a number: ${v}`);
    return x;
  };
  const metricType = values.metric ?? "mean";
  if (metricType !== "mean" && metricType !== "proportion")
    throw new CliError(`--metric must be mean or proportion\n\n${POWER_HELP}`);
  const baseline = n("baseline", values.baseline);
  const metric =
    metricType === "mean"
      ? {
          type: "mean",
          sd: n("sd", values.sd),
          ...(baseline !== undefined ? { baseline_mean: baseline } : {}),
        }
      : { type: "proportion", baseline_rate: baseline };
  const mde = n("mde", values.mde);
  const mdeRel = n("mde-relative", values["mde-relative"]);
  const daily = n("daily-units", values["daily-units"]);
  const params: Record<string, unknown> = {
    metric,
    ...(mde !== undefined
      ? { mde: { absolute: mde } }
      : mdeRel !== undefined
        ? { mde: { relative: mdeRel } }
        : {}),
    ...(values.units ? { units: n("units", values.units) } : {}),
    ...(values.days ? { days: n("days", values.days) } : {}),
    ...(daily !== undefined ? { traffic: { daily_units: daily } } : {}),
    ...(values["traffic-fraction"]
      ? { traffic_fraction: n("traffic-fraction", values["traffic-fraction"]) }
      : {}),
    ...(values.alpha ? { alpha: n("alpha", values.alpha) } : {}),
    ...(values.power ? { power: n("power", values.power) } : {}),
    ...(values.arms ? { arms: n("arms", values.arms) } : {}),
    ...(values.split ? { split: values.split.split(",").map((s) => n("split", s.trim())) } : {}),
    ...(values["variance-reduction"]
      ? { variance_reduction: n("variance-reduction", values["variance-reduction"]) }
      : {}),
    ...(values.correction ? { correction: values.correction } : {}),
  };
  const warehouse = await openDuckDbWarehouse({ path: ":memory:" });
  try {
    let result: ResultEnvelope;
    try {
      result = await runModelLocally(warehouse, "local", "power", params, {
        registry: opts.registry ?? createRegistry([powerModel]),
      });
    } catch (err) {
      throw runErrorToCli(err);
    }
    if (values.json) printJson(result);
    else {
      console.log(`${result.model} ${result.model_version}\n`);
      console.log(
        table(
          result.estimates.map((e) => ({
            quantity: e.term,
            value: e.estimate,
            without_cuped: (e.without_cuped as number | null | undefined) ?? null,
          })),
        ),
      );
      for (const w of result.warnings) console.log(`warning: ${w}`);
    }
    return 0;
  } finally {
    await warehouse.close();
  }
}
