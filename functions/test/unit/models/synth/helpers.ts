import { join } from "node:path";
import { loadCsvTable } from "../../../../src/models/did/csv";
import { synthModel } from "../../../../src/models/synth";
import type { Model } from "../../../../src/models/model";
import { createRegistry } from "../../../../src/models/registry";
import { runModelLocally } from "../../../../src/runs/local-runner";
import { openDuckDbWarehouse } from "../../../../src/warehouse/duckdb";

export const fixtures = join(__dirname, "../../../fixtures/synth");
export type Wh = Awaited<ReturnType<typeof openDuckDbWarehouse>>;

export async function warehouseWith(tables: Record<string, string>): Promise<Wh> {
  const wh = await openDuckDbWarehouse({ path: ":memory:" });
  for (const [table, file] of Object.entries(tables))
    await loadCsvTable(wh, { path: join(fixtures, file), table });
  return wh;
}

export const registry = createRegistry([synthModel as unknown as Model]);

export function run(wh: Wh, params: Record<string, unknown>, model = "synth", reg = registry) {
  return runModelLocally(wh, "ws", model, params, { registry: reg });
}

export const prop99 = (extra: Record<string, unknown> = {}) => ({
  source: { kind: "table", table: "prop99", unit: "state", time: "year", outcome: "cigsale" },
  treated_units: ["California"],
  treatment_start: 1989,
  ...extra,
});
