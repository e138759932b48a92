/** The project's DuckDB warehouse adapter in memory, for the SQL path end to end (no vitest import here). */
import { join } from "node:path";
import { openDuckDbWarehouse, type DuckDbWarehouse } from "../../../../src/warehouse/duckdb";
import { loadCsvTable } from "../../../../src/models/did/csv";

export const FIXTURES = join(__dirname, "../../../fixtures/did");

export type TestWarehouse = DuckDbWarehouse;

export async function memoryWarehouse(): Promise<TestWarehouse> {
  return openDuckDbWarehouse({ path: ":memory:" });
}

export async function loadFixture(wh: TestWarehouse, file: string, table: string): Promise<void> {
  await loadCsvTable(wh, { path: join(FIXTURES, file), table });
}
