import type { Settings } from "../config/settings";
import type { Warehouse } from "./warehouse";

/** Picks the adapter the settings ask for. Adapters load lazily so a function only pays for its own. */
export async function openWarehouse(s: Settings): Promise<Warehouse> {
  if (s.CFAP_WAREHOUSE === "bigquery") {
    // Required lazily (CommonJS) so a function only loads its own adapter.
    const { BigQueryWarehouse } = require("./bigquery/index") as typeof import("./bigquery/index");
    return BigQueryWarehouse.fromSettings(s);
  }
  if (s.CFAP_WAREHOUSE_URL) {
    const { RemoteDuckDbWarehouse } =
      require("./remote/remote-warehouse") as typeof import("./remote/remote-warehouse");
    return new RemoteDuckDbWarehouse(s.CFAP_WAREHOUSE_URL);
  }
  const { openDuckDbWarehouse } = require("./duckdb/index") as typeof import("./duckdb/index");
  return openDuckDbWarehouse({ path: s.CFAP_DUCKDB_PATH });
}
