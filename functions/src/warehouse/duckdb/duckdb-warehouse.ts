import {
  DuckDBDataChunk,
  DuckDBInstance,
  listValue,
  type DuckDBAppender,
  type DuckDBConnection,
  type DuckDBResultReader,
  type DuckDBValue,
} from "@duckdb/node-api";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { duckdbDialect } from "../sql/dialect";
import { duckdbCreateTable, duckdbKeyIndex, duckdbType } from "../schema/duckdb-ddl";
import { loadTableSchemas, tableSchema, type TableSchema } from "../schema/table-schemas";
import {
  WarehouseError,
  type InsertOutcome,
  type QueryResult,
  type Row,
  type SqlQuery,
  type SqlValue,
  type TableName,
  type Warehouse,
} from "../warehouse";
import { appendScalar, columnConverter, isAppendable, plainValue } from "./values";
import { Mutex } from "./mutex";
import type { BulkSqlSession } from "../../ingestion/bulk/ports";

export interface DuckDbOptions {
  /** A file path, or ":memory:". */
  path: string;
  /** Memory limit handed to DuckDB, e.g. "2GB". */
  memoryLimit?: string;
  /**
   * WAL size that triggers an automatic checkpoint (file databases; default DEFAULT_CHECKPOINT_THRESHOLD).
   * DuckDB's own default (16MB) checkpoints every ~50k events, and each checkpoint rewrites the
   * primary-key index, so bulk ingestion cost grew with the table size. Durability is unchanged:
   * every commit is in the fsynced WAL; a larger WAL only makes a crash recovery replay longer.
   */
  checkpointThreshold?: string;
}

export const DEFAULT_CHECKPOINT_THRESHOLD = "64MB";

/**
 * The embedded warehouse. One process owns the file (DuckDB allows one writer process): the CLI and
 * tests open it in-process; under the emulators the local warehouse server owns it and functions reach
 * it through the remote adapter. Writes are serialised by a mutex and run in one transaction each.
 */
export class DuckDbWarehouse implements Warehouse {
  readonly kind = "duckdb" as const;
  readonly dialect = duckdbDialect("main");
  private readonly writeLock = new Mutex();
  private schemaReady = false;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly writer: DuckDBConnection,
  ) {}

  static async open(options: DuckDbOptions): Promise<DuckDbWarehouse> {
    if (options.path !== ":memory:") mkdirSync(dirname(options.path), { recursive: true });
    const config: Record<string, string> = {};
    if (options.memoryLimit) config.memory_limit = options.memoryLimit;
    if (options.path !== ":memory:")
      config.checkpoint_threshold = options.checkpointThreshold ?? DEFAULT_CHECKPOINT_THRESHOLD;
    try {
      const instance = await DuckDBInstance.create(options.path, config);
      const writer = await instance.connect();
      return new DuckDbWarehouse(instance, writer);
    } catch (err) {
      throw new WarehouseError(`cannot open DuckDB at ${options.path}: ${(err as Error).message}`, err);
    }
  }

  async ensureSchema(): Promise<void> {
    if (this.schemaReady) return;
    await this.writeLock.run(async () => {
      for (const schema of loadTableSchemas().values()) {
        const ref = this.dialect.table(schema.name);
        await this.writer.run(duckdbCreateTable(schema, ref));
        // Files written before the key became an index hold it as a PRIMARY KEY: leave those be.
        // Otherwise (re)create the index — also after a bulk load that stopped between dropping and
        // building it again (bulk-ndjson.ts), whose rows are free of duplicates by construction.
        const pk = await this.writer.runAndReadAll(
          `SELECT count(*) AS n FROM duckdb_constraints() WHERE table_name = $t AND constraint_type = 'PRIMARY KEY'`,
          { t: schema.name },
        );
        if (Number(pk.getRows()[0][0]) === 0) await this.writer.run(duckdbKeyIndex(schema, ref));
      }
    });
    this.schemaReady = true;
  }

  async insert(table: TableName, rows: Row[]): Promise<InsertOutcome> {
    if (rows.length === 0) return { inserted: 0, duplicates: 0 };
    await this.ensureSchema();
    const schema = tableSchema(table);
    const inserted = await this.writeLock.run(() => this.writeStaged(schema, rows, "ON CONFLICT DO NOTHING"));
    return { inserted, duplicates: rows.length - inserted };
  }

  async upsert(table: TableName, rows: Row[]): Promise<void> {
    if (rows.length === 0) return;
    await this.ensureSchema();
    const schema = tableSchema(table);
    const nonKey = schema.fields.map((f) => f.name).filter((n) => !schema.key.includes(n));
    const set = nonKey.map((n) => `"${n}" = excluded."${n}"`).join(", ");
    const clause = set
      ? `ON CONFLICT (${schema.key.map((k) => `"${k}"`).join(", ")}) DO UPDATE SET ${set}`
      : "ON CONFLICT DO NOTHING";
    // DO UPDATE cannot touch one key twice in a statement: keep the last row per key.
    const lastByKey = new Map<string, Row>();
    for (const row of rows) lastByKey.set(JSON.stringify(schema.key.map((k) => row[k])), row);
    await this.writeLock.run(() => this.writeStaged(schema, [...lastByKey.values()], clause));
  }

  async query<T = Row>(query: SqlQuery): Promise<QueryResult<T>> {
    await this.ensureSchema();
    const started = performance.now();
    const connection = await this.instance.connect();
    try {
      const result = await connection.runAndReadAll(query.sql, toDuckParams(query.params));
      return {
        rows: toPlainRows<T>(result),
        stats: { bytesProcessed: 0, elapsedMs: performance.now() - started },
      };
    } catch (err) {
      throw new WarehouseError(`query ${query.label} failed: ${(err as Error).message}`, err);
    } finally {
      connection.closeSync();
    }
  }

  /** Runs SQL on the writer connection (DDL, CSV loads for the CLI). */
  async exec(sql: string, params?: SqlQuery["params"]): Promise<void> {
    await this.writeLock.run(async () => {
      await this.writer.run(sql, toDuckParams(params));
    });
  }

  /**
   * A session on the writer connection with the write lock held throughout (the bulk NDJSON loader:
   * temporary staging tables, maps and its own transactions). Anything `fn` leaves open is rolled back.
   */
  async withBulkSession<T>(fn: (session: BulkSqlSession) => Promise<T>): Promise<T> {
    await this.ensureSchema();
    return this.writeLock.run(async () => {
      const writer = this.writer;
      const session: BulkSqlSession = {
        run: async (sql, params) => {
          await writer.run(sql, toDuckParams(params));
        },
        all: async <R = Row>(sql: string, params?: SqlQuery["params"]) =>
          toPlainRows<R>(await writer.runAndReadAll(sql, toDuckParams(params))),
        appendStrings: async (table, rows) => {
          const appender = await writer.createAppender(table, "main", "temp");
          try {
            for (const row of rows) {
              for (const v of row) {
                if (v === null) appender.appendNull();
                else appender.appendVarchar(v);
              }
              appender.endRow();
            }
            appender.flushSync();
          } finally {
            appender.closeSync();
          }
        },
      };
      try {
        return await fn(session);
      } catch (err) {
        await writer.run("ROLLBACK").catch(() => undefined);
        throw err;
      }
    });
  }

  async close(): Promise<void> {
    await this.writeLock.run(async () => {
      this.writer.closeSync();
      this.instance.closeSync();
    });
  }

  /**
   * Appends rows into a per-table temporary staging table, then moves them with one
   * INSERT … SELECT inside a transaction: all rows or none, and the key index deduplicates.
   */
  private async writeStaged(schema: TableSchema, rows: Row[], conflictClause: string): Promise<number> {
    const stage = `stage_${schema.name}`;
    const target = this.dialect.table(schema.name);
    const columns = schema.fields.map((f) => `"${f.name}"`).join(", ");
    await this.writer.run(`CREATE TEMP TABLE IF NOT EXISTS ${stage} AS SELECT * FROM ${target} LIMIT 0`);
    await this.writer.run("BEGIN TRANSACTION");
    try {
      if (isAppendable(schema.fields)) {
        const appender = await this.writer.createAppender(stage, "main", "temp");
        try {
          appendRows(appender, schema, rows);
          appender.flushSync();
        } finally {
          appender.closeSync();
        }
      } else {
        await this.insertViaJson(schema, stage, rows);
      }
      const result = await this.writer.runAndReadAll(
        `INSERT INTO ${target} (${columns}) SELECT ${columns} FROM temp.main.${stage} ${conflictClause}`,
      );
      await this.writer.run(`DELETE FROM temp.main.${stage}`);
      await this.writer.run("COMMIT");
      const count = result.getRowObjectsJS()[0]?.Count;
      return Number(count ?? 0);
    } catch (err) {
      await this.writer.run("ROLLBACK").catch(() => undefined);
      await this.writer.run(`DELETE FROM temp.main.${stage}`).catch(() => undefined);
      throw new WarehouseError(`insert into ${schema.name} failed: ${(err as Error).message}`, err);
    }
  }

  /** Nested rows (RECORD / REPEATED) are few (results, registry): one parameterised INSERT each, cast from JSON. */
  private async insertViaJson(schema: TableSchema, stage: string, rows: Row[]): Promise<void> {
    const exprs = schema.fields.map((f, i) => {
      if (f.mode === "REPEATED" || f.type === "RECORD" || f.type === "STRUCT") {
        return `CAST(CAST($p${i} AS JSON) AS ${duckdbType(f)})`;
      }
      return `CAST($p${i} AS ${duckdbType(f)})`;
    });
    for (const row of rows) {
      const params: Record<string, DuckDBValue> = {};
      schema.fields.forEach((f, i) => {
        const v = row[f.name];
        if (v === null || v === undefined) params[`p${i}`] = null;
        else if (f.mode === "REPEATED" || f.type === "RECORD" || f.type === "STRUCT" || f.type === "JSON") {
          params[`p${i}`] = typeof v === "string" && f.type === "JSON" ? v : JSON.stringify(v);
        } else if (v instanceof Date) params[`p${i}`] = v.toISOString();
        else params[`p${i}`] = v as DuckDBValue;
      });
      await this.writer.run(`INSERT INTO temp.main.${stage} VALUES (${exprs.join(", ")})`, params);
    }
  }
}

/** Rows per data chunk: DuckDB's vector size (the most a chunk can hold). */
const CHUNK_ROWS = 2048;

/**
 * Appends rows column by column in data chunks: one vector write per column and chunk instead of a
 * native call per value (NULLs and fixed-width values cost no native call at all). Schemas with a
 * column type the chunk path does not convert use the per-value appender.
 */
function appendRows(appender: DuckDBAppender, schema: TableSchema, rows: Row[]): void {
  const fields = schema.fields;
  const converters = fields.map((f) => columnConverter(f));
  if (converters.some((c) => c === undefined)) {
    for (const row of rows) {
      for (const field of fields) appendScalar(appender, field, row[field.name]);
      appender.endRow();
    }
    return;
  }
  const types = fields.map((_, i) => appender.columnType(i));
  const names = fields.map((f) => f.name);
  const column: DuckDBValue[] = [];
  // One chunk, reused: its native memory (vectors, string heap) is freed by reset() rather than left
  // to the garbage collector's finalisers, which would let RSS grow with the number of rows.
  const chunk = DuckDBDataChunk.create(types);
  for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
    const n = Math.min(CHUNK_ROWS, rows.length - start);
    chunk.reset();
    chunk.rowCount = n; // also drops the JS vector wrappers built for the previous slice
    column.length = n;
    for (let c = 0; c < fields.length; c++) {
      const name = names[c];
      const convert = converters[c]!;
      for (let i = 0; i < n; i++) {
        const v = rows[start + i][name];
        column[i] = v === null || v === undefined ? null : convert(v);
      }
      chunk.setColumnValues(c, column);
    }
    appender.appendDataChunk(chunk);
  }
}

function toDuckValue(v: SqlValue): DuckDBValue {
  return v instanceof Date ? v.toISOString() : v;
}

function toDuckParams(params: SqlQuery["params"]): Record<string, DuckDBValue> | undefined {
  if (!params) return undefined;
  const out: Record<string, DuckDBValue> = {};
  for (const [k, v] of Object.entries(params))
    out[k] = Array.isArray(v) ? listValue(v.map(toDuckValue)) : toDuckValue(v);
  return out;
}

function toPlainRows<T>(result: DuckDBResultReader): T[] {
  const names = result.columnNames();
  const types = result.columnTypes().map((t) => t.toString());
  const rows = result.getRowObjectsJS();
  return rows.map((r) => {
    const o: Row = {};
    names.forEach((n, i) => {
      o[n] = plainValue(r[n], types[i]);
    });
    return o as T;
  });
}

export async function openDuckDbWarehouse(options: DuckDbOptions): Promise<DuckDbWarehouse> {
  const warehouse = await DuckDbWarehouse.open(options);
  await warehouse.ensureSchema();
  return warehouse;
}
