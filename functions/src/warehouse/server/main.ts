/**
 * `node lib/warehouse/server/main.js`: the local warehouse process started by `npm start` and the
 * integration tests. Owns the DuckDB file; prints "ready <url>" once listening.
 */
import { resolve } from "node:path";
import { openDuckDbWarehouse } from "../duckdb";
import { createWarehouseServer } from "./warehouse-server";

async function main(): Promise<void> {
  const path = resolve(process.env.CFAP_DUCKDB_PATH ?? ".cfap/warehouse.duckdb");
  const port = Number(process.env.CFAP_WAREHOUSE_SERVER_PORT ?? 8765);
  const warehouse = await openDuckDbWarehouse({ path });
  const server = createWarehouseServer(warehouse, (m) => console.error(m));
  server.listen(port, "127.0.0.1", () => console.log(`ready http://127.0.0.1:${port} (${path})`));
  const stop = () => {
    server.close();
    void warehouse.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((err: unknown) => {
  console.error(`warehouse server failed to start: ${(err as Error).message}`);
  process.exit(1);
});
