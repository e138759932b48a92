/**
 * Loads a CSV file into a DuckDB table so the `table` source can analyse it (the CLI's
 * `cfap analyze did --data f.csv`). "NA" and empty fields are NULL; rows with a missing outcome
 * are counted here and dropped by the model, which warns about them.
 */
import type { Warehouse } from "../../warehouse/warehouse";
import { ModelFailure } from "../model";
import { num } from "./regression";

export interface CsvLoad {
  table: string;
  rows: number;
  columns: string[];
  /** Rows whose `outcome` column is NULL (when an outcome was named). */
  missingOutcome?: number;
}

export async function loadCsvTable(
  warehouse: Pick<Warehouse, "dialect" | "kind" | "query">,
  opts: { path: string; table: string; outcome?: string },
): Promise<CsvLoad> {
  if (warehouse.kind !== "duckdb") {
    throw new ModelFailure("invalid_params", "CSV files can only be loaded into the DuckDB warehouse");
  }
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(opts.table)) {
    throw new ModelFailure("invalid_params", `invalid table name ${JSON.stringify(opts.table)}`);
  }
  const d = warehouse.dialect;
  const table = d.quoteIdent(opts.table);
  try {
    await warehouse.query({
      label: "did_csv_load",
      sql: `CREATE OR REPLACE TABLE ${table} AS SELECT * FROM read_csv_auto(${d.param("path")}, nullstr = ['NA', ''])`,
      params: { path: opts.path },
    });
  } catch (e) {
    throw new ModelFailure(
      "invalid_params",
      `could not read ${opts.path}: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  const cols = await warehouse.query({
    label: "did_csv_columns",
    // pragma_table_info, not information_schema: ~1 ms against ~10 (DuckDB builds the whole view).
    sql: `SELECT name AS column_name FROM pragma_table_info(${d.param("t")}) ORDER BY cid`,
    params: { t: opts.table },
  });
  const columns = cols.rows.map((r) => String(r.column_name));
  if (opts.outcome !== undefined && !columns.includes(opts.outcome)) {
    throw new ModelFailure(
      "invalid_params",
      `column ${JSON.stringify(opts.outcome)} is not in ${opts.path} (columns: ${columns.join(", ")})`,
    );
  }
  const out = opts.outcome
    ? `, SUM(CASE WHEN ${d.quoteIdent(opts.outcome)} IS NULL THEN 1 ELSE 0 END) AS missing`
    : "";
  const [c] = (
    await warehouse.query({ label: "did_csv_count", sql: `SELECT COUNT(*) AS n${out} FROM ${table}` })
  ).rows;
  return {
    table: opts.table,
    rows: num(c.n),
    columns,
    ...(opts.outcome ? { missingOutcome: num(c.missing) } : {}),
  };
}
