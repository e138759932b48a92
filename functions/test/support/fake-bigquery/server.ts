/**
 * A fake of the parts of the BigQuery v2 REST API that the CFAP adapter uses, for tests through the
 * official client (`apiEndpoint: fake.url`). It listens on 127.0.0.1 (ephemeral port), keeps
 * datasets, tables and streamed rows in memory, and **records and checks** every request against
 * what real BigQuery requires or what CFAP promises:
 *
 * - no Authorization header (the adapter must not send credentials to a local endpoint);
 * - tabledata.insertAll: every row has an insertId equal to its key (`a:b`, or `sha256:<hex>` of the
 *   JSON key when ambiguous / longer than 128), ≤ 500 rows and ≤ 10 MB per request, rows conform to
 *   the table's schema (REQUIRED present, no unknown fields, JSON-encoded types plausible: integers,
 *   ISO timestamps, YYYY-MM-DD dates, JSON columns as valid JSON *text*, RECORD objects, REPEATED arrays);
 *   non-conforming rows get `insertErrors` (reason `invalid`, the others `stopped`, nothing stored),
 *   as BigQuery does with skipInvalidRows=false;
 * - jobs.query / jobs.insert: useLegacySql=false, maximumBytesBilled present and ≤ the configured
 *   limit, labels `app=cfap` and `query=…` in BigQuery's label syntax, location set, named and typed
 *   parameters (every `@name` in the SQL is supplied and every parameter is used; values plausible
 *   for their declared type; ARRAY / STRUCT well formed).
 *
 * Broken expectations are collected in `violations` (tests assert it stays empty) and, where
 * BigQuery would refuse the request, answered with the error BigQuery would return.
 *
 * It does not run SQL: tests register canned results matched by job label or SQL substring. Query
 * results are encoded as BigQuery does (`schema` + `rows: [{ f: [{ v }] }]`, INT64 and FLOAT64 as
 * strings, TIMESTAMP as int64 microseconds when `formatOptions.useInt64Timestamp` is set, legacy type
 * names INTEGER / FLOAT / BOOLEAN / RECORD in result schemas). Faults can be queued per route
 * (e.g. 500 once, then success) and canned results can carry an error (bytesBilledLimitExceeded …).
 */
import { createHash, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeField {
  name: string;
  type: string;
  mode?: "NULLABLE" | "REQUIRED" | "REPEATED";
  fields?: FakeField[];
  description?: string;
}

export interface FakeError {
  status: number;
  reason: string;
  message: string;
  location?: string;
}

export interface CannedResult {
  /** Result schema (BigQuery or legacy type names). */
  schema?: FakeField[];
  /** Rows as plain objects keyed by field name (JS values; the fake encodes them). */
  rows?: Record<string, unknown>[];
  totalBytesProcessed?: number;
  /** Answer with this error instead of a result. */
  error?: FakeError;
  /** getQueryResults answers jobComplete=false this many times first. */
  pendingPolls?: number;
  /** Rows per page (pageToken paging). */
  pageSize?: number;
  numDmlAffectedRows?: number;
}

export interface QueryMatcher {
  label?: string;
  sql?: string | RegExp;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  authorization?: string;
}

export interface RecordedParameter {
  name?: string;
  parameterType: ParamType;
  parameterValue: ParamValue;
}
interface ParamType {
  type: string;
  arrayType?: ParamType;
  structTypes?: { name: string; type: ParamType }[];
}
interface ParamValue {
  value?: unknown;
  arrayValues?: ParamValue[];
  structValues?: Record<string, ParamValue>;
}

export interface RecordedQuery {
  api: "jobs.query" | "jobs.insert";
  jobId: string;
  sql: string;
  labels: Record<string, string>;
  maximumBytesBilled?: string;
  location?: string;
  useLegacySql?: boolean;
  parameterMode?: string;
  parameters: RecordedParameter[];
  /** parameters decoded to plain JS (for assertions). */
  params: Record<string, unknown>;
}

export interface RecordedInsert {
  table: string;
  rows: { insertId?: string; json: Record<string, unknown> }[];
  skipInvalidRows?: boolean;
  ignoreUnknownValues?: boolean;
  bytes: number;
}

export interface FakeTable {
  tableReference: { projectId: string; datasetId: string; tableId: string };
  type: "TABLE" | "VIEW";
  schema?: { fields: FakeField[] };
  timePartitioning?: { type: string; field?: string };
  clustering?: { fields: string[] };
  view?: { query: string; useLegacySql?: boolean };
  description?: string;
  creationTime: string;
  etag: string;
}

export interface FakeBigQueryOptions {
  projectId: string;
  /** The limit the adapter was configured with; jobs must carry maximumBytesBilled ≤ this. */
  maxBytesBilled: number;
  location?: string;
  /** Natural keys per table, to check insertIds (e.g. from tables.json). */
  keys?: Record<string, string[]>;
}

interface Job {
  jobId: string;
  location: string;
  query: RecordedQuery;
  result: CannedResult;
  polls: number;
  resource: Record<string, unknown>;
}

const LABEL_KEY = /^[a-z][a-z0-9_-]{0,62}$/;
const LABEL_VALUE = /^[a-z0-9_-]{0,63}$/;
const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

export class FakeBigQuery {
  readonly requests: RecordedRequest[] = [];
  readonly queries: RecordedQuery[] = [];
  readonly inserts: RecordedInsert[] = [];
  readonly violations: string[] = [];
  readonly datasets = new Map<string, Record<string, unknown>>();
  readonly tables = new Map<string, FakeTable>();
  /** Stored rows per table (after insertId deduplication). */
  readonly rows = new Map<string, Record<string, unknown>[]>();
  /** Rows dropped by the fake's insertId deduplication (like BigQuery's best-effort window). */
  dedupedByInsertId = 0;

  private readonly seenInsertIds = new Map<string, Set<string>>();
  private readonly canned: { matcher: QueryMatcher; result: CannedResult }[] = [];
  private readonly faults: { method?: string; path: RegExp; error: FakeError; times: number }[] = [];
  private readonly rowRejections: {
    table: string;
    reject: (json: Record<string, unknown>) => { reason: string; message: string } | undefined;
  }[] = [];
  private readonly jobs = new Map<string, Job>();
  private server?: Server;
  url = "";

  constructor(readonly options: FakeBigQueryOptions) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        this.violations.push(`fake crashed: ${(err as Error).stack ?? String(err)}`);
        send(res, 500, errorBody({ status: 500, reason: "backendError", message: String(err) }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  /** Canned result for queries whose job label `query` equals `label` or whose SQL contains `sql`. */
  onQuery(matcher: QueryMatcher, result: CannedResult): this {
    this.canned.push({ matcher, result });
    return this;
  }

  /** Answers the next `times` requests matching method + path with an error. */
  fail(route: { method?: string; path: RegExp | string }, error: FakeError, times = 1): this {
    const path = typeof route.path === "string" ? new RegExp(escapeRegExp(route.path)) : route.path;
    this.faults.push({ method: route.method, path, error, times });
    return this;
  }

  /** Rows of `table` for which `reject` returns a reason come back in insertErrors. */
  rejectRows(
    table: string,
    reject: (json: Record<string, unknown>) => { reason: string; message: string } | undefined,
  ): this {
    this.rowRejections.push({ table, reject });
    return this;
  }

  tableRows(table: string): Record<string, unknown>[] {
    return this.rows.get(table) ?? [];
  }

  // ---------------------------------------------------------------- routing

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake");
    const raw = await readBody(req);
    let body: unknown;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString("utf8"));
      } catch {
        this.violations.push(`${req.method} ${url.pathname}: body is not JSON`);
        return send(res, 400, errorBody({ status: 400, reason: "parseError", message: "Parse Error" }));
      }
    }
    const method = req.method ?? "GET";
    const auth = req.headers.authorization;
    this.requests.push({
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body,
      authorization: auth,
    });
    if (auth)
      this.violations.push(
        `${method} ${url.pathname}: sent credentials (Authorization header) to a local endpoint`,
      );

    const fault = this.faults.find(
      (f) => f.times > 0 && (!f.method || f.method === method) && f.path.test(url.pathname),
    );
    if (fault) {
      fault.times--;
      return send(res, fault.error.status, errorBody(fault.error));
    }

    const prefix = "/bigquery/v2/projects/";
    if (!url.pathname.startsWith(prefix)) {
      this.violations.push(`unexpected path ${url.pathname}`);
      return send(
        res,
        404,
        errorBody({ status: 404, reason: "notFound", message: `Not found: ${url.pathname}` }),
      );
    }
    const parts = url.pathname.slice(prefix.length).split("/").map(decodeURIComponent);
    const [project, collection, id, sub, subId, action] = parts;
    if (project !== this.options.projectId) {
      this.violations.push(`request for project ${project}, expected ${this.options.projectId}`);
    }
    const q = Object.fromEntries(url.searchParams);
    const route = `${method} ${[collection, id && "{id}", sub, subId && "{id}", action].filter(Boolean).join("/")}`;
    const [status, payload] = ((): [number, unknown] => {
      switch (route) {
        case "GET datasets/{id}":
          return this.getDataset(id);
        case "POST datasets":
          return this.insertDataset(body as Record<string, unknown>);
        case "GET datasets/{id}/tables/{id}":
          return this.getTable(id, subId);
        case "POST datasets/{id}/tables":
          return this.insertTable(id, body as Record<string, unknown>);
        case "PATCH datasets/{id}/tables/{id}":
        case "PUT datasets/{id}/tables/{id}":
          return this.patchTable(id, subId, body as Record<string, unknown>);
        case "POST datasets/{id}/tables/{id}/insertAll":
          return this.insertAll(id, subId, body as Record<string, unknown>, raw.length);
        case "POST queries":
          return this.jobsQuery(body as Record<string, unknown>);
        case "POST jobs":
          return this.jobsInsert(body as Record<string, unknown>);
        case "GET queries/{id}":
          return this.getQueryResults(id, q);
        case "GET jobs/{id}":
          return this.getJob(id);
        default:
          this.violations.push(`unsupported route ${method} ${url.pathname}`);
          return [404, errorBody({ status: 404, reason: "notFound", message: `fake: no route ${route}` })];
      }
    })();
    send(res, status, payload);
  }

  // ---------------------------------------------------------------- datasets and tables

  private getDataset(id: string): [number, unknown] {
    const ds = this.datasets.get(id);
    if (!ds) return notFound(`Dataset ${this.options.projectId}:${id}`);
    return [200, ds];
  }

  private insertDataset(body: Record<string, unknown>): [number, unknown] {
    const ref = body.datasetReference as { datasetId?: string } | undefined;
    const id = ref?.datasetId;
    if (!id) return badRequest("invalid", "datasetReference.datasetId is required");
    if (this.datasets.has(id)) return alreadyExists(`Dataset ${this.options.projectId}:${id}`);
    if (this.options.location && body.location !== this.options.location) {
      this.violations.push(
        `dataset ${id} created in ${String(body.location)}, expected ${this.options.location}`,
      );
    }
    const ds = {
      kind: "bigquery#dataset",
      id: `${this.options.projectId}:${id}`,
      datasetReference: { projectId: this.options.projectId, datasetId: id },
      location: body.location ?? "US",
      labels: body.labels,
      creationTime: String(Date.now()),
      etag: randomUUID(),
    };
    this.datasets.set(id, ds);
    return [200, ds];
  }

  private getTable(dataset: string, table: string): [number, unknown] {
    const t = this.tables.get(`${dataset}.${table}`);
    if (!t) return notFound(`Table ${this.options.projectId}:${dataset}.${table}`);
    return [200, tableResource(t)];
  }

  private insertTable(dataset: string, body: Record<string, unknown>): [number, unknown] {
    if (!this.datasets.has(dataset)) return notFound(`Dataset ${this.options.projectId}:${dataset}`);
    const ref = body.tableReference as FakeTable["tableReference"] | undefined;
    if (!ref?.tableId) return badRequest("invalid", "tableReference.tableId is required");
    const key = `${dataset}.${ref.tableId}`;
    if (this.tables.has(key)) return alreadyExists(`Table ${this.options.projectId}:${key}`);
    const view = body.view as FakeTable["view"] | undefined;
    const schema = body.schema as FakeTable["schema"] | undefined;
    if (!view && !schema?.fields?.length) this.violations.push(`table ${key} created without a schema`);
    if (view && view.useLegacySql !== false) this.violations.push(`view ${key} must set useLegacySql=false`);
    const tp = body.timePartitioning as FakeTable["timePartitioning"];
    if (
      tp?.field &&
      schema &&
      !schema.fields.some((f) => f.name === tp.field && ["TIMESTAMP", "DATE", "DATETIME"].includes(f.type))
    ) {
      return badRequest(
        "invalid",
        `The field specified for time partitioning can only be of type TIMESTAMP, DATE or DATETIME: ${tp.field}`,
      );
    }
    const clustering = body.clustering as FakeTable["clustering"];
    for (const c of clustering?.fields ?? []) {
      if (!schema?.fields.some((f) => f.name === c))
        return badRequest(
          "invalid",
          `The field specified for clustering cannot be found in the schema: ${c}`,
        );
    }
    if ((clustering?.fields.length ?? 0) > 4)
      return badRequest("invalid", "Too many clustering fields (max 4)");
    const t: FakeTable = {
      tableReference: { projectId: this.options.projectId, datasetId: dataset, tableId: ref.tableId },
      type: view ? "VIEW" : "TABLE",
      schema,
      timePartitioning: tp,
      clustering,
      view,
      description: body.description as string | undefined,
      creationTime: String(Date.now()),
      etag: randomUUID(),
    };
    this.tables.set(key, t);
    return [200, tableResource(t)];
  }

  private patchTable(dataset: string, table: string, body: Record<string, unknown>): [number, unknown] {
    const t = this.tables.get(`${dataset}.${table}`);
    if (!t) return notFound(`Table ${this.options.projectId}:${dataset}.${table}`);
    if (body.view) t.view = body.view as FakeTable["view"];
    if (body.schema) t.schema = body.schema as FakeTable["schema"];
    if (body.description !== undefined) t.description = body.description as string;
    t.etag = randomUUID();
    return [200, tableResource(t)];
  }

  // ---------------------------------------------------------------- streaming inserts

  private insertAll(
    dataset: string,
    tableId: string,
    body: Record<string, unknown>,
    bytes: number,
  ): [number, unknown] {
    const t = this.tables.get(`${dataset}.${tableId}`);
    if (!t) return notFound(`Table ${this.options.projectId}:${dataset}.${tableId}`);
    if (t.type === "VIEW") return badRequest("invalid", `Cannot insert into a view: ${tableId}`);
    const rows = (body.rows ?? []) as RecordedInsert["rows"];
    this.inserts.push({
      table: tableId,
      rows,
      skipInvalidRows: body.skipInvalidRows as boolean | undefined,
      ignoreUnknownValues: body.ignoreUnknownValues as boolean | undefined,
      bytes,
    });
    if (bytes > MAX_REQUEST_BYTES) {
      this.violations.push(`insertAll ${tableId}: request of ${bytes} bytes exceeds 10 MB`);
      return badRequest("invalid", "Request payload size exceeds the limit: 10485760 bytes.");
    }
    if (rows.length === 0) return badRequest("invalid", "No rows present in the request.");
    if (rows.length > 500)
      this.violations.push(`insertAll ${tableId}: ${rows.length} rows in one request (> 500)`);
    if (body.skipInvalidRows !== false)
      this.violations.push(`insertAll ${tableId}: skipInvalidRows should be false`);
    if (body.ignoreUnknownValues === true)
      this.violations.push(`insertAll ${tableId}: ignoreUnknownValues should not be set`);

    const keyColumns = this.options.keys?.[tableId];
    const insertErrors: {
      index: number;
      errors: { reason: string; location?: string; message: string; debugInfo: string }[];
    }[] = [];
    rows.forEach((row, index) => {
      const problems = checkRecord(t.schema?.fields ?? [], row.json ?? {}, "");
      if (!row.insertId) this.violations.push(`insertAll ${tableId} row ${index}: no insertId`);
      else if (keyColumns) {
        const expected = expectedInsertId(keyColumns.map((k) => String(row.json?.[k] ?? "")));
        if (row.insertId !== expected) {
          this.violations.push(
            `insertAll ${tableId} row ${index}: insertId ${row.insertId} is not the key (${expected})`,
          );
        }
      }
      if (problems.length > 0) {
        this.violations.push(
          ...problems.map((p) => `insertAll ${tableId} row ${index}: ${p.location}: ${p.message}`),
        );
        insertErrors.push({
          index,
          errors: problems.map((p) => ({
            reason: "invalid",
            location: p.location,
            message: p.message,
            debugInfo: "",
          })),
        });
        return;
      }
      for (const r of this.rowRejections.filter((x) => x.table === tableId)) {
        const reason = r.reject(row.json);
        if (reason) {
          insertErrors.push({ index, errors: [{ ...reason, location: "", debugInfo: "" }] });
          return;
        }
      }
    });
    if (insertErrors.length > 0) {
      // skipInvalidRows=false: the whole request is refused; valid rows are reported as "stopped".
      const failed = new Set(insertErrors.map((e) => e.index));
      rows.forEach((_, index) => {
        if (!failed.has(index))
          insertErrors.push({
            index,
            errors: [{ reason: "stopped", message: "", debugInfo: "", location: "" }],
          });
      });
      insertErrors.sort((a, b) => a.index - b.index);
      return [200, { kind: "bigquery#tableDataInsertAllResponse", insertErrors }];
    }
    const seen = this.seenInsertIds.get(tableId) ?? new Set<string>();
    this.seenInsertIds.set(tableId, seen);
    const stored = this.rows.get(tableId) ?? [];
    this.rows.set(tableId, stored);
    for (const row of rows) {
      if (row.insertId && seen.has(row.insertId)) {
        this.dedupedByInsertId++;
        continue;
      }
      if (row.insertId) seen.add(row.insertId);
      stored.push(row.json);
    }
    return [200, { kind: "bigquery#tableDataInsertAllResponse" }];
  }

  // ---------------------------------------------------------------- query jobs

  private recordQuery(
    api: RecordedQuery["api"],
    jobId: string,
    cfg: Record<string, unknown>,
    labels: unknown,
    location: unknown,
  ): RecordedQuery {
    const parameters = (cfg.queryParameters ?? []) as RecordedParameter[];
    const rec: RecordedQuery = {
      api,
      jobId,
      sql: String(cfg.query ?? ""),
      labels: (labels ?? {}) as Record<string, string>,
      maximumBytesBilled: cfg.maximumBytesBilled as string | undefined,
      location: location as string | undefined,
      useLegacySql: cfg.useLegacySql as boolean | undefined,
      parameterMode: cfg.parameterMode as string | undefined,
      parameters,
      params: Object.fromEntries(
        parameters.map((p) => [p.name ?? "?", decodeParam(p.parameterType, p.parameterValue)]),
      ),
    };
    this.queries.push(rec);
    this.checkQuery(rec);
    return rec;
  }

  private checkQuery(q: RecordedQuery): void {
    const v = (m: string) => this.violations.push(`${q.api} ${q.labels.query ?? "(no label)"}: ${m}`);
    if (q.useLegacySql !== false) v("useLegacySql must be false");
    if (q.maximumBytesBilled === undefined) v("maximumBytesBilled missing");
    else if (
      !/^\d+$/.test(String(q.maximumBytesBilled)) ||
      Number(q.maximumBytesBilled) > this.options.maxBytesBilled
    ) {
      v(`maximumBytesBilled ${q.maximumBytesBilled} exceeds the configured ${this.options.maxBytesBilled}`);
    }
    if (q.labels.app !== "cfap") v("label app=cfap missing");
    if (!q.labels.query) v("label query missing");
    for (const [k, val] of Object.entries(q.labels)) {
      if (!LABEL_KEY.test(k) || !LABEL_VALUE.test(String(val)))
        v(`label ${k}=${String(val)} is not valid BigQuery label syntax`);
    }
    if (this.options.location && q.location !== this.options.location)
      v(`location ${String(q.location)} != ${this.options.location}`);
    const used = new Set([...stripStrings(q.sql).matchAll(/@([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]));
    if (q.parameters.length > 0 && String(q.parameterMode).toUpperCase() !== "NAMED")
      v(`parameterMode ${String(q.parameterMode)} (expected NAMED)`);
    const supplied = new Set<string>();
    for (const p of q.parameters) {
      if (!p.name) v("unnamed parameter");
      else supplied.add(p.name);
      if (!p.parameterType?.type) v(`parameter ${p.name} has no type`);
      else for (const problem of checkParam(p.parameterType, p.parameterValue, p.name ?? "?")) v(problem);
    }
    for (const name of used) if (!supplied.has(name)) v(`@${name} is used but not supplied`);
    for (const name of supplied) if (!used.has(name)) v(`parameter ${name} is supplied but not used`);
  }

  private findResult(q: RecordedQuery): CannedResult {
    for (const { matcher, result } of this.canned) {
      if (matcher.label !== undefined && matcher.label !== q.labels.query) continue;
      if (matcher.sql !== undefined) {
        const hit = typeof matcher.sql === "string" ? q.sql.includes(matcher.sql) : matcher.sql.test(q.sql);
        if (!hit) continue;
      }
      return result;
    }
    if (/^\s*(MERGE|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER)\b/i.test(q.sql)) {
      return { numDmlAffectedRows: 0, totalBytesProcessed: 0 };
    }
    return {
      error: {
        status: 400,
        reason: "invalidQuery",
        message: `fake: no canned result for query ${q.labels.query}`,
      },
    };
  }

  private newJob(q: RecordedQuery, location: string, jobId: string): Job {
    const result = this.findResult(q);
    const now = Date.now();
    const resource: Record<string, unknown> = {
      kind: "bigquery#job",
      id: `${this.options.projectId}:${location}.${jobId}`,
      jobReference: { projectId: this.options.projectId, jobId, location },
      configuration: {
        jobType: "QUERY",
        labels: q.labels,
        query: {
          query: q.sql,
          useLegacySql: false,
          maximumBytesBilled: q.maximumBytesBilled,
          queryParameters: q.parameters,
        },
      },
      status: result.error
        ? { state: "DONE", errorResult: errorItem(result.error), errors: [errorItem(result.error)] }
        : { state: result.pendingPolls ? "RUNNING" : "DONE" },
      statistics: {
        creationTime: String(now),
        startTime: String(now),
        endTime: result.pendingPolls ? undefined : String(now),
        totalBytesProcessed: String(result.totalBytesProcessed ?? 0),
        query: {
          totalBytesProcessed: String(result.totalBytesProcessed ?? 0),
          totalBytesBilled: String(result.totalBytesProcessed ?? 0),
          statementType: /^\s*MERGE/i.test(q.sql) ? "MERGE" : "SELECT",
          numDmlAffectedRows:
            result.numDmlAffectedRows !== undefined ? String(result.numDmlAffectedRows) : undefined,
        },
      },
    };
    const job: Job = { jobId, location, query: q, result, polls: 0, resource };
    this.jobs.set(jobId, job);
    return job;
  }

  private jobsQuery(body: Record<string, unknown>): [number, unknown] {
    const location = String(body.location ?? this.options.location ?? "US");
    const jobId = `job_${randomUUID().replace(/-/g, "")}`;
    const q = this.recordQuery("jobs.query", jobId, body, body.labels, body.location);
    if (!body.requestId)
      this.violations.push("jobs.query without requestId (retries would not be idempotent)");
    const job = this.newJob(q, location, jobId);
    if (job.result.error) return [job.result.error.status, errorBody(job.result.error)];
    const int64Ts =
      (body.formatOptions as { useInt64Timestamp?: boolean } | undefined)?.useInt64Timestamp === true;
    if (job.result.pendingPolls) {
      return [
        200,
        { kind: "bigquery#queryResponse", jobReference: job.resource.jobReference, jobComplete: false },
      ];
    }
    return [
      200,
      {
        kind: "bigquery#queryResponse",
        ...this.page(job, 0, int64Ts, body.maxResults as number | undefined),
      },
    ];
  }

  private jobsInsert(body: Record<string, unknown>): [number, unknown] {
    const ref = body.jobReference as { jobId?: string; location?: string } | undefined;
    const configuration = (body.configuration ?? {}) as Record<string, unknown>;
    const cfg = (configuration.query ?? {}) as Record<string, unknown>;
    if (!ref?.jobId) return badRequest("invalid", "jobReference.jobId is required");
    if (this.jobs.has(ref.jobId)) return alreadyExists(`Job ${this.options.projectId}:${ref.jobId}`);
    const location = String(ref.location ?? this.options.location ?? "US");
    const q = this.recordQuery("jobs.insert", ref.jobId, cfg, configuration.labels, ref.location);
    const job = this.newJob(q, location, ref.jobId);
    return [200, job.resource];
  }

  private getJob(jobId: string): [number, unknown] {
    const job = this.jobs.get(jobId);
    if (!job) return notFound(`Job ${this.options.projectId}:${jobId}`);
    return [200, job.resource];
  }

  private getQueryResults(jobId: string, qs: Record<string, string>): [number, unknown] {
    const job = this.jobs.get(jobId);
    if (!job) return notFound(`Job ${this.options.projectId}:${jobId}`);
    if (job.result.error) return [job.result.error.status, errorBody(job.result.error)];
    if (job.polls < (job.result.pendingPolls ?? 0)) {
      job.polls++;
      const done = job.polls >= (job.result.pendingPolls ?? 0);
      if (!done)
        return [
          200,
          {
            kind: "bigquery#getQueryResultsResponse",
            jobReference: job.resource.jobReference,
            jobComplete: false,
          },
        ];
      (job.resource.status as Record<string, unknown>).state = "DONE";
    }
    const start = qs.pageToken ? Number(qs.pageToken.replace(/^page-/, "")) : Number(qs.startIndex ?? 0);
    const int64Ts = qs["formatOptions.useInt64Timestamp"] === "true";
    return [
      200,
      {
        kind: "bigquery#getQueryResultsResponse",
        ...this.page(job, start, int64Ts, qs.maxResults ? Number(qs.maxResults) : undefined),
      },
    ];
  }

  private page(job: Job, start: number, int64Ts: boolean, maxResults?: number): Record<string, unknown> {
    const r = job.result;
    const all = r.rows ?? [];
    const size = Math.min(r.pageSize ?? Infinity, maxResults ?? Infinity);
    const slice = all.slice(start, start + (Number.isFinite(size) ? size : all.length));
    const next = start + slice.length < all.length ? `page-${start + slice.length}` : undefined;
    const fields = r.schema ?? [];
    const out: Record<string, unknown> = {
      jobReference: job.resource.jobReference,
      jobComplete: true,
      totalRows: String(all.length),
      totalBytesProcessed: String(r.totalBytesProcessed ?? 0),
      cacheHit: false,
    };
    if (r.schema) out.schema = { fields: fields.map(legacyField) };
    if (r.schema) out.rows = slice.map((row) => encodeRecord(fields, row, int64Ts));
    if (next) out.pageToken = next;
    if (r.numDmlAffectedRows !== undefined) out.numDmlAffectedRows = String(r.numDmlAffectedRows);
    return out;
  }
}

// ---------------------------------------------------------------- helpers

function send(res: ServerResponse, status: number, payload: unknown): void {
  const text = JSON.stringify(payload ?? {});
  res.writeHead(status, {
    "content-type": "application/json; charset=UTF-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function errorItem(e: FakeError) {
  return { reason: e.reason, message: e.message, location: e.location ?? "", domain: "global" };
}

/** BigQuery's error envelope (google.rpc style with the legacy `errors[]`). */
export function errorBody(e: FakeError): unknown {
  const statusName: Record<number, string> = {
    400: "INVALID_ARGUMENT",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ALREADY_EXISTS",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
  };
  return {
    error: {
      code: e.status,
      message: e.message,
      errors: [errorItem(e)],
      status: statusName[e.status] ?? "UNKNOWN",
    },
  };
}

function notFound(what: string): [number, unknown] {
  return [404, errorBody({ status: 404, reason: "notFound", message: `Not found: ${what}` })];
}
function alreadyExists(what: string): [number, unknown] {
  return [409, errorBody({ status: 409, reason: "duplicate", message: `Already Exists: ${what}` })];
}
function badRequest(reason: string, message: string): [number, unknown] {
  return [400, errorBody({ status: 400, reason, message })];
}

function tableResource(t: FakeTable): Record<string, unknown> {
  const { tableReference } = t;
  return {
    kind: "bigquery#table",
    id: `${tableReference.projectId}:${tableReference.datasetId}.${tableReference.tableId}`,
    ...t,
  };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The insertId rule CFAP promises (re-implemented here, not imported, so the check is independent). */
export function expectedInsertId(key: string[]): string {
  const joined = key.join(":");
  if (joined.length <= 128 && key.every((k) => !k.includes(":"))) return joined;
  return "sha256:" + createHash("sha256").update(JSON.stringify(key)).digest("hex");
}

function canonicalType(type: string): string {
  const t = type.toUpperCase();
  return (
    ({ INT64: "INTEGER", FLOAT64: "FLOAT", BOOL: "BOOLEAN", STRUCT: "RECORD" } as Record<string, string>)[
      t
    ] ?? t
  );
}

function legacyField(f: FakeField): FakeField {
  return {
    name: f.name,
    type: canonicalType(f.type),
    mode: f.mode ?? "NULLABLE",
    ...(f.fields ? { fields: f.fields.map(legacyField) } : {}),
  };
}

/** Checks a streamed row's JSON against the schema, as BigQuery would (loosely on formats). */
function checkRecord(
  fields: FakeField[],
  json: Record<string, unknown>,
  prefix: string,
): { location: string; message: string }[] {
  const problems: { location: string; message: string }[] = [];
  const names = new Set(fields.map((f) => f.name));
  for (const k of Object.keys(json))
    if (!names.has(k)) problems.push({ location: prefix + k, message: "no such field." });
  for (const f of fields) {
    const loc = prefix + f.name;
    const v = json[f.name];
    if (f.mode === "REPEATED") {
      if (v === undefined || v === null) continue;
      if (!Array.isArray(v))
        problems.push({ location: loc, message: "Array specified for non-repeated field" });
      else v.forEach((x, i) => problems.push(...checkScalar(f, x, `${loc}[${i}]`)));
      continue;
    }
    if (v === undefined || v === null) {
      if (f.mode === "REQUIRED")
        problems.push({ location: loc, message: "Missing required field: " + loc + "." });
      continue;
    }
    problems.push(...checkScalar(f, v, loc));
  }
  return problems;
}

function checkScalar(f: FakeField, v: unknown, loc: string): { location: string; message: string }[] {
  const bad = (what: string) => [{ location: loc, message: `Cannot convert value to ${what}.` }];
  switch (canonicalType(f.type)) {
    case "STRING":
      return typeof v === "string" ? [] : bad("string");
    case "INTEGER":
      return (typeof v === "number" && Number.isInteger(v)) || (typeof v === "string" && /^-?\d+$/.test(v))
        ? []
        : bad("integer");
    case "FLOAT":
    case "NUMERIC":
      return typeof v === "number" ||
        (typeof v === "string" && /^(-?\d+(\.\d+)?([eE][-+]?\d+)?|NaN|-?Infinity)$/.test(v))
        ? []
        : bad("floating point");
    case "BOOLEAN":
      return typeof v === "boolean" ? [] : bad("boolean");
    case "TIMESTAMP":
      return (typeof v === "string" &&
        /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.test(v)) ||
        typeof v === "number"
        ? []
        : bad("timestamp");
    case "DATE":
      return typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v) ? [] : bad("date");
    case "JSON":
      if (typeof v !== "string")
        return [{ location: loc, message: "JSON column value must be a JSON string." }];
      try {
        JSON.parse(v);
        return [];
      } catch {
        return [{ location: loc, message: "Invalid JSON." }];
      }
    case "RECORD":
      if (typeof v !== "object" || v === null || Array.isArray(v)) return bad("record");
      return checkRecord(f.fields ?? [], v as Record<string, unknown>, loc + ".");
    default:
      return [];
  }
}

/** Encodes a plain row as BigQuery's `{ f: [{ v }] }`. */
function encodeRecord(
  fields: FakeField[],
  row: Record<string, unknown>,
  int64Ts: boolean,
): { f: { v: unknown }[] } {
  return { f: fields.map((f) => ({ v: encodeField(f, row?.[f.name], int64Ts) })) };
}

function encodeField(f: FakeField, v: unknown, int64Ts: boolean): unknown {
  if (f.mode === "REPEATED")
    return ((v as unknown[] | null) ?? []).map((x) => ({ v: encodeScalar(f, x, int64Ts) }));
  return encodeScalar(f, v, int64Ts);
}

function encodeScalar(f: FakeField, v: unknown, int64Ts: boolean): unknown {
  if (v === null || v === undefined) return null;
  switch (canonicalType(f.type)) {
    case "RECORD":
      return encodeRecord(f.fields ?? [], v as Record<string, unknown>, int64Ts);
    case "TIMESTAMP": {
      const text = String(v instanceof Date ? v.toISOString() : v);
      const m = /\.(\d{1,6})\d*Z$/.exec(text);
      const seconds = Math.floor(Date.parse(text) / 1000);
      const micros = BigInt(seconds) * 1_000_000n + BigInt(m ? m[1].padEnd(6, "0") : "0");
      if (int64Ts) return micros.toString();
      return (Number(micros) / 1e6).toExponential().replace("e+", "E"); // e.g. "1.7040672E9"
    }
    case "JSON":
      return typeof v === "string" ? v : JSON.stringify(v);
    case "BOOLEAN":
      return v ? "true" : "false";
    default:
      return String(v);
  }
}

/** Problems with one parameter's type/value pair (declared type vs value shape). */
function checkParam(t: ParamType, v: ParamValue | undefined, where: string): string[] {
  const problems: string[] = [];
  const type = t.type.toUpperCase();
  if (type === "ARRAY") {
    if (!t.arrayType) problems.push(`parameter ${where}: ARRAY without arrayType`);
    if (v && !Array.isArray(v.arrayValues) && v.value !== null)
      problems.push(`parameter ${where}: ARRAY without arrayValues`);
    (v?.arrayValues ?? []).forEach((x, i) =>
      problems.push(...checkParam(t.arrayType ?? { type: "STRING" }, x, `${where}[${i}]`)),
    );
    return problems;
  }
  if (type === "STRUCT") {
    if (!t.structTypes?.length) return [`parameter ${where}: STRUCT without structTypes`];
    for (const st of t.structTypes)
      problems.push(...checkParam(st.type, v?.structValues?.[st.name], `${where}.${st.name}`));
    for (const k of Object.keys(v?.structValues ?? {})) {
      if (!t.structTypes.some((s) => s.name === k))
        problems.push(`parameter ${where}: value for undeclared struct field ${k}`);
    }
    return problems;
  }
  const value = v?.value;
  if (value === null || value === undefined) return problems;
  const s = String(value);
  const ok: Record<string, boolean> = {
    INT64: /^-?\d+$/.test(s),
    FLOAT64: /^(-?\d+(\.\d+)?([eE][-+]?\d+)?|NaN|-?Infinity)$/.test(s),
    NUMERIC: /^-?\d+(\.\d+)?$/.test(s),
    BOOL: s === "true" || s === "false",
    TIMESTAMP: Number.isFinite(Date.parse(s)),
    DATE: /^\d{4}-\d{2}-\d{2}$/.test(s),
    STRING: typeof value === "string",
    JSON: (() => {
      try {
        JSON.parse(s);
        return true;
      } catch {
        return false;
      }
    })(),
  };
  if (type in ok && !ok[type])
    problems.push(`parameter ${where}: value ${JSON.stringify(value)} is not a valid ${type}`);
  if (!(type in ok)) problems.push(`parameter ${where}: unexpected type ${type}`);
  return problems;
}

function decodeParam(t: ParamType | undefined, v: ParamValue | undefined): unknown {
  if (!t || !v) return null;
  const type = t.type.toUpperCase();
  if (type === "ARRAY") return (v.arrayValues ?? []).map((x) => decodeParam(t.arrayType, x));
  if (type === "STRUCT") {
    return Object.fromEntries(
      (t.structTypes ?? []).map((s) => [s.name, decodeParam(s.type, v.structValues?.[s.name])]),
    );
  }
  return v.value ?? null;
}

/** SQL without string literals and comments, to find @parameters. */
function stripStrings(sql: string): string {
  return sql
    .replace(/--[^\n]*/g, " ")
    .replace(/'(?:\\.|[^'\\])*'/g, "''")
    .replace(/"(?:\\.|[^"\\])*"/g, '""')
    .replace(/`[^`]*`/g, "``");
}
