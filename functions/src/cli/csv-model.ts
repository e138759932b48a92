import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { ResultEnvelope } from "../contracts/result";
import { loadCsvTable } from "../models/did/csv";
import { ModelFailure } from "../models/model";
import type { ModelRegistry } from "../models/registry";
import { runModelLocally } from "../runs/local-runner";
import { openDuckDbWarehouse } from "../warehouse/duckdb";
import { CliError } from "./output";
import { runErrorToCli } from "./run-errors";

export interface CsvModelRun {
  /** The --data argument as the user typed it (shown in messages). */
  data: string;
  /** Table the CSV becomes in the in-memory warehouse. */
  table: string;
  model: string;
  params: Record<string, unknown>;
  /** The outcome column: missing → clear error; rows without it are counted by the loader. */
  outcome?: string;
  /** Flag name → column the user named with it; each must exist in the file. */
  columns?: Record<string, string | undefined>;
  /** A registry of the one model the command runs (see models/registry.ts). */
  registry: ModelRegistry;
}

/**
 * The shared `cfap analyze <model> --data file.csv` path: load the CSV into an in-memory DuckDB, check
 * every named column up front (so a typo is "--unit: column … is not in …", not a SQL error), run the
 * model through the same run path as the API, and turn failures into CLI errors.
 */
export async function runModelOnCsv(run: CsvModelRun): Promise<ResultEnvelope> {
  const path = resolve(run.data);
  if (!existsSync(path)) throw new CliError(`cannot read ${run.data}`);
  const warehouse = await openDuckDbWarehouse({ path: ":memory:" });
  try {
    let load;
    try {
      load = await loadCsvTable(warehouse, { path, table: run.table, outcome: run.outcome });
    } catch (err) {
      if (err instanceof ModelFailure) throw new CliError(err.message, 1);
      throw err;
    }
    for (const [flag, col] of Object.entries(run.columns ?? {})) {
      if (col !== undefined && !load.columns.includes(col)) {
        throw new CliError(
          `--${flag}: column ${JSON.stringify(col)} is not in ${run.data} (columns: ${load.columns.join(", ")})`,
        );
      }
    }
    try {
      return await runModelLocally(warehouse, "local", run.model, run.params, { registry: run.registry });
    } catch (err) {
      throw runErrorToCli(err);
    }
  } finally {
    await warehouse.close();
  }
}
