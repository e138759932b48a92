import { duckdbDialect } from "../sql/dialect";
import {
  WarehouseError,
  type InsertOutcome,
  type QueryResult,
  type Row,
  type SqlQuery,
  type TableName,
  type Warehouse,
} from "../warehouse";

/**
 * The embedded DuckDB warehouse reached over loopback HTTP. Under the emulators every function runs in its
 * own process, and a DuckDB file admits one writing process: the local warehouse server owns the file and
 * every function talks to it through this adapter, so ingestion and analysis run concurrently without
 * lock errors. Same port, same results as the in-process adapter.
 */
export class RemoteDuckDbWarehouse implements Warehouse {
  readonly kind = "duckdb" as const;
  readonly dialect = duckdbDialect("main");

  constructor(private readonly baseUrl: string) {}

  private async call<T>(path: string, body: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(new URL(path, this.baseUrl), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)),
      });
    } catch (err) {
      throw new WarehouseError(
        `local warehouse server at ${this.baseUrl} is unreachable: ${(err as Error).message}`,
        err,
      );
    }
    const payload = (await res.json().catch(() => ({}))) as { error?: string } & T;
    if (!res.ok) throw new WarehouseError(payload.error ?? `warehouse server answered ${res.status}`);
    return payload;
  }

  async ensureSchema(): Promise<void> {
    await this.call("/ensure-schema", {});
  }

  insert(table: TableName, rows: Row[]): Promise<InsertOutcome> {
    return this.call<InsertOutcome>("/insert", { table, rows });
  }

  async upsert(table: TableName, rows: Row[]): Promise<void> {
    await this.call("/upsert", { table, rows });
  }

  query<T = Row>(query: SqlQuery): Promise<QueryResult<T>> {
    return this.call<QueryResult<T>>("/query", query);
  }

  async close(): Promise<void> {}
}
