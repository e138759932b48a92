import { BigQuery, type BigQueryOptions, type Query } from "@google-cloud/bigquery";
import type { Settings } from "../../config/settings";
import { bigqueryDialect } from "../sql/dialect";
import { loadTableSchemas, tableSchema, type TableSchema } from "../schema/table-schemas";
import type { InsertOutcome, QueryResult, Row, SqlQuery, TableName, Warehouse } from "../warehouse";
import { dedupViewName, dedupViewSql, tableMetadata } from "./ddl";
import { BigQueryWarehouseError, mapBigQueryError } from "./errors";
import { jobLabels } from "./labels";
import { MERGE_ROWS_PARAM, buildMerge, mergeParamType, mergeRows } from "./merge";
import { toClientParams } from "./params";
import { MAX_BYTES_PER_REQUEST, MAX_ROWS_PER_REQUEST, batchRows, prepareRows, type EncodedRow } from "./rows";
import { plainRow } from "./values";

export interface BigQueryWarehouseOptions {
  projectId: string;
  dataset: string;
  /** Dataset and job location, e.g. "US" or "europe-west1". */
  location: string;
  /** maximumBytesBilled of every query job. */
  maxBytesBilled: number;
  /**
   * A local BigQuery endpoint (tests): `http://127.0.0.1:9050`. The client then talks to
   * `<endpoint>/bigquery/v2` and this adapter gives it an auth client that adds no credentials.
   */
  apiEndpoint?: string;
  /** Client retry tuning (429/5xx); tests shorten the delays. */
  retryOptions?: BigQueryOptions["retryOptions"];
  maxRowsPerInsert?: number;
  maxBytesPerInsert?: number;
}

/**
 * An auth client that adds nothing to requests. The BigQuery client (v8) rewrites its base URL for
 * `apiEndpoint` (http:// is kept) but, unlike Datastore/Storage, still authorises every request with
 * Application Default Credentials: without this it would probe the metadata server or send a real
 * OAuth token to the local endpoint.
 */
const noCredentials = {
  getRequestHeaders: async () => new Headers(),
  getAccessToken: async () => ({}),
  getProjectId: async () => undefined,
} as unknown as NonNullable<BigQueryOptions["authClient"]>;

/**
 * The warehouse on BigQuery.
 *
 * Writes: `insert` streams rows with tabledata.insertAll, one insertId per row equal to its key.
 * BigQuery deduplicates insertIds only best-effort (about a minute), so `inserted` counts rows
 * *sent*; duplicates across calls (replays, retries after a timeout) are removed on read by the
 * `<table>_dedup` views, which all analyses use (the dialect's `table()` points at them). Rows of
 * one request are written or refused together (skipInvalidRows=false); a call larger than one
 * request (500 rows / 9 MB) may be partly written when a later request fails, and repeating the
 * call is safe. `upsert` is one MERGE job.
 */
export class BigQueryWarehouse implements Warehouse {
  readonly kind = "bigquery" as const;
  readonly dialect;
  readonly client: BigQuery;
  private schemaReady?: Promise<void>;

  constructor(private readonly options: BigQueryWarehouseOptions) {
    this.dialect = bigqueryDialect(options.projectId, options.dataset);
    const clientOptions: BigQueryOptions = {
      projectId: options.projectId,
      location: options.location,
      retryOptions: options.retryOptions,
    };
    if (options.apiEndpoint) {
      clientOptions.apiEndpoint = options.apiEndpoint.replace(/\/+$/, "");
      clientOptions.authClient = noCredentials;
    }
    this.client = new BigQuery(clientOptions);
  }

  static fromSettings(s: Settings): BigQueryWarehouse {
    return new BigQueryWarehouse({
      projectId: s.CFAP_PROJECT_ID,
      dataset: s.CFAP_BQ_DATASET,
      location: s.CFAP_BQ_LOCATION,
      maxBytesBilled: s.CFAP_BQ_MAX_BYTES_BILLED,
      apiEndpoint: s.CFAP_BQ_API_ENDPOINT,
    });
  }

  private get dataset() {
    return this.client.dataset(this.options.dataset, { location: this.options.location });
  }

  /** Dataset, tables (partitioned and clustered as tables.json says) and dedup views. Idempotent. */
  ensureSchema(): Promise<void> {
    this.schemaReady ??= this.createSchema().catch((err) => {
      this.schemaReady = undefined;
      throw err;
    });
    return this.schemaReady;
  }

  private async createSchema(): Promise<void> {
    const what = `creating dataset ${this.options.dataset}`;
    try {
      if (!(await this.exists(() => this.dataset.getMetadata()))) {
        await ignoreAlreadyExists(() =>
          this.client.createDataset(this.options.dataset, {
            location: this.options.location,
            labels: { app: "cfap" },
          }),
        );
      }
      const schemas = [...loadTableSchemas().values()];
      // Concurrently (this runs lazily on an instance's first write); views after their tables,
      // since BigQuery validates the tables a view reads.
      await Promise.all(schemas.map((schema) => this.ensureTable(schema)));
      await Promise.all(schemas.map((schema) => this.ensureView(schema)));
    } catch (err) {
      throw mapBigQueryError(err, what);
    }
  }

  private async ensureTable(schema: TableSchema): Promise<void> {
    const table = this.dataset.table(schema.name);
    if (await this.exists(() => table.getMetadata())) return;
    await ignoreAlreadyExists(() => this.dataset.createTable(schema.name, { ...tableMetadata(schema) }));
  }

  private async ensureView(schema: TableSchema): Promise<void> {
    const name = dedupViewName(schema.name);
    const query = dedupViewSql(this.options.projectId, this.options.dataset, schema);
    const view = this.dataset.table(name);
    let current: { view?: { query?: string } } | undefined;
    try {
      [current] = await view.getMetadata();
    } catch (err) {
      if (!isCode(err, 404)) throw err;
    }
    if (!current) {
      await ignoreAlreadyExists(() =>
        this.dataset.createTable(name, {
          description: `${schema.name}, latest row per key (${schema.key.join(", ")}). Read this, not the table.`,
          view: { query, useLegacySql: false },
        }),
      );
    } else if (current.view?.query !== query) {
      await view.setMetadata({ view: { query, useLegacySql: false } });
    }
  }

  private async exists(get: () => Promise<unknown>): Promise<boolean> {
    try {
      await get();
      return true;
    } catch (err) {
      if (isCode(err, 404)) return false;
      throw err;
    }
  }

  async insert(table: TableName, rows: Row[]): Promise<InsertOutcome> {
    if (rows.length === 0) return { inserted: 0, duplicates: 0 };
    const schema = tableSchema(table);
    const prepared = prepareRows(schema, rows);
    await this.ensureSchema();
    const batches = batchRows(
      prepared.rows,
      this.options.maxRowsPerInsert ?? MAX_ROWS_PER_REQUEST,
      this.options.maxBytesPerInsert ?? MAX_BYTES_PER_REQUEST,
    );
    const target = this.dataset.table(table);
    let sent = 0;
    for (const batch of batches) {
      try {
        await target.insert(batch.rows, {
          raw: true,
          skipInvalidRows: false,
          ignoreUnknownValues: false,
          // The client would resend failed rows itself; rows refused as invalid fail again, and the
          // rest of the request ("stopped") is better resent by the caller with the whole call.
          partialRetries: 0,
        });
      } catch (err) {
        throw this.insertError(table, err, batch.rows, prepared.sourceIndex.slice(batch.start), sent);
      }
      sent += batch.rows.length;
    }
    return { inserted: sent, duplicates: prepared.duplicates };
  }

  private insertError(
    table: TableName,
    err: unknown,
    batch: EncodedRow[],
    sourceIndex: number[],
    alreadySent: number,
  ): BigQueryWarehouseError {
    const written = alreadySent > 0 ? ` ${alreadySent} earlier row(s) of this call were written;` : "";
    const retry = ` retrying the call is safe (insertIds repeat).`;
    const failures = (err as { name?: string; errors?: PartialFailure[] }).errors;
    if ((err as { name?: string }).name !== "PartialFailureError" || !Array.isArray(failures)) {
      const mapped = mapBigQueryError(err, `insert into ${table}`);
      return new BigQueryWarehouseError(mapped.message + written + retry, mapped.failure, err);
    }
    const position = new Map(batch.map((r, i) => [r.insertId, sourceIndex[i]]));
    const described = failures.map((f) => {
      const reasons = (f.errors ?? []).map((e) => e.reason ?? "unknown");
      const index = position.get((f.row as EncodedRow | undefined)?.insertId ?? "");
      const message = (f.errors ?? [])
        .map((e) => `${e.reason ?? "error"}: ${e.message ?? ""}`.trim())
        .join("; ");
      return { index, stoppedOnly: reasons.every((r) => r === "stopped"), message };
    });
    const culprits = described.filter((d) => !d.stoppedOnly);
    const shown = (culprits.length > 0 ? culprits : described).slice(0, 5);
    const text = shown.map((d) => `row ${d.index ?? "?"} (${d.message})`).join(", ");
    const more = culprits.length > shown.length ? ` and ${culprits.length - shown.length} more` : "";
    return new BigQueryWarehouseError(
      `insert into ${table} rejected ${text}${more}; no row of that request was written;${written}${retry}`,
      "insert_rejected",
      err,
    );
  }

  /** One MERGE job keyed by the table's key; the last row of a key in `rows` wins. */
  async upsert(table: TableName, rows: Row[]): Promise<void> {
    if (rows.length === 0) return;
    const schema = tableSchema(table);
    const { values } = mergeRows(schema, rows);
    await this.ensureSchema();
    await this.runQuery({
      sql: buildMerge(this.options.projectId, this.options.dataset, schema),
      label: `upsert_${table}`,
      clientParams: {
        params: { [MERGE_ROWS_PARAM]: values },
        types: { [MERGE_ROWS_PARAM]: mergeParamType(schema) },
      },
    });
  }

  async query<T = Row>(query: SqlQuery): Promise<QueryResult<T>> {
    const clientParams = toClientParams(query.params, query.paramTypes);
    return this.runQuery<T>({ sql: query.sql, label: query.label, labels: query.labels, clientParams });
  }

  private async runQuery<T = Row>(q: {
    sql: string;
    label: string;
    labels?: Record<string, string>;
    clientParams?: { params: Record<string, unknown>; types: Record<string, unknown> };
  }): Promise<QueryResult<T>> {
    const started = performance.now();
    const request: Query = {
      query: q.sql,
      useLegacySql: false,
      location: this.options.location,
      maximumBytesBilled: String(this.options.maxBytesBilled),
      labels: jobLabels(q.label, q.labels),
      wrapIntegers: true,
      parseJSON: false,
    };
    if (q.clientParams) {
      request.params = q.clientParams.params;
      request.types = q.clientParams.types as Query["types"];
    }
    try {
      // At run time the promise holds [rows, nextQuery, response] (the paginator appends the last
      // page's jobs.query / getQueryResults response); the typings only declare [rows, job].
      const [rows, , response] = (await this.client.query(request)) as unknown as [Row[], unknown, unknown];
      const bytes = Number(
        (response as { totalBytesProcessed?: string } | undefined)?.totalBytesProcessed ?? 0,
      );
      return {
        rows: (rows as Record<string, unknown>[]).map((r) => plainRow<T>(r)),
        stats: { bytesProcessed: Number.isFinite(bytes) ? bytes : 0, elapsedMs: performance.now() - started },
      };
    } catch (err) {
      throw mapBigQueryError(err, `query ${q.label}`, this.options.maxBytesBilled);
    }
  }

  async close(): Promise<void> {
    // The client holds no sockets beyond the keep-alive agent; nothing to release.
  }
}

interface PartialFailure {
  errors?: { reason?: string; message?: string }[];
  row?: unknown;
}

function isCode(err: unknown, code: number): boolean {
  return typeof err === "object" && err !== null && (err as { code?: number }).code === code;
}

async function ignoreAlreadyExists(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (err) {
    if (!isCode(err, 409)) throw err;
  }
}
