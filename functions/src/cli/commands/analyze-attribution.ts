/**
 * `cfap analyze attribution`: loads an aggregated-path file (ChannelAttribution's format: `;`, tab or `,`
 * separated, detected from the header) into the embedded warehouse in-process and runs the
 * `attribution` model through the same worker code as the API.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import type { ResultEnvelope } from "../../contracts/result";
import {
  attributionModel,
  ATTRIBUTION_MODELS,
  loadPathsCsv,
  splitPathColumns,
} from "../../models/attribution";
import { ModelFailure, type Model } from "../../models/model";
import { createRegistry } from "../../models/registry";
import { runModelLocally } from "../../runs/local-runner";
import { runErrorToCli } from "../run-errors";
import { openDuckDbWarehouse } from "../../warehouse/duckdb";
import { CliError, formatNumber, printJson, table } from "../output";

export const ATTRIBUTION_HELP = `cfap analyze attribution --data <paths.csv> --path <col> --conversions <col>
  [--nulls <col>] [--value <col>] [--times <col>] [--separator ">"]
  [--models all|first,last,linear,time_decay,position,markov,shapley,shapley_ordered]
  [--order k] [--collapse-repeats] [--half-life <days>] [--position-first 0.4 --position-last 0.4] [--json]

Aggregated paths as ChannelAttribution reads them (e.g. "a > b > c;3;12.5;40", delimiter detected from
the header). One row per (model, channel): estimate = attributed conversions, value = attributed value.
Markov removal effects are exact (fundamental matrix); --times gives touch ages in days for time_decay.`;

export async function analyzeAttribution(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: "string" },
      path: { type: "string" },
      conversions: { type: "string" },
      nulls: { type: "string" },
      value: { type: "string" },
      times: { type: "string" },
      separator: { type: "string" },
      models: { type: "string" },
      order: { type: "string" },
      "collapse-repeats": { type: "boolean", default: false },
      "half-life": { type: "string" },
      "position-first": { type: "string" },
      "position-last": { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  if (!values.data) throw new CliError(`--data is required\n\n${ATTRIBUTION_HELP}`);
  if (!values.path) throw new CliError("--path is required");
  if (!values.conversions) throw new CliError("--conversions is required");
  const file = resolve(values.data);
  if (!existsSync(file)) throw new CliError(`cannot read ${values.data}`);
  const models = parseModels(values.models);
  const warehouse = await openDuckDbWarehouse({ path: ":memory:" });
  try {
    let load;
    try {
      load = await loadPathsCsv(warehouse, { path: file, table: "cli_paths" });
    } catch (err) {
      if (err instanceof ModelFailure) throw new CliError(err.message, 1);
      throw err;
    }
    const cols = {
      path: values.path,
      conversions: values.conversions,
      nulls: values.nulls,
      value: values.value,
      times: values.times,
    };
    for (const [flag, col] of Object.entries(cols)) {
      if (col !== undefined && !load.columns.includes(col)) {
        throw new CliError(
          `--${flag}: column ${JSON.stringify(col)} is not in ${values.data} (columns: ${load.columns.join(", ")})`,
        );
      }
    }
    try {
      await splitPathColumns(warehouse, {
        table: load.table,
        path: cols.path,
        times: cols.times,
        separator: values.separator ?? ">",
      });
    } catch (err) {
      if (err instanceof ModelFailure) throw new CliError(err.message, 1);
      throw err;
    }
    const params: Record<string, unknown> = {
      source: {
        kind: "table",
        table: load.table,
        path: cols.path,
        conversions: cols.conversions,
        ...(cols.value ? { value: cols.value } : {}),
        ...(cols.nulls ? { nulls: cols.nulls } : {}),
        ...(cols.times ? { times: cols.times } : {}),
        ...(values.separator ? { separator: values.separator } : {}),
      },
      ...(models ? { models } : {}),
      markov: {
        ...(values.order ? { order: numberFlag("order", values.order) } : {}),
        collapse_repeats: values["collapse-repeats"],
      },
      ...(values["half-life"]
        ? { time_decay: { half_life_days: numberFlag("half-life", values["half-life"]) } }
        : {}),
      ...(values["position-first"] || values["position-last"]
        ? {
            position: {
              ...(values["position-first"]
                ? { first: numberFlag("position-first", values["position-first"]) }
                : {}),
              ...(values["position-last"]
                ? { last: numberFlag("position-last", values["position-last"]) }
                : {}),
            },
          }
        : {}),
    };
    let result: ResultEnvelope;
    try {
      result = await runModelLocally(warehouse, "local", "attribution", params, {
        registry: createRegistry([attributionModel as unknown as Model]),
      });
    } catch (err) {
      throw runErrorToCli(err);
    }
    if (values.json) printJson(result);
    else printReadable(result);
    return 0;
  } finally {
    await warehouse.close();
  }
}

function parseModels(raw: string | undefined): string[] | undefined {
  if (raw === undefined || raw.trim() === "all") return undefined;
  const list = raw
    .split(",")
    .map((m) => m.trim())
    .filter(Boolean);
  const known = new Set<string>(ATTRIBUTION_MODELS);
  const bad = list.filter((m) => !known.has(m));
  if (bad.length > 0 || list.length === 0) {
    throw new CliError(
      `--models: unknown model(s) ${bad.join(", ")}; choose from all, ${ATTRIBUTION_MODELS.join(", ")}`,
    );
  }
  return list;
}

function numberFlag(name: string, raw: string): number {
  const v = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(v)) throw new CliError(`--${name}: not a number: ${raw}`);
  return v;
}

function printReadable(r: ResultEnvelope): void {
  const totals = (r.diagnostics.totals ?? {}) as {
    attributable_conversions?: number;
    attributable_value?: number | null;
  };
  console.log(
    `${r.model} ${r.model_version}: ${r.n_obs.toLocaleString("en-US")} paths, ` +
      `${formatNumber(totals.attributable_conversions ?? 0)} conversions` +
      (totals.attributable_value != null ? `, value ${formatNumber(totals.attributable_value)}` : "") +
      `; totals reconcile: ${r.diagnostics.reconciles === true ? "yes" : "NO"}\n`,
  );
  const models = [...new Set(r.estimates.map((e) => String(e.model)))];
  const channels = [...new Set(r.estimates.map((e) => e.term))];
  const rows = channels.map((ch) => {
    const row: Record<string, unknown> = { channel: ch };
    for (const m of models)
      row[m] = r.estimates.find((e) => e.term === ch && e.model === m)?.estimate ?? null;
    return row;
  });
  console.log("attributed conversions");
  console.log(table(rows, ["channel", ...models]));
  const markov = r.diagnostics.markov as
    | { removal_effects?: { channel: string; removal_effect: number; removal_effect_value: number }[] }
    | undefined;
  if (markov?.removal_effects) {
    console.log("\nMarkov removal effects");
    console.log(table(markov.removal_effects.map((e) => ({ ...e }))));
  }
  for (const w of r.warnings) console.log(`warning: ${w}`);
}
