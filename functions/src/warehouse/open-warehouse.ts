import type { Settings } from "../config/settings";
import type { Warehouse } from "./warehouse";

/** Picks the adapter the settings ask for. Adapters load lazily so a function only pays for its own. */
export async function openWarehouse(s: Settings): Promise<Warehouse> {
  if (s.CFAP_WAREHOUSE === "bigquery") {
    const { BigQueryWarehouse } = await import("./bigquery/index");
    return BigQueryWarehouse.fromSettings(s);
  }
  if (s.CFAP_WAREHOUSE_URL) {
    const { RemoteDuckDbWarehouse } = await import("./remote/remote-warehouse");
    return new RemoteDuckDbWarehouse(s.CFAP_WAREHOUSE_URL);
  }
  const { openDuckDbWarehouse } = await import("./duckdb/index");
  return openDuckDbWarehouse({ path: s.CFAP_DUCKDB_PATH });
}
