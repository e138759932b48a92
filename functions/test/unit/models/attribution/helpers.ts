/** Shared setup for the attribution model tests: an in-memory warehouse and a registry with the model. */
import { join } from "node:path";
import type { ResultEnvelope } from "../../../../src/contracts/result";
import { attributionModel, loadPathsCsv } from "../../../../src/models/attribution";
import type { Model } from "../../../../src/models/model";
import { createRegistry } from "../../../../src/models/registry";
import { runModelLocally } from "../../../../src/runs/local-runner";
import { openDuckDbWarehouse, type DuckDbWarehouse } from "../../../../src/warehouse/duckdb";

export const FIXTURES = join(__dirname, "../../../fixtures/attribution");

export const registry = createRegistry([attributionModel as unknown as Model]);

export async function memoryWarehouse(): Promise<DuckDbWarehouse> {
  return openDuckDbWarehouse({ path: ":memory:" });
}

export async function loadPaths(wh: DuckDbWarehouse, file: string, table: string): Promise<void> {
  await loadPathsCsv(wh, { path: join(FIXTURES, file), table });
}

export function run(
  wh: DuckDbWarehouse,
  params: Record<string, unknown>,
  workspace = "local",
): Promise<ResultEnvelope> {
  return runModelLocally(wh, workspace, "attribution", params, { registry });
}

/** estimates as model → channel → { conversions, value }. */
export function byModel(r: ResultEnvelope): Record<string, Record<string, { c: number; v: number | null }>> {
  const out: Record<string, Record<string, { c: number; v: number | null }>> = {};
  for (const e of r.estimates) {
    const m = String(e.model);
    out[m] ??= {};
    out[m][e.term] = { c: e.estimate, v: (e.value as number | null) ?? null };
  }
  return out;
}

export interface RemovalEffect {
  channel: string;
  removal_effect: number;
  removal_effect_value: number;
  conversion_probability_without: number;
}

export function removalEffects(r: ResultEnvelope): RemovalEffect[] {
  return (r.diagnostics.markov as { removal_effects: RemovalEffect[] }).removal_effects;
}
