export { DuckDbWarehouse, openDuckDbWarehouse, type DuckDbOptions } from "./duckdb-warehouse";
