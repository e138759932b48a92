/** An in-memory DuckDB behind the Warehouse query port (tests only; no vitest import here). */
import { join } from "node:path";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { duckdbDialect } from "../../../../src/warehouse/sql/dialect";
import type { QueryResult, Row, SqlQuery, Warehouse } from "../../../../src/warehouse/warehouse";
import { loadCsvTable } from "../../../../src/models/did/csv";

export const FIXTURES = join(__dirname, "../../../fixtures/did");

export type TestWarehouse = Pick<Warehouse, "dialect" | "kind" | "query" | "close"> & {
  connection: DuckDBConnection;
  queries: SqlQuery[];
};

export async function memoryWarehouse(): Promise<TestWarehouse> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  const queries: SqlQuery[] = [];
  return {
    kind: "duckdb",
    dialect: duckdbDialect(),
    connection,
    queries,
    async query<T extends Row = Row>(q: SqlQuery): Promise<QueryResult<T>> {
      queries.push(q);
      const t0 = performance.now();
      const reader = await connection.runAndReadAll(q.sql, (q.params ?? {}) as Record<string, never>);
      return { rows: reader.getRowObjectsJS() as T[], stats: { bytesProcessed: 0, elapsedMs: performance.now() - t0 } };
    },
    async close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

export async function loadFixture(wh: TestWarehouse, file: string, table: string): Promise<void> {
  await loadCsvTable(wh, { path: join(FIXTURES, file), table });
}

