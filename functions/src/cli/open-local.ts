import { resolve } from "node:path";
import { loadSettings } from "../config/settings";
import { openDuckDbWarehouse } from "../warehouse/duckdb";
import type { Warehouse } from "../warehouse/warehouse";
import { RemoteDuckDbWarehouse } from "../warehouse/remote/remote-warehouse";

/** The warehouse a CLI command works on: --db (embedded file), else CFAP_WAREHOUSE_URL, else the default file. */
export async function openCliWarehouse(db: string | undefined): Promise<Warehouse> {
  const s = loadSettings();
  if (!db && s.CFAP_WAREHOUSE_URL) return new RemoteDuckDbWarehouse(s.CFAP_WAREHOUSE_URL);
  return openDuckDbWarehouse({ path: db === ":memory:" ? db : resolve(db ?? s.CFAP_DUCKDB_PATH) });
}
